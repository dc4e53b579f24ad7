// discover's key property on a machine written out by hand: the lab it writes, planned against the
// same machine, has nothing to do; what a lab cannot say is named, never written half-right.
import { describe, expect, it } from 'vitest'
import { discoveredLab } from '../../../shared/discover/discovered-lab.ts'
import { checkLab } from '../../../shared/lab/check.ts'
import type { ObservedHost, ObservedOvsPort } from '../../../shared/plan/observed.ts'
import { execArgv } from '../../../shared/plan/op.ts'
import { planLab } from '../../../shared/plan/plan.ts'
import { emptyHost, iface, netnsGuest } from '../plan/fixtures.ts'

const port = (name: string, bridge: string, fields: Partial<ObservedOvsPort> = {}): ObservedOvsPort => ({
  name,
  bridge,
  tag: null,
  trunks: [],
  vlanMode: null,
  externalIds: {},
  ...fields,
})

/** A host wired by hand and by pipework: an OVS switch, a Linux bridge, a cable, a NIC, a macvlan. */
const machine = (): ObservedHost => ({
  ...emptyHost(),
  interfaces: [
    iface({ name: 'sw', ifindex: 10, kind: 'openvswitch' }),
    iface({ name: 'lb', ifindex: 11, kind: 'bridge', addresses: ['192.168.5.1/24'] }),
    // pipework's host end of web's eth1: v<ifname>pl<pid>
    iface({ name: 'veth1pl4242', ifindex: 20, peerIfindex: 2, peerNetnsId: 1 }),
    iface({ name: 'sw-lb', ifindex: 30, peerIfindex: 31 }),
    iface({ name: 'lb-sw', ifindex: 31, peerIfindex: 30, master: 'lb' }),
    iface({ name: 'nic0', ifindex: 40, kind: 'dummy' }),
    iface({ name: 'eth9', ifindex: 50, kind: null }),
    iface({ name: 'docker0', ifindex: 60, kind: 'bridge' }),
    iface({ name: 'vethd0c', ifindex: 61, peerIfindex: 7, master: 'docker0' }),
    iface({ name: 'down-h', ifindex: 70, peerIfindex: 3, master: 'lb' }),
  ],
  ovs: {
    bridges: [{ name: 'sw', datapathType: 'netdev', externalIds: {} }],
    ports: [
      port('sw', 'sw'),
      port('veth1pl4242', 'sw', { tag: 100 }),
      port('sw-lb', 'sw'),
      port('nic0', 'sw', { tag: 1, trunks: [100, 200], vlanMode: 'native-untagged' }),
      port('patch-x', 'sw'),
    ],
  },
  guests: {
    web: {
      ...netnsGuest('web', [
        iface({ name: 'lo', ifindex: 1, kind: null }),
        iface({
          name: 'eth1',
          ifindex: 2,
          peerIfindex: 20,
          addresses: ['10.0.0.5/24'],
          mtu: 1400,
          mac: '5a:00:00:00:00:05',
        }),
        iface({ name: 'eth0', ifindex: 7, peerIfindex: 61, addresses: ['172.17.0.2/16'] }),
      ]),
      kind: 'container',
      container: 'web',
      netns: { kind: 'pid', pid: 4242 },
      routes: [{ gateway: '10.0.0.1', dev: 'eth1', family: 4 }],
    },
    ns1: netnsGuest(
      'ns1',
      [
        iface({ name: 'mv0', ifindex: 2, kind: 'macvlan', parentIfindex: 50, addresses: ['192.168.9.7/24'] }),
        iface({ name: 'eth1', ifindex: 3, peerIfindex: 70, adminUp: false }),
      ],
      false,
    ),
  },
})

const options = { name: 'here', dockerBridges: new Set(['docker0']), includeDockerNetworks: false }

describe('discovering a machine wired by hand and by pipework', () => {
  const { lab, notes } = discoveredLab(machine(), options)

  it('writes its bridges, guests, cables and NICs as they are', () => {
    expect(lab.nodes).toEqual({
      lb: { kind: 'linux-bridge', ip: '192.168.5.1/24' },
      sw: { kind: 'ovs-bridge' },
      eth9: { kind: 'uplink', interface: 'eth9' },
      ns1: { kind: 'netns' },
      web: { kind: 'container' },
      nic0: { kind: 'uplink', interface: 'nic0' },
    })
    expect(lab.links).toEqual([
      { guest: 'ns1', to: 'eth9', ifname: 'mv0', ip: '192.168.9.7/24', mac: '02:00:00:00:00:01' },
      {
        guest: 'web',
        to: 'sw',
        ifname: 'eth1',
        hostIfname: 'veth1pl4242',
        ip: '10.0.0.5/24',
        gateway: '10.0.0.1',
        mac: '5a:00:00:00:00:05',
        mtu: 1400,
        vlan: 100,
      },
      { between: ['sw', 'lb'] },
      { between: ['sw', 'nic0'], native: 1, trunk: [100, 200] },
    ])
    expect(checkLab(lab).problems).toEqual([])
  })

  it('plans nothing for it on the same machine: applying it right away is a no-op', () => {
    const plan = planLab(lab, { hosts: { local: machine() } })
    expect(plan.problems).toEqual([])
    expect(plan.ops.map((op) => execArgv(op.exec).join(' '))).toEqual([])
  })

  it('names what it leaves out instead of writing it', () => {
    expect(notes).toEqual([
      'netns "ns1": "eth1" is left out: it is down, and a lab\'s links are up',
      '"down-h" on lb is left out: its other end is in a namespace that is no named netns or container',
      'OVS port "patch-x" on sw is left out: it has no kernel device (a patch or tunnel port)',
      "1 link to Docker's own networks left out (--include-docker-networks shows them)",
    ])
  })

  it("shows Docker's own networks when asked", () => {
    const withDocker = discoveredLab(machine(), { ...options, includeDockerNetworks: true }).lab
    expect(withDocker.nodes.docker0).toEqual({ kind: 'linux-bridge' })
    expect(withDocker.links).toContainEqual({
      guest: 'web',
      to: 'docker0',
      ifname: 'eth0',
      hostIfname: 'vethd0c',
      ip: '172.17.0.2/16',
      mac: '02:00:00:00:00:01',
    })
    expect(planLab(withDocker, { hosts: { local: machine() } })).toMatchObject({ ops: [], problems: [] })
  })
})

