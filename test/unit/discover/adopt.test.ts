// adopt on a machine written out by hand: it marks what is there as the lab says, and only then
// does destroy remove it. The marks are put on the observed machine here as the ops would.
import { describe, expect, it } from 'vitest'
import { loadLab } from '../../../shared/lab/load.ts'
import { planAdopt } from '../../../shared/plan/adopt.ts'
import { OVS_LAB_KEY, OVS_LINK_KEY } from '../../../shared/plan/device-names.ts'
import type { ObservedHost } from '../../../shared/plan/observed.ts'
import { execArgv } from '../../../shared/plan/op.ts'
import { planDestroy, planLab } from '../../../shared/plan/plan.ts'
import { emptyHost, iface, netnsGuest } from '../plan/fixtures.ts'

const lab = loadLab(
  [
    'patchbay: 1',
    'name: mine',
    'nodes:',
    '  br9: { kind: linux-bridge }',
    '  sw: { kind: ovs-bridge }',
    '  n1: { kind: netns }',
    '  c1: { kind: container }',
    'links:',
    '  - { guest: n1, to: sw, ifname: eth1, hostIfname: vetheth1pl7, vlan: 5 }',
    '  - { guest: n1, to: br9, ifname: eth2, hostIfname: gone }',
    '',
  ].join('\n'),
).lab!

const machine = (): ObservedHost => ({
  ...emptyHost(),
  interfaces: [
    iface({ name: 'br9', ifindex: 9, kind: 'bridge', alias: 'my bridge' }),
    iface({ name: 'vetheth1pl7', ifindex: 20, peerIfindex: 2 }),
  ],
  ovs: {
    bridges: [{ name: 'sw', datapathType: 'netdev', externalIds: {} }],
    ports: [{ name: 'vetheth1pl7', bridge: 'sw', tag: 5, trunks: [], vlanMode: null, externalIds: {} }],
  },
  guests: {
    n1: netnsGuest(
      'n1',
      [iface({ name: 'lo', ifindex: 1, kind: null }), iface({ name: 'eth1', ifindex: 2, peerIfindex: 20 })],
      false,
    ),
  },
})

/** The machine after the adopt ops ran: the aliases and external_ids they set (a marked lo: owned). */
function marked(host: ObservedHost, ops: ReturnType<typeof planAdopt>['ops']): ObservedHost {
  let out = host
  for (const op of ops) {
    const argv = execArgv(op.exec)
    if (argv[0] === 'ip') {
      const [name, , alias] = argv.slice(argv.indexOf('set') + 1)
      const setAlias = (i: ReturnType<typeof iface>) => (i.name === name ? { ...i, alias: alias! } : i)
      out =
        op.exec.tool === 'ip' && op.exec.target.kind === 'netns'
          ? {
              ...out,
              guests: {
                n1: { ...out.guests.n1!, owned: true, interfaces: out.guests.n1!.interfaces.map(setAlias) },
              },
            }
          : { ...out, interfaces: out.interfaces.map(setAlias) }
    } else {
      const [, table, name, ...ids] = argv.slice(1)
      const kv = Object.fromEntries(
        ids.map((w) => w.replace('external_ids:', '').split('=') as [string, string]),
      )
      const ovs = out.ovs!
      out = {
        ...out,
        ovs:
          table === 'bridge'
            ? { ...ovs, bridges: ovs.bridges.map((b) => (b.name === name ? { ...b, externalIds: kv } : b)) }
            : { ...ovs, ports: ovs.ports.map((p) => (p.name === name ? { ...p, externalIds: kv } : p)) },
      }
    }
  }
  return out
}

describe('adopting what a lab describes', () => {
  const adopt = planAdopt(lab, machine())

  it('marks each part that is there, one line each, and says what it leaves', () => {
    expect(adopt.ops.map((op) => execArgv(op.exec).join(' '))).toEqual([
      'ip link set br9 alias patchbay:mine:node:br9',
      'ovs-vsctl set bridge sw external_ids:patchbay-lab=mine',
      'ip -n n1 link set lo alias patchbay:mine:node:n1',
      'ip link set vetheth1pl7 alias patchbay:mine:link:n1:eth1',
      'ovs-vsctl set port vetheth1pl7 external_ids:patchbay-lab=mine external_ids:patchbay-link=n1:eth1',
    ])
    expect(adopt.marks).toHaveLength(5)
    expect(adopt.left).toEqual([
      "container c1: stays the user's (Docker cannot label a container after it is made); destroy leaves it",
      'link n1:eth2: not on this machine',
    ])
  })

  it('leaves destroy nothing to do before, and everything it marked after', () => {
    expect(planDestroy(lab, { hosts: { local: machine() } }).ops).toEqual([])
    const after = marked(machine(), adopt.ops)
    expect(
      planDestroy(lab, { hosts: { local: after } }).ops.map((op) => execArgv(op.exec).join(' ')),
    ).toEqual([
      'ovs-vsctl --if-exists del-port sw vetheth1pl7',
      'ip link del vetheth1pl7',
      'ip link del br9',
      'ovs-vsctl --if-exists del-br sw',
      'ip netns del n1',
    ])
    // Adopted, the link is the lab's own: the plan does not change, and adopting again marks nothing.
    expect(planLab(lab, { hosts: { local: after } }).ops.filter((op) => op.linkId === 'n1:eth1')).toEqual([])
    expect(planAdopt(lab, after).ops).toEqual([])
  })

  it("never marks what carries another lab's mark", () => {
    const host = machine()
    const theirs = {
      ...host,
      interfaces: host.interfaces.map((i) => ({ ...i, alias: 'patchbay:other:node:br9' })),
    }
    expect(planAdopt(lab, theirs).left).toContain("linux-bridge br9: left alone, it carries lab other's mark")
    const ports = {
      ...host.ovs!,
      ports: host.ovs!.ports.map((p) => ({
        ...p,
        externalIds: { [OVS_LAB_KEY]: 'other', [OVS_LINK_KEY]: 'x:eth1' },
      })),
    }
    expect(planAdopt(lab, { ...host, ovs: ports }).left).toContain(
      "link n1:eth1: OVS port vetheth1pl7 left alone, it is lab other's",
    )
  })
})
