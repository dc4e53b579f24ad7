// The bridge inspector's ports: drawn VLAN settings beside what OVS holds, differences marked.
import { describe, expect, it } from 'vitest'
import { portRows } from '../../../renderer/understand/bridge-truth.tsx'
import type { BridgeTable } from '../../../shared/api/contract.ts'
import type { Lab } from '../../../shared/lab/schema.ts'

const lab: Lab = {
  patchbay: 1,
  name: 't',
  nodes: {
    s1: { kind: 'ovs-bridge' },
    s2: { kind: 'ovs-bridge' },
    a: { kind: 'netns' },
    b: { kind: 'netns' },
  },
  links: [
    { guest: 'a', to: 's1', vlan: 10 },
    { guest: 'b', to: 's1', vlan: 20 },
    { between: ['s1', 's2'], trunk: [20, 10], native: [30, 40] },
  ],
}

const port = (p: string, tag: number | null, trunks: number[] = [], vlanMode: string | null = null) => ({
  device: `dev-${p}`,
  node: 's1',
  port: p,
  tag,
  trunks,
  vlanMode,
  vlans: null,
})

const table = (ports: BridgeTable['ports']): BridgeTable => ({
  bridge: 's1',
  host: 'local',
  kind: 'ovs-bridge',
  present: true,
  fdb: [],
  ports,
  vlanFiltering: null,
  note: null,
})

describe('a bridge’s ports, drawn and on the machine', () => {
  it('agree when OVS holds what the drawing says (trunks in any order), the internal port left out', () => {
    const rows = portRows(
      lab,
      's1',
      table([
        port('a:eth1', 10),
        port('b:eth1', 20),
        port('s1~s2', 30, [10, 20], 'native-untagged'),
        port('s1', null),
      ]),
    )
    expect(rows).toEqual([
      { port: 'a:eth1', drawn: 'access port of VLAN 10', machine: 'access port of VLAN 10', differs: false },
      { port: 'b:eth1', drawn: 'access port of VLAN 20', machine: 'access port of VLAN 20', differs: false },
      {
        port: 's1~s2',
        drawn: 'trunk of 10,20, native VLAN 30',
        machine: 'trunk of 10,20, native VLAN 30',
        differs: false,
      },
    ])
  })

  it('marks a port re-tagged by hand, one missing, and one the lab does not draw', () => {
    const rows = portRows(lab, 's1', table([port('a:eth1', 20), port('stray0', null)]))
    expect(rows.map((r) => `${r.port} ${r.differs} ${r.machine}`)).toEqual([
      'a:eth1 true access port of VLAN 20',
      'b:eth1 true null',
      's1~s2 true null',
      'stray0 true trunk of every VLAN',
    ])
  })
})
