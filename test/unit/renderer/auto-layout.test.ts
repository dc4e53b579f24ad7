// The first picture of a lab opened without positions: hosts as frames side by side (a hub host
// above the hosts it joins), bridges above their guests, nothing on top of anything; nodes the user placed stay put.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadLab } from '../../../shared/lab/load.ts'
import type { Lab } from '../../../shared/lab/schema.ts'
import { autoLayout } from '../../../shared/layout/auto-layout.ts'
import {
  type Box,
  labelSize,
  labNodeSizes,
  linkGeometry,
  overlaps,
  type Point,
} from '../../../shared/layout/geometry.ts'
import { scenariosDir as examples, readScenario } from '../../support/scenarios.ts'

const boxesOf = (lab: Lab) => {
  const sizes = labNodeSizes(lab)
  return new Map(Object.keys(lab.nodes).map((n) => [n, { ...lab.layout![n]!, ...sizes.get(n)! } as Box]))
}
/** Whether the segment a-b passes through box b (sampled finely: boxes are tens of units big). */
const segmentMeets = (a: Point, b: Point, box: Box) =>
  Array.from({ length: 201 }, (_, i) => i / 200).some((t) => {
    const x = a.x + (b.x - a.x) * t
    const y = a.y + (b.y - a.y) * t
    return x > box.x && x < box.x + box.width && y > box.y && y < box.y + box.height
  })
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

  it('draws the host wired to both others above them, its wires down to theirs crossing no node', async () => {
    const lab = loadLab(readScenario('three-hosts.yaml')).lab!
    const laid = await autoLayout(lab)
    const boxes = boxesOf(laid)
    const pairs = [...boxes].flatMap(([a, p]) =>
      [...boxes].filter(([b, q]) => a < b && overlaps(p, q, 4)).map(([b]) => `${a}/${b}`),
    )
    expect(pairs).toEqual([])
    const on = (h: string) => Object.keys(lab.nodes).filter((n) => lab.nodes[n]!.host === h)
    const [leaf1, core, leaf2] = ['leaf1', 'core', 'leaf2'].map((h) => span(boxes, on(h)))
    const top = (h: string) => Math.min(...on(h).map((n) => boxes.get(n)!.y))
    const bottom = (h: string) => Math.max(...on(h).map((n) => boxes.get(n)!.y + boxes.get(n)!.height))
    // The leaves side by side below the core, the core over the middle of their row.
    const [left, right] = leaf1!.left < leaf2!.left ? [leaf1!, leaf2!] : [leaf2!, leaf1!]
    expect(left.right).toBeLessThan(right.left)
    for (const leaf of ['leaf1', 'leaf2']) expect(bottom('core')).toBeLessThan(top(leaf))
    expect((core!.left + core!.right) / 2).toBeGreaterThan(left.right - 100)
    expect((core!.left + core!.right) / 2).toBeLessThan(right.left + 100)
    // On the leaves every guest hangs below its bridge; on the core its guests sit above, so the
    // core's bridges face the leaves.
    const y = (n: string) => boxes.get(n)!.y
    for (const link of lab.links!)
      if ('guest' in link)
        if (lab.nodes[link.guest]!.host === 'core') expect(y(link.to)).toBeGreaterThan(y(link.guest))
        else expect(y(link.to)).toBeLessThan(y(link.guest))
    // No wire between bridges passes through a node it does not join (spine~ovsl2 crossed svc).
    const shapes = lab.links!.map((link) => ({
      id: 'guest' in link ? `${link.guest}:${link.to}` : link.between.join('~'),
      ends: ('guest' in link ? [link.guest, link.to] : link.between) as [string, string],
      guestLink: 'guest' in link,
      label: { width: 0, height: 0 },
      chip: null,
    }))
    const geometry = linkGeometry(boxes, shapes)
    const crossed = shapes.flatMap((shape) => {
      const g = geometry.get(shape.id)!
      return [...boxes]
        .filter(([n, b]) => !shape.ends.includes(n) && segmentMeets(g.from, g.to, b))
        .map(([n]) => `${shape.id} × ${n}`)
    })
    expect(crossed).toEqual([])
  }, 60_000)

  it("puts guests not linked yet in a row under their host's bridge, and leaves room for the wire between hosts", async () => {
    const start = loadLab(readFileSync(join(examples, 'exercises', '1-build-single-host-vlan.yaml'), 'utf8'))
      .lab!
    const { layout } = await autoLayout(start)
    const guests = ['test1', 'test2', 'test3', 'test4']
    expect(new Set(guests.map((g) => layout![g]!.y)).size).toBe(1)
    expect(layout!.ovs0!.y).toBeLessThan(layout!.test1!.y)
    // two-machines: the wire's chips and "vxlan 42" fit between the two frames.
    const two = loadLab(readScenario('two-machines-vlan.yaml')).lab!
    const boxes = boxesOf(await autoLayout(two))
    const m1 = span(boxes, ['ovs1', 'h1a', 'h1b'])
    const m2 = span(boxes, ['ovs2', 'h2a', 'h2b'])
    const wire = two.links!.find((l) => 'between' in l)!
    expect(m2.left - m1.right).toBeGreaterThan(labelSize(wire).width + 2 * 14)
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
