import { describe, expect, it } from 'vitest'
import { demoLab } from '../../../renderer/document/demo-lab.ts'
import { loadLab } from '../../../shared/lab/load.ts'
import { readScenario } from '../../support/scenarios.ts'

describe('the editor’s demo lab', () => {
  it('is examples/single-host-vlan.yaml with a layout', () => {
    const { lab, problems } = loadLab(readScenario('single-host-vlan.yaml'), 'single-host-vlan.yaml')
    expect(problems.filter((p) => p.severity === 'error')).toEqual([])
    const { layout, ...drawn } = demoLab
    expect(drawn).toEqual(lab)
    expect(Object.keys(layout ?? {}).sort()).toEqual(Object.keys(lab!.nodes).sort())
  })
})
