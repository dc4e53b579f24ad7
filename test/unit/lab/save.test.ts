import { describe, expect, it } from 'vitest'
import { loadLab } from '../../../shared/lab/load.ts'
import { saveLab } from '../../../shared/lab/save.ts'
import type { GuestLink, Lab } from '../../../shared/lab/schema.ts'
import { readScenario } from '../../support/scenarios.ts'

describe('saving lab files', () => {
  it('writes an edit back into the loaded file with its comments, order and one-line links', () => {
    const loaded = loadLab(readScenario('single-host-vlan.yaml'))
    const lab = structuredClone(loaded.lab!) as Lab
    lab.links![1] = { ...(lab.links![1] as GuestLink), vlan: 300 }
    lab.links!.push({ guest: 'test4', to: 'ovs0', ifname: 'eth2', ip: '10.0.1.4/24' })
    const text = saveLab(lab, loaded.document)
    expect(text).toContain(
      "# Four containers on one Open vSwitch bridge, two VLANs (the seeds' single-host VLAN lab).",
    )
    expect(text).toContain('  - { guest: test2, to: ovs0, ip: 10.0.0.2/24, vlan: 300 }\n')
    expect(text).toContain('  - { guest: test4, to: ovs0, ifname: eth2, ip: 10.0.1.4/24 }\n')
    expect(text).toContain(
      '  test1: { kind: container, image: "labbox:latest", command: [ sleep, "1000000" ] }\n',
    )
    expect(loadLab(text).lab).toEqual(lab)
  })

  it('removes what the edit removed', () => {
    const loaded = loadLab(readScenario('linux-bridge-lan.yaml'))
    const lab = structuredClone(loaded.lab!)
    delete lab.nodes.b
    lab.links = lab.links!.slice(0, 1)
    const text = saveLab(lab, loaded.document)
    expect(text).not.toMatch(/\bb:/)
    expect(loadLab(text).lab).toEqual(lab)
  })

  it('writes a new lab one line per node and per link, and reads it back equal', () => {
    const lab: Lab = {
      patchbay: 1,
      name: 'fresh',
      nodes: { ovs0: { kind: 'ovs-bridge' }, n1: { kind: 'netns' } },
      links: [{ guest: 'n1', to: 'ovs0', ip: ['10.0.0.1/24', '2001:db8::1/64'], vlan: 10 }],
      layout: { n1: { x: 10, y: 20 } },
    }
    const text = saveLab(lab)
    expect(text).toBe(
      [
        'patchbay: 1',
        'name: fresh',
        'nodes:',
        '  ovs0: { kind: ovs-bridge }',
        '  n1: { kind: netns }',
        'links:',
        '  - { guest: n1, to: ovs0, ip: [ 10.0.0.1/24, 2001:db8::1/64 ], vlan: 10 }',
        'layout:',
        '  n1: { x: 10, y: 20 }',
        '',
      ].join('\n'),
    )
    expect(loadLab(text).lab).toEqual(lab)
  })
})
