// The planner per link mode, from observed machines written as data (no root, no kernel): wires
// (cable, tunnel, trunk drift), simulated hosts, a NIC joined to a bridge, macvlan and
// direct-phys guests, and DHCP clients.
import { describe, expect, it } from 'vitest'
import { loadLab } from '../../../shared/lab/load.ts'
import type { Lab } from '../../../shared/lab/schema.ts'
import type { HostPlace } from '../../../shared/plan/context.ts'
import { linkMark, OVS_LAB_KEY, OVS_LINK_KEY, physMark, wireMark } from '../../../shared/plan/device-names.ts'
import type { Observed, ObservedHost } from '../../../shared/plan/observed.ts'
import { execArgv } from '../../../shared/plan/op.ts'
import { type Plan, type PlanOptions, planDestroy, planLab } from '../../../shared/plan/plan.ts'
import { emptyHost, iface, netnsGuest } from './fixtures.ts'

const lab = (text: string): Lab => {
  const { lab, problems } = loadLab(`patchbay: 1\n${text}`)
  if (!lab) throw new Error(JSON.stringify(problems))
  return lab
}
const argv = (plan: Plan) => plan.ops.map((op) => execArgv(op.exec).join(' '))
const local = (host: ObservedHost): Observed => ({ hosts: { local: host } })

describe('wires', () => {
  const twoHosts = lab(`name: w
hosts: { h1: { netns: true }, h2: { netns: true } }
nodes:
  s1: { kind: ovs-bridge, host: h1 }
  s2: { kind: ovs-bridge, host: h2 }
  u1: { kind: uplink, host: h1, interface: up1, ip: 192.168.9.1/24 }
  u2: { kind: uplink, host: h2, interface: up2, ip: 192.168.9.2/24 }
links:
  - { between: [u1, u2] }
  - { between: [s1, s2], via: vxlan, vni: 7, underlay: [u1, u2], trunk: [10, 20], native: 10 }
`)
  const place = (h: string): HostPlace => ({
    netns: `w-${h}`,
    ovsDb: `/run/w/${h}/db.sock`,
    ovsDir: `/run/w/${h}`,
  })
  const options: PlanOptions = { places: { h1: place('h1'), h2: place('h2') } }
  const hostWith = (fields: Partial<ObservedHost>): ObservedHost => ({ ...emptyHost(), ...fields })
  const bridge = (name: string) => ({ name, datapathType: 'netdev', externalIds: { [OVS_LAB_KEY]: 'w' } })

  it('a cable between two hosts is one veth, its far end born in the other host’s namespace', () => {
    const plan = planLab(
      twoHosts,
      {
        hosts: {
          local: emptyHost(),
          h1: hostWith({ ovs: { bridges: [bridge('s1')], ports: [] } }),
          h2: hostWith({ ovs: { bridges: [bridge('s2')], ports: [] } }),
        },
      },
      options,
    )
    expect(plan.problems).toEqual([])
    const commands = argv(plan)
    expect(commands).toContain('ip -n w-h1 link add up1 type veth peer name up2 netns w-h2')
    expect(commands).toContain('ip -n w-h1 addr add 192.168.9.1/24 dev up1')
    // The tunnel starts once the cable's ends are addressed: a later phase.
    const tunnel = plan.ops.find((op) => op.action === 'vxlan.create' && op.host === 'h1')!
    const cable = plan.ops.find((op) => op.action === 'veth.create')!
    expect(tunnel.phase).toBeGreaterThan(cable.phase)
    expect(execArgv(tunnel.exec).join(' ')).toBe(
      'ip -n w-h1 link add s1-s2 type vxlan id 7 local 192.168.9.1 remote 192.168.9.2 dstport 4789 dev up1',
    )
    expect(commands).toContain(
      'ovs-vsctl --db=unix:/run/w/h2/db.sock --may-exist add-port s2 s2-s1 tag=10 trunks=10,20 vlan_mode=native-untagged -- set port s2-s1 external_ids:patchbay-lab=w external_ids:patchbay-link=s1~s2~vxlan7',
    )
  })

  it('a trunk whose settings were changed by hand gets one transaction that puts them back', () => {
    const wire = lab(`name: t
nodes: { a: { kind: ovs-bridge }, b: { kind: ovs-bridge } }
links: [ { between: [a, b], trunk: [10, 20], native: [10, 20] } ]
`)
    const port = (name: string, bridge: string, fields: object) => ({
      name,
      bridge,
      tag: null,
      trunks: [],
      vlanMode: null,
      externalIds: { [OVS_LAB_KEY]: 't', [OVS_LINK_KEY]: 'a~b' },
      ...fields,
    })
    const host = hostWith({
      interfaces: [
        iface({ name: 'a-b', ifindex: 5, peerIfindex: 6, alias: wireMark('t', 'a~b', 'a') }),
        iface({ name: 'b-a', ifindex: 6, peerIfindex: 5, alias: wireMark('t', 'a~b', 'b') }),
      ],
      ovs: {
        bridges: [],
        ports: [
          port('a-b', 'a', { tag: 10, trunks: [20, 10], vlanMode: 'native-untagged' }),
          // b's native VLAN is gone and a stray trunk added.
          port('b-a', 'b', { trunks: [10, 20, 30], vlanMode: 'trunk' }),
        ],
      },
    })
    expect(argv(planLab(wire, local(host)))).toEqual([
      'ovs-vsctl --may-exist add-br a -- set bridge a datapath_type=netdev external_ids:patchbay-lab=t',
      'ovs-vsctl --may-exist add-br b -- set bridge b datapath_type=netdev external_ids:patchbay-lab=t',
      'ovs-vsctl set port b-a tag=20 -- set port b-a trunks=10,20 -- set port b-a vlan_mode=native-untagged',
    ])
  })

  it('a cable left half made (its peer gone with a namespace) is made again from scratch', () => {
    const wire = lab(
      'name: h\nnodes: { a: { kind: ovs-bridge }, b: { kind: ovs-bridge } }\nlinks: [ { between: [a, b] } ]\n',
    )
    const host = hostWith({
      interfaces: [iface({ name: 'a-b', ifindex: 5, peerIfindex: 99, alias: wireMark('h', 'a~b', 'a') })],
    })
    const plan = planLab(wire, local(host))
    expect(plan.ops.map((op) => op.id).filter((id) => id.includes('a~b'))).toEqual([
      'veth.delete:a~b:a',
      'veth.create:a~b:a',
      'veth.configure:a~b:a',
      'ovs.port.add:a~b:a',
      'veth.configure:a~b:b',
      'ovs.port.add:a~b:b',
    ])
  })
})

