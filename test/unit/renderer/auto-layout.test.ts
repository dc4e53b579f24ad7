import { describe, expect, it } from 'vitest'
import { autoLayout } from '../../../renderer/document/auto-layout.ts'
import { loadLab } from '../../../shared/lab/load.ts'
import { readScenario } from '../../support/scenarios.ts'

describe('auto-layout', () => {
  it('puts every node somewhere, bridges above their guests, and hosts apart', async () => {
    const lab = loadLab(readScenario('multi-host-vlan.yaml')).lab!
    const { layout } = await autoLayout(lab)
    expect(Object.keys(layout!).sort()).toEqual(Object.keys(lab.nodes).sort())
    expect(layout!.ovs1!.y).toBeLessThan(layout!.h1a!.y)
    // host2's nodes sit beside host1's, not on top of them
    const host1 = ['ovs1', 'h1a', 'h1b'].map((n) => layout![n]!.x)
    const host2 = ['ovs2', 'h2a', 'h2b'].map((n) => layout![n]!.x)
    expect(Math.min(...host2) >= Math.max(...host1) || Math.max(...host2) <= Math.min(...host1)).toBe(true)
  }, 60_000)
})
