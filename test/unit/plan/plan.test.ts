import { describe, expect, it } from 'vitest'
import { loadLab } from '../../../shared/lab/load.ts'
import type { Lab } from '../../../shared/lab/schema.ts'
import { linkMark, OVS_LAB_KEY, OVS_LINK_KEY } from '../../../shared/plan/device-names.ts'
import type { ObservedHost } from '../../../shared/plan/observed.ts'
import { execArgv, Phase } from '../../../shared/plan/op.ts'
import { planDestroy, planLab } from '../../../shared/plan/plan.ts'
import { readScenario } from '../../support/scenarios.ts'
import { converged, emptyHost, iface, netnsGuest, oneLink } from './fixtures.ts'

const scenario = (file: string): Lab => loadLab(readScenario(file)).lab!
const observed = (host: ObservedHost) => ({ hosts: { local: host } })
const argvs = (lab: Lab, host: ObservedHost) =>
  planLab(lab, observed(host)).ops.map((op) => execArgv(op.exec).join(' '))

describe('planning the single-host VLAN scenario on an empty machine', () => {
  const lab = scenario('single-host-vlan.yaml')
  const plan = planLab(lab, observed(emptyHost()), {
    pipeworkLine: (l) => `pipework ${l.to} ${l.guest} ${l.ip}`,
  })

  it('creates the containers, the bridge on the userspace datapath, then the cables, ports and addresses', () => {
    expect(plan.problems).toEqual([])
    expect(plan.ops.map((op) => op.action)).toEqual([
      ...Array(4).fill('container.create'),
      'ovs.bridge.create',
      ...Array(4).fill(['veth.create', 'veth.configure']).flat(),
      // The host end joins its bridge while the guest sets up its end: one phase, side by side.
      ...Array(4).fill(['ovs.port.add', 'address.add', 'guest.configure']).flat(),
    ])
    const phases = new Map(plan.ops.map((op) => [op.action, op.phase]))
    expect(phases.get('ovs.port.add')).toBe(Phase.ports)
    expect(phases.get('address.add')).toBe(Phase.ports)
    const argv = plan.ops.map((op) => execArgv(op.exec).join(' '))
    expect(argv).toContain(
      'ovs-vsctl --may-exist add-br ovs0 -- set bridge ovs0 datapath_type=netdev external_ids:patchbay-lab=single-host-vlan',
    )
    expect(argv).toContain(
      'ip link add test1-eth1 type veth peer name eth1 netns {pid:single-host-vlan.test1}',
    )
    expect(argv).toContain(
      'ovs-vsctl --may-exist add-port ovs0 test3-eth1 tag=200 -- set port test3-eth1 external_ids:patchbay-lab=single-host-vlan external_ids:patchbay-link=test3:eth1',
    )
    expect(argv).toContain(
      'nsenter -t {pid:single-host-vlan.test2} -n ip addr add 10.0.0.2/24 brd + dev eth1',
    )
  })

  it('gives every creating op its inverse and every cable its pipework line', () => {
    for (const op of plan.ops.filter((o) => o.action.endsWith('.create') || o.action === 'ovs.port.add')) {
      expect(op.inverse, op.id).not.toBeNull()
    }
    expect(plan.ops.filter((op) => op.pipework).map((op) => op.pipework)).toEqual([
      'pipework ovs0 test1 10.0.0.1/24',
      'pipework ovs0 test2 10.0.0.2/24',
      'pipework ovs0 test3 10.0.0.3/24',
      'pipework ovs0 test4 10.0.0.4/24',
    ])
  })

  it('picks the kernel datapath when the kernel has one', () => {
    expect(argvs(lab, emptyHost({ ovsKernelDatapath: true }))).toContain(
      'ovs-vsctl --may-exist add-br ovs0 -- set bridge ovs0 datapath_type=system external_ids:patchbay-lab=single-host-vlan',
    )
  })
})

