// `between: [guestA, guestB]`: a veth straight between two guests. Field-named errors, its own
// broadcast domain, and the ops the planner makes of it.
import { describe, expect, it } from 'vitest'
import { broadcastDomains } from '../../../shared/l2/domains.ts'
import { checkLab } from '../../../shared/lab/check.ts'
import { resolveMac } from '../../../shared/lab/mac.ts'
import { execArgv } from '../../../shared/plan/op.ts'
import { planLab } from '../../../shared/plan/plan.ts'
import { emptyHost } from '../plan/fixtures.ts'

const base = {
  patchbay: 1,
  name: 'pairs',
  nodes: {
    r1: { kind: 'netns' },
    r2: { kind: 'container', image: 'labbox:latest' },
    ovs0: { kind: 'ovs-bridge' },
    h1: { kind: 'netns' },
  },
}
const problemsOf = (links: unknown[], extra: Record<string, unknown> = {}) =>
  checkLab({ ...base, ...extra, links }).problems.map(
    (p) => `${p.severity} ${p.path.join('.')}: ${p.message}`,
  )

describe('between two guests', () => {
  it('validates with no problem and forms a broadcast domain of its own', () => {
    const { lab, problems } = checkLab({
      ...base,
      links: [
        { between: ['r1', 'r2'], ifnames: ['e1', 'e1'], ips: ['10.0.12.1/30', '10.0.12.2/30'] },
        { guest: 'r1', to: 'ovs0', ip: '10.0.0.1/24' },
        { guest: 'h1', to: 'ovs0', ip: '10.0.0.2/24' },
      ],
    })
    expect(problems).toEqual([])
    const domains = broadcastDomains(lab!).domains.map((d) => [d.id, d.members, d.bridges])
    expect(domains).toContainEqual(['r1~r2', ['r1:e1', 'r2:e1'], []])
    expect(domains).toContainEqual(['ovs0/untagged', ['h1:eth1', 'r1:eth1'], ['ovs0']])
  })

  it('names the field of every mistake', () => {
    expect(problemsOf([{ between: ['r1', 'r2'], vlan: 10, trunk: [20] }])).toEqual([
      'error links.0.trunk: trunk is for wires between bridges; a veth between two guests has no VLANs or tunnel',
      'error links.0.vlan: vlan is for wires between bridges; a veth between two guests has no VLANs or tunnel',
    ])
    expect(problemsOf([{ between: ['r1', 'r2'], state: 'down' }])).toEqual([
      'error links.0.state: state is not applied to a veth between two guests in this version',
    ])
    expect(problemsOf([{ between: ['r1', 'ovs0'] }])).toEqual([
      'error links.0.between.0: r1 is a netns, but ovs0 is not a guest; a wire joins bridges, or between: two guests makes a veth between them; plug a guest into a bridge with guest:/to:',
    ])
    expect(
      problemsOf([{ between: ['ovs0', 'ovs0x'], ips: ['10.0.0.1/24', []] }], {
        nodes: { ...base.nodes, ovs0x: { kind: 'ovs-bridge' } },
      }),
    ).toEqual(['error links.0.ips: ips is for a link between two guests; ovs0 and ovs0x are not guests'])
    expect(
      problemsOf([
        { between: ['r1', 'r2'], ifnames: ['eth1', 'e2'] },
        { guest: 'r1', to: 'ovs0' },
      ]),
    ).toEqual([
      'error links.1.guest: r1 already has an interface eth1 (links[0]); give this link another ifname',
    ])
    expect(
      problemsOf([{ between: ['r1', 'r2'], ips: [['10.0.0.1/24', '10.0.0.1/24'], '10.0.0.2/24'] }]),
    ).toEqual(['error links.0.ips.0.1: address 10.0.0.1 is listed twice'])
    expect(problemsOf([{ between: ['r1', 'r2'], ips: ['10.0.0.1/24', '10.0.0.1/24'] }])).toEqual([
      'error links.0.ips.1: address 10.0.0.1 is already used by r1:r1-r2 in the same broadcast domain',
    ])
    expect(problemsOf([{ between: ['r1', 'r2'], macs: ['U:x', 'U:x'] }])[0]).toMatch(
      /^error links\.0\.macs\.1: MAC 02:.* \(U:x\) is already used by r1:r1-r2/,
    )
    expect(problemsOf([{ between: ['r1', 'r2'], macs: ['nope', '02:00:00:00:00:01'] }])[0]).toMatch(
      /^error links\.0\.macs\.0: /,
    )
  })

  it('plans one veth born in both guests, no pipework line, each end marked and addressed', () => {
    const lab = checkLab({
      ...base,
      links: [
        {
          between: ['r1', 'r2'],
          ifnames: ['e1', 'e2'],
          ips: ['10.0.12.1/30', []],
          macs: ['U:r1', '02:00:00:00:00:02'],
          mtu: 1500,
        },
      ],
    }).lab!
    const plan = planLab(lab, { hosts: { local: emptyHost() } })
    const pairOps = plan.ops.filter((op) => op.linkId === 'r1~r2')
    expect(pairOps.map((op) => `${op.action} ${execArgv(op.exec).join(' ')}`)).toEqual([
      `veth.create ip link add e1 address ${resolveMac('U:r1')} mtu 1500 netns r1 type veth peer name e2 address 02:00:00:00:00:02 mtu 1500 netns {pid:pairs.r2}`,
      'veth.configure ip -n r1 link set e1 alias patchbay:pairs:wire:a:r1~r2',
      'address.add ip -n r1 addr add 10.0.12.1/30 brd + dev e1',
      'guest.configure ip -n r1 link set e1 up',
      'veth.configure nsenter -t {pid:pairs.r2} -n ip link set e2 alias patchbay:pairs:wire:b:r1~r2',
      'guest.configure nsenter -t {pid:pairs.r2} -n ip link set e2 up',
    ])
    expect(pairOps.every((op) => op.pipework === null)).toBe(true)
    expect(new Set(pairOps.map((op) => op.id)).size).toBe(pairOps.length)
  })
})