describe('simulated hosts', () => {
  const one = lab('name: sim\nhosts: { h: { netns: true } }\nnodes: { s: { kind: ovs-bridge, host: h } }\n')
  const options: PlanOptions = {
    places: { h: { netns: 'sim-h', ovsDb: '/run/sim/db.sock', ovsDir: '/run/sim' } },
  }
  const absent: ObservedHost = { ...emptyHost(), present: false, ovs: null }

  it('a host that is not there: its namespace, marked, then its own OVS daemons inside it', () => {
    const plan = planLab(one, { hosts: { local: emptyHost(), h: absent } }, options)
    expect(
      plan.ops.filter((op) => op.action === 'host.create').map((op) => execArgv(op.exec).join(' ')),
    ).toEqual([
      'ip netns add sim-h',
      'ip -n sim-h link set lo up alias patchbay:sim:node:host:h',
      'mkdir -p /run/sim',
      'rm -f /run/sim/conf.db',
      'ovsdb-tool create /run/sim/conf.db /usr/share/openvswitch/vswitch.ovsschema',
      'ip netns exec sim-h ovsdb-server /run/sim/conf.db --remote=punix:/run/sim/db.sock --pidfile=/run/sim/db.pid --unixctl=/run/sim/db.ctl --detach --log-file=/run/sim/db.log',
      'ovs-vsctl --db=unix:/run/sim/db.sock --no-wait init',
      'ip netns exec sim-h ovs-vswitchd unix:/run/sim/db.sock --pidfile=/run/sim/sw.pid --unixctl=/run/sim/sw.ctl --detach --log-file=/run/sim/sw.log',
    ])
    expect(plan.ops.every((op) => op.effect === 'create')).toBe(true)
  })

  it('a host whose namespace is there but whose OVS is not: only the daemons start again', () => {
    const plan = planLab(one, { hosts: { local: emptyHost(), h: { ...emptyHost(), ovs: null } } }, options)
    const ids = plan.ops.filter((op) => op.action === 'host.create').map((op) => op.id)
    expect(ids).not.toContain('host.create:h:netns')
    expect(ids).toContain('host.create:h:ovs-vswitchd')
  })

  it('destroy stops its daemons, then deletes its namespace, after everything in it', () => {
    const plan = planDestroy(one, { hosts: { local: emptyHost(), h: emptyHost() } }, options)
    expect(plan.ops.map((op) => [op.effect, execArgv(op.exec).join(' ')])).toEqual([
      ['remove', 'ovs-appctl -t /run/sim/sw.ctl exit'],
      ['remove', 'ovs-appctl -t /run/sim/db.ctl exit'],
      ['remove', 'ip netns del sim-h'],
    ])
  })

  it('a real remote host is refused in one sentence', () => {
    const remote = lab(
      'name: r\nhosts: { far: { netns: false } }\nnodes: { s: { kind: ovs-bridge, host: far } }\n',
    )
    expect(planLab(remote, local(emptyHost())).problems).toEqual([
      {
        kind: 'capability',
        field: 'hosts.far',
        message: 'host far is a real remote machine; only simulated hosts (netns: true) are applied',
      },
    ])
  })
})

