// Observed machines written out by hand: the planner is pure, so its tests give it the machine as data.
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
