// The first picture of a lab opened without positions: hosts as frames side by side, bridges above
// their guests, nothing on top of anything; nodes the user placed stay put.
import { describe, expect, it } from 'vitest'
import { loadLab } from '../../../shared/lab/load.ts'
import type { Lab } from '../../../shared/lab/schema.ts'
import { autoLayout } from '../../../shared/layout/auto-layout.ts'
import { type Box, labNodeSizes, overlaps } from '../../../shared/layout/geometry.ts'
import { readScenario } from '../../support/scenarios.ts'

const boxesOf = (lab: Lab) => {
  const sizes = labNodeSizes(lab)
  return new Map(Object.keys(lab.nodes).map((n) => [n, { ...lab.layout![n]!, ...sizes.get(n)! } as Box]))
}
const span = (boxes: Map<string, Box>, names: string[]) => ({
  left: Math.min(...names.map((n) => boxes.get(n)!.x)),
  right: Math.max(...names.map((n) => boxes.get(n)!.x + boxes.get(n)!.width)),
})

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

  it('draws three hosts in a row, the one wired to both in the middle, with no overlaps', async () => {
    const lab = loadLab(readScenario('three-hosts.yaml')).lab!
    const laid = await autoLayout(lab)
    const boxes = boxesOf(laid)
    const pairs = [...boxes].flatMap(([a, p]) =>
      [...boxes].filter(([b, q]) => a < b && overlaps(p, q, 4)).map(([b]) => `${a}/${b}`),
    )
    expect(pairs).toEqual([])
    const hosts = ['leaf1', 'core', 'leaf2'].map((h) =>
      span(
        boxes,
        Object.keys(lab.nodes).filter((n) => lab.nodes[n]!.host === h),
      ),
    )
    // Side by side, in this order or its mirror: core between the leaves it joins.
    const [a, core, b] = hosts as [
      { left: number; right: number },
      { left: number; right: number },
      { left: number; right: number },
    ]
    const [left, right] = a.left < b.left ? [a, b] : [b, a]
    expect(left.right).toBeLessThan(core.left)
    expect(core.right).toBeLessThan(right.left)
    // Bridges in the top row of their hosts, every guest below its bridge.
    const y = (n: string) => boxes.get(n)!.y
    for (const link of lab.links!) if ('guest' in link) expect(y(link.to)).toBeLessThan(y(link.guest))
    expect(new Set(['ovsl1', 'ovsl2', 'spine', 'svc'].map(y)).size).toBe(1)
  }, 60_000)

  it('keeps the nodes it is told to keep and lays out the rest around them', async () => {
    const lab = loadLab(readScenario('three-hosts.yaml')).lab!
    const first = await autoLayout(lab)
    const db1 = first.layout!.db1!
    const moved = { ...first, layout: { ...first.layout, db1: { x: db1.x + 5, y: db1.y + 300 } } }
    const again = await autoLayout(moved, { keep: new Set(['db1']) })
    expect(again.layout!.db1).toEqual({ x: db1.x + 5, y: db1.y + 300 })
    // The others go back where the layout puts them; nothing follows the one node moved.
    expect(again.layout!.web1).toEqual(first.layout!.web1)
    const all = await autoLayout(moved)
    expect(all.layout!.db1).toEqual(db1)
  }, 60_000)
})