describe('a host NIC joined to a bridge', () => {
  const nic = (fields = {}) => iface({ name: 'eth5', ifindex: 9, kind: null, adminUp: false, ...fields })

  it('into an OVS bridge, made promiscuous: the port remembers it, to undo it on destroy', () => {
    const joined = lab(
      'name: e\nnodes:\n  s: { kind: ovs-bridge }\n  lan: { kind: uplink, interface: eth5, promisc: true }\nlinks: [ { between: [s, lan], vlan: 4 } ]\n',
    )
    const plan = planLab(joined, local({ ...emptyHost(), interfaces: [nic()] }))
    expect(argv(plan)).toEqual([
      'ovs-vsctl --may-exist add-br s -- set bridge s datapath_type=netdev external_ids:patchbay-lab=e',
      'ip link set eth5 promisc on',
      'ip link set eth5 up',
      'ovs-vsctl --may-exist add-port s eth5 tag=4 -- set port eth5 external_ids:patchbay-lab=e external_ids:patchbay-link=s~lan external_ids:patchbay-promisc=1',
    ])
    expect(plan.ops.find((op) => op.id.endsWith(':promisc'))?.inverse).toEqual({
      tool: 'ip',
      target: { kind: 'host' },
      line: ['link', 'set', 'eth5', 'promisc', 'off'],
    })
  })

  it('into a Linux bridge: master, undone by nomaster; the NIC is never deleted', () => {
    const joined = lab(
      'name: e\nnodes:\n  br: { kind: linux-bridge }\n  lan: { kind: uplink, interface: eth5 }\nlinks: [ { between: [lan, br] } ]\n',
    )
    const host = {
      ...emptyHost(),
      interfaces: [nic({ adminUp: true }), iface({ name: 'br', ifindex: 3, kind: 'bridge' })],
    }
    const plan = planLab(joined, local(host))
    expect(
      plan.ops.map((op) => [
        op.id,
        execArgv(op.exec).join(' '),
        op.inverse && execArgv(op.inverse).join(' '),
      ]),
    ).toEqual([['veth.configure:lan~br:master', 'ip link set eth5 master br', 'ip link set eth5 nomaster']])
    expect(
      planLab(
        joined,
        local({ ...host, interfaces: [nic({ adminUp: true, master: 'br' }), host.interfaces[1]!] }),
      ).ops,
    ).toEqual([])
  })

  it('a NIC that is not there is a problem naming it', () => {
    const joined = lab(
      'name: e\nnodes:\n  s: { kind: ovs-bridge }\n  lan: { kind: uplink, interface: eth5 }\nlinks: [ { between: [s, lan] } ]\n',
    )
    expect(planLab(joined, local(emptyHost())).problems).toEqual([
      { kind: 'conflict', field: 'links[0]', message: 'wire s~lan: host local has no NIC eth5' },
    ])
  })
})

