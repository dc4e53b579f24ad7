// Observed machines written out by hand: the planner is pure, so its tests give it the machine as data.
import { loadLab } from '../../../shared/lab/load.ts'
import type { Lab } from '../../../shared/lab/schema.ts'
import { linkMark, OVS_LAB_KEY, OVS_LINK_KEY } from '../../../shared/plan/device-names.ts'
import type {
  Capabilities,
  ObservedGuest,
  ObservedHost,
  ObservedInterface,
} from '../../../shared/plan/observed.ts'

export const noKernelFeatures: Capabilities = {
  ovs: true,
  ovsKernelDatapath: false,
  vlan8021q: false,
  bridgeVlanFiltering: false,
  macvlan: true,
  netem: true,
  dhcpClient: ['udhcpc'],
}

export const emptyHost = (capabilities: Partial<Capabilities> = {}): ObservedHost => ({
  present: true,
  interfaces: [],
  ovs: { bridges: [], ports: [] },
  netns: [],
  guests: {},
  labContainers: [],
  dhcpClients: [],
  capabilities: { ...noKernelFeatures, ...capabilities },
})

export const iface = (
  fields: Partial<ObservedInterface> & Pick<ObservedInterface, 'name' | 'ifindex'>,
): ObservedInterface => ({
  kind: 'veth',
  alias: null,
  adminUp: true,
  operState: 'UP',
  mtu: 1500,
  mac: '02:00:00:00:00:01',
  master: null,
  peerIfindex: null,
  addresses: [],
  ...fields,
})

export const netnsGuest = (node: string, interfaces: ObservedInterface[], owned = true): ObservedGuest => ({
  node,
  kind: 'netns',
  exists: true,
  running: true,
  owned,
  netns: { kind: 'netns', name: node },
  interfaces,
  routes: [],
})

/** One netns guest `n1` on OVS bridge `s` with VLAN 10, as a converged machine would show it. */
export const oneLink: Lab = loadLab(
  'patchbay: 1\nname: one\nnodes:\n  s: { kind: ovs-bridge }\n  n1: { kind: netns }\nlinks:\n  - { guest: n1, to: s, ip: 10.0.0.1/24, vlan: 10 }\n',
).lab!
export const converged = (): ObservedHost => ({
  ...emptyHost(),
  interfaces: [iface({ name: 'n1-eth1', ifindex: 40, peerIfindex: 2, alias: linkMark('one', 'n1:eth1') })],
  ovs: {
    bridges: [{ name: 's', datapathType: 'netdev', externalIds: { [OVS_LAB_KEY]: 'one' } }],
    ports: [
      {
        name: 'n1-eth1',
        bridge: 's',
        tag: 10,
        trunks: [],
        vlanMode: null,
        externalIds: { [OVS_LAB_KEY]: 'one', [OVS_LINK_KEY]: 'n1:eth1' },
      },
    ],
  },
  netns: ['n1'],
  guests: {
    n1: netnsGuest('n1', [iface({ name: 'eth1', ifindex: 2, peerIfindex: 40, addresses: ['10.0.0.1/24'] })]),
  },
})
