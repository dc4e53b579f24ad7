// The zoomed-out canvas (overview.tsx) and the minimap: which node a press lands on, how links are
// batched into strokes, where the lab goes in the map.
import { describe, expect, it } from 'vitest'
import type { LabEdgeData } from '../../../renderer/canvas/edges.tsx'
import { mapScale } from '../../../renderer/canvas/minimap.tsx'
import { nodeAt, type OverviewNode, strokeGroups, toCanvas } from '../../../renderer/canvas/overview.tsx'

const node = (name: string, x: number, y: number): OverviewNode => ({
  name,
  kind: 'netns',
  box: { x, y, width: 100, height: 40 },
  problems: false,
  domains: [],
})

const link = (linkId: string, over: Partial<LabEdgeData> = {}): LabEdgeData => ({
  linkId,
  linkKey: linkId,
  guestLink: true,
  vlan: null,
  trunk: [],
  native: [],
  label: [],
  geometry: { from: { x: 0, y: 0 }, to: { x: 10, y: 10 }, label: { x: 5, y: 5 }, chip: null },
  problems: [],
  adminDown: false,
  impairment: '',
  ...over,
})

describe('nodeAt', () => {
  const nodes = [node('a', 0, 0), node('b', 50, 20), node('c', 400, 0)]
  it('finds the node whose card holds the point, the one drawn last where two overlap', () => {
    expect(nodeAt(nodes, { x: 10, y: 10 })).toBe('a')
    expect(nodeAt(nodes, { x: 60, y: 30 })).toBe('b')
    expect(nodeAt(nodes, { x: 450, y: 39 })).toBe('c')
  })
  it('finds none on the empty canvas', () => {
    expect(nodeAt(nodes, { x: 200, y: 10 })).toBeNull()
    expect(nodeAt(nodes, { x: 10, y: 100 })).toBeNull()
  })
  it('reads a screen point in canvas units through the view', () => {
    expect(toCanvas({ x: 110, y: 70 }, { x: 10, y: 20, zoom: 0.5 })).toEqual({ x: 200, y: 100 })
  })
})

describe('strokeGroups', () => {
  it('strokes links drawn alike together and keeps each style apart', () => {
    const links = [
      link('a', { vlan: 10 }),
      link('b', { vlan: 10 }),
      link('c', { vlan: 20 }),
      link('d', { guestLink: false, trunk: [10, 20] }),
      link('e', { vlan: 10 }),
      link('f', { geometry: null }),
    ]
    const groups = strokeGroups(links, (l) => (l.linkId === 'e' ? 'down' : 'up'), new Set(['b']))
    const of = (id: string) =>
      groups.findIndex((g) =>
        g.lines.some(([from]) => from === links.find((l) => l.linkId === id)!.geometry!.from),
      )
    // a: VLAN 10 up; b: selected (wider); c: VLAN 20; d: a trunk (thicker, dark); e: down (dashed).
    expect(groups).toHaveLength(5)
    expect(groups.reduce((n, g) => n + g.lines.length, 0)).toBe(5)
    expect(groups[of('b')]!.width).toBe(groups[of('a')]!.width + 2)
    expect(groups[of('d')]!.width).toBe(6)
    expect(groups[of('e')]!.dash).toEqual([7, 5])
    expect(groups[of('c')]!.colour).not.toBe(groups[of('a')]!.colour)
  })
})

describe('mapScale', () => {
  it('fits the lab in the map, centred, keeping its proportions', () => {
    const at = mapScale({ x: 1000, y: 500, width: 4000, height: 1000 }, { width: 200, height: 150 })
    expect(at.scale).toBeCloseTo(188 / 4000, 6)
    // The lab's corners land inside the map, its middle at the map's middle.
    expect(1000 * at.scale + at.x).toBeCloseTo(6, 6)
    expect((1000 + 4000) * at.scale + at.x).toBeCloseTo(194, 6)
    expect((500 + 500) * at.scale + at.y).toBeCloseTo(75, 6)
  })
})
