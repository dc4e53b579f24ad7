// `patchbay status` from observed machines: each link's state comes from the fields its ops carry
// (effect, implies), not from their names.
import { describe, expect, it } from 'vitest'
import { labStatus } from '../../../electron/core/status.ts'
import { OpReply } from '../../../shared/api/contract.ts'
import { opReply } from '../../../shared/api/replies.ts'
import { loadLab } from '../../../shared/lab/load.ts'
import { wireMark } from '../../../shared/plan/device-names.ts'
import type { ObservedHost } from '../../../shared/plan/observed.ts'
import { planLab } from '../../../shared/plan/plan.ts'
import { converged, emptyHost, iface, netnsGuest, oneLink } from './fixtures.ts'

const observed = (host: ObservedHost) => ({ hosts: { local: host } })
const stateOf = (host: ObservedHost) => labStatus(oneLink, observed(host)).links[0]!

describe('status from the fields of the plan’s ops', () => {
  it('up when nothing is to do', () => {
    expect(stateOf(converged())).toMatchObject({
      id: 'n1:eth1',
      state: 'up',
      reasons: [],
      vlan: 10,
      bridge: 's',
    })
  })

  it('missing when an op that makes the link’s device is still to run, with that op’s reason', () => {
    const plan = planLab(oneLink, observed(emptyHost()))
    const missing = plan.ops.filter((op) => op.implies === 'missing')
    expect(missing.map((op) => op.id)).toEqual(['veth.create:n1:eth1'])
    expect(stateOf(emptyHost())).toMatchObject({ state: 'missing', reasons: [missing[0]!.why] })
  })

  it('down when the only ops left set devices up', () => {
    const host = converged()
    const down = {
      ...host,
      interfaces: host.interfaces.map((i) => ({ ...i, adminUp: false, operState: 'DOWN' })),
    }
    const plan = planLab(oneLink, observed(down))
    expect(plan.ops.map((op) => [op.id, op.implies])).toEqual([['veth.configure:n1:eth1:up', 'down']])
    expect(stateOf(down)).toMatchObject({ state: 'down', reasons: ['n1-eth1 is down'] })
  })

  it('up while operstate still says DOWN but the carrier is there (the kernel updates operstate later)', () => {
    const host = converged()
    const settling = (lowerUp: boolean): ObservedHost => ({
      ...host,
      interfaces: host.interfaces.map((i) => ({ ...i, operState: 'DOWN', lowerUp })),
      guests: Object.fromEntries(
        Object.entries(host.guests).map(([name, g]) => [
          name,
          { ...g, interfaces: g.interfaces.map((i) => ({ ...i, operState: 'DOWN', lowerUp })) },
        ]),
      ),
    })
    expect(stateOf(settling(true))).toMatchObject({ state: 'up', reasons: [] })
    // Without the carrier it is down, and says which operstate it read.
    expect(stateOf(settling(false))).toMatchObject({ state: 'down', reasons: ['operstate DOWN in n1'] })
  })

  it('drifted when a setting differs, even if a device is also down', () => {
    const host = converged()
    const drifted: ObservedHost = {
      ...host,
      interfaces: host.interfaces.map((i) => ({ ...i, adminUp: false })),
      ovs: { ...host.ovs!, ports: [{ ...host.ovs!.ports[0]!, tag: 99 }] },
    }
    const link = stateOf(drifted)
    expect(link.state).toBe('drifted')
    expect(link.reasons).toEqual(['n1-eth1 is down', 'n1-eth1 has VLAN 99, the lab says 10'])
  })

  it('missing for a wire whose cable is gone, up once both ends are there and up', () => {
    const wire = loadLab(
      'patchbay: 1\nname: w\nnodes:\n  s: { kind: ovs-bridge }\n  b: { kind: linux-bridge }\nlinks:\n  - { between: [s, b] }\n',
    ).lab!
    const id = 's~b'
    expect(labStatus(wire, observed(emptyHost())).links[0]).toMatchObject({ id, state: 'missing' })
    const made: ObservedHost = {
      ...emptyHost(),
      interfaces: [
        iface({ name: 'b', ifindex: 9, kind: 'bridge', alias: 'patchbay:w:node:b' }),
        iface({ name: 's-b', ifindex: 10, peerIfindex: 11, alias: wireMark('w', id, 'a') }),
        iface({ name: 'b-s', ifindex: 11, peerIfindex: 10, master: 'b', alias: wireMark('w', id, 'b') }),
      ],
      ovs: {
        bridges: [{ name: 's', datapathType: 'netdev', externalIds: { 'patchbay-lab': 'w' } }],
        ports: [
          {
            name: 's-b',
            bridge: 's',
            tag: null,
            trunks: [],
            vlanMode: null,
            externalIds: { 'patchbay-lab': 'w', 'patchbay-link': id },
          },
        ],
      },
    }
    expect(labStatus(wire, observed(made)).links[0]).toMatchObject({ id, state: 'up', reasons: [] })
  })

  it('a guest whose interface is down inside it, with nothing to do, is down with the operstate', () => {
    const host = converged()
    const inside = netnsGuest('n1', [
      iface({ name: 'eth1', ifindex: 2, peerIfindex: 40, addresses: ['10.0.0.1/24'], operState: 'DOWN' }),
    ])
    expect(stateOf({ ...host, guests: { n1: inside } })).toMatchObject({
      state: 'down',
      reasons: ['operstate DOWN in n1'],
    })
  })
})

describe('ops in the plan JSON', () => {
  it('carry their effect, and a link’s ops the state they imply, as the contract declares', () => {
    const replies = planLab(oneLink, observed(emptyHost())).ops.map(opReply)
    for (const reply of replies) expect(OpReply.parse(reply)).toEqual(reply)
    expect(replies.map((r) => [r.id, r.effect, r.implies])).toEqual([
      ['netns.create:n1', 'create', undefined],
      ['ovs.bridge.create:s', 'create', undefined],
      ['veth.create:n1:eth1', 'create', 'missing'],
      ['veth.configure:n1:eth1', 'change', 'drifted'],
      ['netns.mark:n1', 'change', undefined],
      ['ovs.port.add:n1:eth1', 'create', 'drifted'],
      ['address.add:n1:eth1:10.0.0.1/24', 'create', 'drifted'],
      ['guest.configure:n1:eth1:up', 'change', 'down'],
    ])
  })

  it('removals say so', () => {
    const host = converged()
    const stale: ObservedHost = {
      ...host,
      interfaces: [
        ...host.interfaces,
        iface({ name: 'old', ifindex: 77, alias: 'patchbay:one:link:old:eth1' }),
      ],
    }
    const removal = planLab(oneLink, observed(stale)).ops.map(opReply)
    expect(removal.map((r) => [r.id, r.effect])).toEqual([['veth.delete:old', 'remove']])
  })
})
