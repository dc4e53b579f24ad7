import type { Lab } from '../../shared/lab/schema.ts'

/** The single-host VLAN lab of examples/single-host-vlan.yaml, laid out (a unit test keeps them equal). */
export const demoLab: Lab = {
  patchbay: 1,
  name: 'single-host-vlan',
  nodes: {
    ovs0: { kind: 'ovs-bridge' },
    test1: { kind: 'container', image: 'labbox:latest', command: ['sleep', '1000000'] },
    test2: { kind: 'container', image: 'labbox:latest', command: ['sleep', '1000000'] },
    test3: { kind: 'container', image: 'labbox:latest', command: ['sleep', '1000000'] },
    test4: { kind: 'container', image: 'labbox:latest', command: ['sleep', '1000000'] },
  },
  links: [
    { guest: 'test1', to: 'ovs0', ip: '10.0.0.1/24', vlan: 100 },
    { guest: 'test2', to: 'ovs0', ip: '10.0.0.2/24', vlan: 100 },
    { guest: 'test3', to: 'ovs0', ip: '10.0.0.3/24', vlan: 200 },
    { guest: 'test4', to: 'ovs0', ip: '10.0.0.4/24', vlan: 200 },
  ],
  layout: {
    ovs0: { x: 330, y: 60 },
    test1: { x: 60, y: 260 },
    test2: { x: 240, y: 260 },
    test3: { x: 420, y: 260 },
    test4: { x: 600, y: 260 },
  },
}