describe('planning against a machine that already has things', () => {
  it('has nothing to do when the machine matches the lab', () => {
    expect(planLab(oneLink, observed(converged()))).toEqual({ lab: 'one', ops: [], problems: [] })
  })

  it('puts back a tag changed by hand, and nothing else', () => {
    const host = converged()
    const drifted = { ...host, ovs: { ...host.ovs!, ports: [{ ...host.ovs!.ports[0]!, tag: 99 }] } }
    expect(argvs(oneLink, drifted)).toEqual(['ovs-vsctl set port n1-eth1 tag=10'])
  })

  it('removes an address added by hand and adds the missing one', () => {
    const host = converged()
    const guest = netnsGuest('n1', [
      iface({ name: 'eth1', ifindex: 2, peerIfindex: 40, addresses: ['10.9.9.9/24'] }),
    ])
    expect(argvs(oneLink, { ...host, guests: { n1: guest } })).toEqual([
      'ip -n n1 addr add 10.0.0.1/24 brd + dev eth1',
      'ip -n n1 addr del 10.9.9.9/24 dev eth1',
    ])
  })

  it('refuses to take over an interface of the same name that is not the lab’s', () => {
    const host = { ...emptyHost(), interfaces: [iface({ name: 'n1-eth1', ifindex: 7, alias: 'my own' })] }
    const plan = planLab(oneLink, observed(host))
    expect(plan.problems).toEqual([
      {
        kind: 'conflict',
        field: 'links[0]',
        message:
          "link n1:eth1: the host interface n1-eth1 already exists and is not this lab's; set hostIfname to another name",
      },
    ])
  })

  it('removes what it made and the lab dropped, and never what it did not make', () => {
    const host: ObservedHost = {
      ...converged(),
      interfaces: [
        ...converged().interfaces,
        iface({ name: 'old-eth1', ifindex: 50, alias: linkMark('one', 'old:eth1') }),
        iface({ name: 'theirs', ifindex: 51, alias: linkMark('other-lab', 'x:eth1') }),
        iface({ name: 'users', ifindex: 52 }),
      ],
      ovs: {
        ...converged().ovs!,
        ports: [
          ...converged().ovs!.ports,
          {
            name: 'old-eth1',
            bridge: 's',
            tag: 3,
            trunks: [],
            vlanMode: null,
            externalIds: { [OVS_LAB_KEY]: 'one', [OVS_LINK_KEY]: 'old:eth1' },
          },
        ],
      },
    }
    expect(argvs(oneLink, host)).toEqual([
      'ovs-vsctl --if-exists del-port s old-eth1',
      'ip link del old-eth1',
    ])
  })

  it('destroy removes the links first, then the bridge and the netns it made', () => {
    const plan = planDestroy(oneLink, observed(converged()))
    expect(plan.ops.map((op) => [op.phase, execArgv(op.exec).join(' ')])).toEqual([
      [1, 'ovs-vsctl --if-exists del-port s n1-eth1'],
      [1, 'ip link del n1-eth1'],
      [2, 'ovs-vsctl --if-exists del-br s'],
      [2, 'ip netns del n1'],
    ])
  })
})

describe('kernel capabilities', () => {
  const vlanOnLinuxBridge = loadLab(
    'patchbay: 1\nname: lb\nnodes:\n  br0: { kind: linux-bridge }\n  n1: { kind: netns }\nlinks:\n  - { guest: n1, to: br0, vlan: 30 }\n',
  ).lab!

  it('a VLAN on a Linux bridge without kernel VLAN filtering is one sentence, and nothing is planned for it', () => {
    const plan = planLab(vlanOnLinuxBridge, observed(emptyHost()))
    expect(plan.problems).toEqual([
      {
        kind: 'capability',
        field: 'nodes.br0',
        message:
          'Linux bridge br0 needs VLAN filtering for its VLANs, and this kernel has no bridge VLAN filtering; use an ovs-bridge for VLANs here',
      },
    ])
  })

  it('with VLAN filtering: a filtering bridge and the port as an untagged PVID member of its VLAN', () => {
    const argv = argvs(vlanOnLinuxBridge, emptyHost({ bridgeVlanFiltering: true }))
    expect(argv).toContain('ip link add br0 type bridge vlan_filtering 1')
    expect(argv).toContain('bridge vlan add vid 30 dev n1-eth1 pvid untagged')
    expect(argv).toContain('bridge vlan del vid 1 dev n1-eth1')
  })
})