describe('what is read back is hostile', () => {
  it('leaves out names a lab cannot carry, and two guests with one address in one segment', () => {
    const host = machine()
    const hostile: ObservedHost = {
      ...host,
      interfaces: [
        ...host.interfaces,
        iface({ name: 'h2', ifindex: 80, peerIfindex: 2, master: 'lb' }),
        iface({ name: 'h3', ifindex: 81, peerIfindex: 2, master: 'lb' }),
        iface({ name: 'h4', ifindex: 82, peerIfindex: 2, master: 'lb' }),
      ],
      guests: {
        ...host.guests,
        'a b': netnsGuest('a b', [iface({ name: 'eth1', ifindex: 2, peerIfindex: 82 })], false),
        twin0: netnsGuest(
          'twin0',
          [iface({ name: 'eth1', ifindex: 2, peerIfindex: 80, addresses: ['10.5.0.1/24'] })],
          false,
        ),
        twin: netnsGuest(
          'twin',
          [iface({ name: 'eth1', ifindex: 2, peerIfindex: 81, addresses: ['10.5.0.1/24'] })],
          false,
        ),
        odd: netnsGuest('odd', [iface({ name: 'e\nx', ifindex: 5, peerIfindex: 99 })], false),
      },
    }
    const { lab, notes } = discoveredLab(hostile, options)
    expect(Object.keys(lab.nodes)).not.toContain('a b')
    expect(notes).toContain(
      'the link twin:eth1 to lb is left out: links[1].ip: address 10.5.0.1 is already used by twin0:eth1 in the same broadcast domain',
    )
    expect(lab.links).toContainEqual(expect.objectContaining({ guest: 'twin0', ip: '10.5.0.1/24' }))
    expect(lab.links).not.toContainEqual(expect.objectContaining({ guest: 'twin' }))
    expect(notes).toContain('netns "a b" is left out: "a b" contains " ": names use only A-Z a-z 0-9 _ . -')
    expect(notes).toContain(
      'netns "odd": "e\\nx" is left out: "e\\nx" contains "\\n": interface names use only A-Z a-z 0-9 _ . -',
    )
    expect(checkLab(lab).problems.filter((p) => p.severity === 'error')).toEqual([])
    expect(planLab(lab, { hosts: { local: hostile } })).toMatchObject({ ops: [], problems: [] })
  })
})

describe('what a lab cannot say', () => {
  it('leaves out a cable that carries VLANs into a Linux bridge, and a hand-made link that differs is a problem, not a change', () => {
    const host = machine()
    const trunked: ObservedHost = {
      ...host,
      ovs: {
        ...host.ovs!,
        ports: host.ovs!.ports.map((p) => (p.name === 'sw-lb' ? { ...p, trunks: [100] } : p)),
      },
    }
    const { lab, notes } = discoveredLab(trunked, options)
    expect(lab.links).not.toContainEqual(expect.objectContaining({ between: ['sw', 'lb'] }))
    expect(notes).toContain(
      'the cable "sw-lb" on sw to lb is left out: it carries VLANs into the Linux bridge lb, which a lab says only with VLAN filtering',
    )
    // The pipework port re-tagged by hand after discovery: the lab does not own it, so no op changes it.
    const retagged: ObservedHost = {
      ...trunked,
      ovs: { ...trunked.ovs!, ports: trunked.ovs!.ports.map((p) => (p.tag === 100 ? { ...p, tag: 7 } : p)) },
    }
    const plan = planLab(lab, { hosts: { local: retagged } })
    expect(plan.ops).toEqual([])
    expect(plan.problems).toEqual([
      {
        kind: 'conflict',
        field: 'links[1]',
        message:
          "link web:eth1 exists and is not this lab's (made by hand or by pipework), and it differs from the lab: veth1pl4242 has VLAN 7, the lab says 100; `patchbay adopt` makes it the lab's",
      },
    ])
  })
})
