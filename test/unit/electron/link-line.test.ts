import { describe, expect, it } from 'vitest'
import { parseLinkLine } from '../../../electron/core/monitor/link-line.ts'

// Lines as `ip -o monitor link address` printed them on this machine.
describe('a line of ip monitor', () => {
  it('reads an interface set down inside a guest', () => {
    expect(
      parseLinkLine(
        '283: eth1@if284: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue state DOWN group default \\    link/ether 0a:04:cb:90:41:c6 brd ff:ff:ff:ff:ff:ff link-netnsid 0',
      ),
    ).toEqual({ ifname: 'eth1', adminUp: false, operState: 'DOWN', working: false })
  })

  it('reads a host end whose peer went down: up, but no carrier', () => {
    expect(
      parseLinkLine(
        '284: pb-g1-eth1@if283: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue master ovs-system state LOWERLAYERDOWN group default \\    link/ether aa:3e:43:2f:b2:42 brd ff:ff:ff:ff:ff:ff link-netns pb-g1',
      ),
    ).toEqual({ ifname: 'pb-g1-eth1', adminUp: true, operState: 'LOWERLAYERDOWN', working: false })
  })

  it('reads an end just set up whose operstate the kernel has not moved yet: the carrier says it works', () => {
    expect(
      parseLinkLine(
        '7: eth1@if8: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state DOWN group default',
      ),
    ).toEqual({ ifname: 'eth1', adminUp: true, operState: 'DOWN', working: true })
  })

  it('reads an interface that works, and a tunnel whose operstate is UNKNOWN with a carrier', () => {
    expect(
      parseLinkLine(
        '7: eth1@if8: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default',
      )?.working,
    ).toBe(true)
    expect(
      parseLinkLine(
        '9: vx0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN group default',
      )?.working,
    ).toBe(true)
  })

  it('ignores address lines and deletions', () => {
    expect(parseLinkLine('7: eth1    inet 10.0.0.1/24 brd 10.0.0.255 scope global eth1')).toBeNull()
    expect(
      parseLinkLine(
        'Deleted 7: eth1@if8: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default',
      ),
    ).toBeNull()
  })
})