describe('guests on a host NIC', () => {
  const nics = [
    iface({ name: 'eth0', ifindex: 2, kind: null }),
    iface({ name: 'eth7', ifindex: 4, kind: null, mac: '02:00:00:00:00:77' }),
  ]
  const onNic = lab(`name: m
nodes:
  wan: { kind: uplink, interface: eth0 }
  n1: { kind: netns }
  n2: { kind: netns }
links:
  - { guest: n1, to: wan, ip: 10.7.0.1/24, vlan: 30 }
  - { guest: n2, to: wan, ip: 10.7.0.2/24, vlan: 30 }
`)
  const withGuests = (capabilities = {}): ObservedHost => ({
    ...emptyHost({ vlan8021q: true, ...capabilities }),
    interfaces: nics,
    netns: ['n1', 'n2'],
    guests: { n1: netnsGuest('n1', []), n2: netnsGuest('n2', []) },
  })

  it('tagged macvlans share one 802.1Q sub-interface, made once and marked', () => {
    const commands = argv(planLab(onNic, local(withGuests())))
    expect(commands.filter((c) => c.includes('type vlan'))).toEqual([
      'ip link add link eth0 name eth0.30 type vlan id 30',
    ])
    expect(commands).toContain('ip link set eth0.30 up alias patchbay:m:node:vlan:eth0.30')
    expect(commands).toContain('ip link add link eth0.30 name eth1 netns n1 type macvlan mode bridge')
    expect(commands).toContain('ip -n n2 link set eth1 alias patchbay:m:link:n2:eth1')
  })

  it('without 802.1Q or macvlan in the kernel: a capability problem per link, nothing planned for it', () => {
    const no8021q = planLab(onNic, local(withGuests({ vlan8021q: false })))
    expect(no8021q.problems.map((p) => [p.kind, p.field])).toEqual([
      ['capability', 'links[0]'],
      ['capability', 'links[1]'],
    ])
    expect(no8021q.ops.filter((op) => op.linkId)).toEqual([])
    const noMacvlan = planLab(onNic, local(withGuests({ macvlan: false })))
    expect(noMacvlan.problems[0]?.message).toBe(
      'link n1:eth1 needs a macvlan on wan, and this kernel has no macvlan support',
    )
  })

  it('a macvlan the lab made is only configured; one it did not make is refused', () => {
    const guests = (alias: string) => ({
      n1: netnsGuest('n1', [
        iface({ name: 'eth1', ifindex: 8, kind: 'macvlan', alias, addresses: ['10.7.0.1/24'] }),
      ]),
      n2: netnsGuest('n2', []),
    })
    const ours = planLab(onNic, local({ ...withGuests(), guests: guests(linkMark('m', 'n1:eth1')) }))
    expect(ours.ops.filter((op) => op.linkId === 'n1:eth1')).toEqual([])
    const theirs = planLab(onNic, local({ ...withGuests(), guests: guests('someone else') }))
    expect(theirs.problems).toEqual([
      {
        kind: 'conflict',
        field: 'links[0]',
        message:
          'link n1:eth1: n1 already has an interface eth1 that this lab did not make; set ifname to another name',
      },
    ])
  })

  it('direct-phys moves the NIC found by its MAC into the guest, renamed and marked to be given back', () => {
    const phys = lab(`name: p
nodes:
  moved: { kind: uplink, mac: "02:00:00:00:00:77" }
  n1: { kind: netns }
links: [ { guest: n1, to: moved, ip: 10.6.0.1/24, ifname: phys0, directPhys: true } ]
`)
    const host = { ...withGuests(), guests: { n1: netnsGuest('n1', []) } }
    const plan = planLab(phys, local(host))
    expect(plan.ops.map((op) => [op.id, execArgv(op.exec).join(' ')])).toEqual([
      ['macvlan.create:n1:phys0', 'ip link set eth7 netns n1'],
      [
        'guest.configure:n1:phys0:mark',
        `ip -n n1 link set eth7 name phys0 alias ${physMark('p', 'n1:phys0', 'eth7')}`,
      ],
      ['address.add:n1:phys0:10.6.0.1/24', 'ip -n n1 addr add 10.6.0.1/24 brd + dev phys0'],
      ['guest.configure:n1:phys0:up', 'ip -n n1 link set phys0 up'],
    ])
    expect(execArgv(plan.ops[0]!.inverse!).join(' ')).toBe('ip -n n1 link set phys0 name eth7 netns 1')
    const moved = netnsGuest('n1', [
      iface({
        name: 'phys0',
        ifindex: 4,
        kind: null,
        alias: physMark('p', 'n1:phys0', 'eth7'),
        addresses: ['10.6.0.1/24'],
      }),
    ])
    expect(planLab(phys, local({ ...host, interfaces: [nics[0]!], guests: { n1: moved } })).ops).toEqual([])
  })
})

describe('DHCP clients', () => {
  const dhcpLab = lab(
    'name: d\nnodes:\n  s: { kind: ovs-bridge }\n  n1: { kind: netns }\nlinks: [ { guest: n1, to: s, ip: dhcp } ]\n',
  )
  const options: PlanOptions = { dhcp: { dir: '/var/d', script: '/opt/event.js' } }
  const made = (netnsId: string): ObservedHost => ({
    ...emptyHost(),
    interfaces: [iface({ name: 'n1-eth1', ifindex: 40, peerIfindex: 2, alias: linkMark('d', 'n1:eth1') })],
    ovs: {
      bridges: [{ name: 's', datapathType: 'netdev', externalIds: { [OVS_LAB_KEY]: 'd' } }],
      ports: [
        {
          name: 'n1-eth1',
          bridge: 's',
          tag: null,
          trunks: [],
          vlanMode: null,
          externalIds: { [OVS_LAB_KEY]: 'd', [OVS_LINK_KEY]: 'n1:eth1' },
        },
      ],
    },
    guests: { n1: { ...netnsGuest('n1', [iface({ name: 'eth1', ifindex: 2, peerIfindex: 40 })]), netnsId } },
  })
  const udhcpc =
    'ip netns exec n1 env PATCHBAY_LEASE_FILE=/var/d/n1:eth1.json udhcpc -i eth1 -s /opt/event.js -p /var/d/n1:eth1.pid -R -n -t 10 -T 1 -A 2 -x hostname:n1'

  it('starts a udhcpc in the guest, last, once its link is up', () => {
    const plan = planLab(dhcpLab, local(made('net:[1]')), options)
    expect(plan.ops.map((op) => [op.id, execArgv(op.exec).join(' ')])).toEqual([
      ['dhcp.start:n1:eth1', udhcpc],
    ])
  })

  it('a client running in the guest’s namespace is left alone', () => {
    const host = {
      ...made('net:[1]'),
      dhcpClients: [{ linkId: 'n1:eth1', pid: 50, netns: 'net:[1]', address: '10.0.0.5/24' }],
    }
    expect(planLab(dhcpLab, local(host), options).ops).toEqual([])
  })

  it('a client left in the namespace a restarted guest had is stopped and waited for, then a new one starts', () => {
    const host = {
      ...made('net:[2]'),
      dhcpClients: [{ linkId: 'n1:eth1', pid: 50, netns: 'net:[1]', address: '10.0.0.5/24' }],
    }
    const plan = planLab(dhcpLab, local(host), options)
    expect(plan.ops.map((op) => [op.phase, execArgv(op.exec).join(' ')])).toEqual([
      [0, 'kill -TERM 50'],
      [0, 'timeout 5 tail --pid=50 -f /dev/null'],
      [12, udhcpc],
    ])
  })

  it('without a udhcpc on the host: one sentence, nothing started', () => {
    const host = { ...made('net:[1]'), capabilities: { ...made('net:[1]').capabilities, dhcpClient: null } }
    const plan = planLab(dhcpLab, local(host), options)
    expect(plan.ops).toEqual([])
    expect(plan.problems).toEqual([
      {
        kind: 'capability',
        field: 'links[0]',
        message: 'link n1:eth1 asks for DHCP, and this host has no udhcpc (packages udhcpc or busybox)',
      },
    ])
  })

  it('the client of a link the lab dropped releases its lease and stops', () => {
    const host = {
      ...made('net:[1]'),
      dhcpClients: [{ linkId: 'gone:eth1', pid: 51, address: '10.0.0.6/24' }],
    }
    const plan = planLab(dhcpLab, local(host), options)
    expect(plan.ops.filter((op) => op.effect === 'remove').map((op) => [op.id, op.why])).toEqual([
      ['dhcp.release:gone:eth1', 'the DHCP client of gone:eth1 releases 10.0.0.6/24 and stops'],
      ['dhcp.release:gone:eth1:exited', 'wait until that client has exited'],
    ])
  })
})
