// Where links and their labels go: ports spread along a node's side in the order of where they
// lead, the interface label at the guest end, the VLAN chip at the bridge end, the halo of each
// broadcast domain in its VLAN's colour, and a split VLAN marked.
import { describe, expect, it } from 'vitest'
import { domainShapes } from '../../../renderer/canvas/domain-overlay.tsx'
import { vlanColour } from '../../../renderer/canvas/vlan-colour.ts'
import {
  type Box,
  BoxGrid,
  type LinkShape,
  linkGeometry,
  MovedGrid,
  overlaps,
} from '../../../shared/layout/geometry.ts'

const box = (x: number, y: number, width = 100, height = 40): Box => ({ x, y, width, height })
const guestLink = (guest: string, bridge: string): LinkShape => ({
  id: `${guest}:eth1`,
  ends: [guest, bridge],
  guestLink: true,
  label: { width: 90, height: 34 },
  chip: { width: 28, height: 16 },
})

describe('link geometry', () => {
  const boxes = new Map([
    ['br', box(200, 0, 200)],
    ['a', box(0, 160)],
    ['b', box(150, 160)],
    ['c', box(300, 160)],
    ['d', box(450, 160)],
  ])
  const links = ['d', 'a', 'c', 'b'].map((g) => guestLink(g, 'br'))
  const geometry = linkGeometry(boxes, links)

  it('spreads a bridge’s ports along its lower side in the order of its guests, so links never cross', () => {
    const xs = ['a', 'b', 'c', 'd'].map((g) => geometry.get(`${g}:eth1`)!.to.x)
    expect(xs).toEqual([...xs].sort((p, q) => p - q))
    expect(new Set(xs).size).toBe(4)
    for (const g of ['a', 'b', 'c', 'd']) expect(geometry.get(`${g}:eth1`)!.to.y).toBe(40)
  })

  it('puts the interface label just above the guest and the VLAN chip just below the bridge', () => {
    for (const g of ['a', 'b', 'c', 'd']) {
      const { label, chip } = geometry.get(`${g}:eth1`)!
      const labelBox = box(label.x - 45, label.y - 17, 90, 34)
      const chipBox = box(chip!.x - 14, chip!.y - 8, 28, 16)
      expect(labelBox.y + labelBox.height).toBeLessThanOrEqual(160)
      expect(labelBox.y + labelBox.height).toBeGreaterThan(160 - 20)
      expect(chipBox.y).toBeGreaterThanOrEqual(40)
      expect(chipBox.y).toBeLessThan(40 + 20)
      for (const [, b] of boxes) expect(overlaps(labelBox, b) || overlaps(chipBox, b)).toBe(false)
    }
  })

  it('stacks the labels of a guest with two links instead of laying one on the other', () => {
    const two = new Map([
      ['br1', box(0, 0)],
      ['br2', box(200, 0)],
      ['g', box(100, 160)],
    ])
    const g = linkGeometry(two, [guestLink('g', 'br1'), { ...guestLink('g', 'br2'), id: 'g:eth2' }])
    const [l1, l2] = ['g:eth1', 'g:eth2'].map((id) => g.get(id)!.label)
    expect(overlaps(box(l1!.x - 45, l1!.y - 17, 90, 34), box(l2!.x - 45, l2!.y - 17, 90, 34))).toBe(false)
  })

  it('leaves a wire between two bridges from their facing sides, its label in the middle', () => {
    const wire: LinkShape = {
      id: 'x~y',
      ends: ['x', 'y'],
      guestLink: false,
      label: { width: 60, height: 20 },
      chip: null,
    }
    const g = linkGeometry(
      new Map([
        ['x', box(0, 0)],
        ['y', box(300, 0)],
      ]),
      [wire],
    ).get('x~y')!
    expect(g.from).toEqual({ x: 100, y: 20 })
    expect(g.to).toEqual({ x: 300, y: 20 })
    expect(g.label).toEqual({ x: 200, y: 20 })
  })
})

describe('domain halos', () => {
  const boxes = new Map([
    ['w1', box(0, 100)],
    ['w2', box(120, 100)],
    ['db', box(240, 100)],
    ['w3', box(360, 100)],
  ])
  const host = () => 'h'

  it('wrap neighbours of one domain in one hull, in the VLAN’s colour, never around a stranger', () => {
    const [ten] = domainShapes(
      [{ id: 'd10', vlan: 10, members: ['w1:eth1', 'w2:eth1', 'w3:eth1'] }],
      boxes,
      host,
    )
    expect(ten!.colour).toBe(vlanColour(10).css)
    expect(ten!.hulls).toHaveLength(2)
    for (const hull of ten!.hulls) expect(overlaps(hull, boxes.get('db')!)).toBe(false)
    expect(ten!.split).toBe(false)
  })

  it('mark two domains of one VLAN as split, both keeping the VLAN’s colour; untagged is grey', () => {
    const shapes = domainShapes(
      [
        { id: 'a/20', vlan: 20, members: ['w1:eth1'] },
        { id: 'b/20', vlan: 20, members: ['w3:eth1'] },
        { id: 'u', vlan: null, members: ['db:eth1'] },
      ],
      boxes,
      host,
    )
    expect(shapes.map((s) => [s.split, s.colour])).toEqual([
      [true, vlanColour(20).css],
      [true, vlanColour(20).css],
      [false, '#8c8c8c'],
    ])
  })

  it('during a drag keep the halos of domains not moved, and shape the others as at rest', () => {
    const domains = [
      { id: 'a', vlan: 10, members: ['w1:eth1', 'w2:eth1'] },
      { id: 'b', vlan: 20, members: ['w2:eth2', 'db:eth1'] },
    ]
    const rest = domainShapes(domains, boxes, host)
    const moved = new Map(boxes).set('db', box(240, 400))
    const during = domainShapes(domains, moved, host, (id) => (id === 'a' ? rest[0] : undefined))
    expect(during[0]).toBe(rest[0])
    // w2's ring in b (outside its ring in a) is counted as at rest although a was not shaped again.
    expect(during[1]).toEqual(domainShapes(domains, moved, host)[1])
    expect(during[1]).not.toEqual(rest[1])
  })
})

describe('labels of a hand-drawn lab', () => {
  // As a user drops them: guests nearly level with the bridge and close under it (the e2e drawing),
  // and a wire that passes over a bridge it does not join.
  const boxes = new Map([
    ['ovs0', box(420, 300, 170, 44)],
    ['c1', box(120, 370, 165)],
    ['c2', box(420, 370, 165)],
    ['c3', box(680, 370, 165)],
    ['c4', box(940, 370, 165)],
    ['far', box(1400, 300, 124, 44)],
    ['mid', box(1100, 300, 124, 44)],
  ])
  const links: LinkShape[] = [
    ...['c1', 'c2', 'c3', 'c4'].map((g) => ({
      ...guestLink(g, 'ovs0'),
      label: { width: 104, height: 34 },
      chip: { width: 36, height: 16 },
    })),
    { id: 'ovs0~far', ends: ['ovs0', 'far'], guestLink: false, label: { width: 90, height: 19 }, chip: null },
  ]
  const geometry = linkGeometry(boxes, links)
  const labelBoxes = links.flatMap((l) => {
    const g = geometry.get(l.id)!
    const around = (p: { x: number; y: number }, s: { width: number; height: number }, id: string) => ({
      id,
      ...box(p.x - s.width / 2, p.y - s.height / 2, s.width, s.height),
    })
    return [
      around(g.label, l.label, `label ${l.id}`),
      ...(g.chip ? [around(g.chip, l.chip!, `chip ${l.id}`)] : []),
    ]
  })

  it('puts no chip or label on a node or on another', () => {
    const onNodes = labelBoxes.flatMap((l) =>
      [...boxes].filter(([, b]) => overlaps(l, b)).map(([n]) => `${l.id} on ${n}`),
    )
    expect(onNodes).toEqual([])
    const onLabels = labelBoxes.flatMap((a, i) =>
      labelBoxes
        .slice(i + 1)
        .filter((b) => overlaps(a, b))
        .map((b) => `${a.id} on ${b.id}`),
    )
    expect(onLabels).toEqual([])
  })

  it('keeps each chip at its bridge and each label at its guest', () => {
    for (const g of ['c1', 'c2', 'c3', 'c4']) {
      const { chip, label, to, from } = geometry.get(`${g}:eth1`)!
      expect(Math.hypot(chip!.x - to.x, chip!.y - to.y)).toBeLessThan(110)
      expect(Math.hypot(label.x - from.x, label.y - from.y)).toBeLessThan(160)
    }
  })
})

describe('a drag frame’s grid (MovedGrid)', () => {
  // Two rows of guests under two bridges; `b` is dragged next to `f`, where it is crowded.
  const rest = new Map([
    ['br1', box(0, 0, 400)],
    ['br2', box(600, 0, 400)],
    ...['a', 'b', 'c'].map((g, i) => [g, box(i * 150, 160)] as const),
    ...['e', 'f', 'g'].map((g, i) => [g, box(600 + i * 150, 160)] as const),
  ])
  const links = [
    ...['a', 'b', 'c'].map((g) => guestLink(g, 'br1')),
    ...['e', 'f', 'g'].map((g) => guestLink(g, 'br2')),
  ]
  const moved = new Map([['b', box(700, 230)]])
  const now = new Map([...rest, ...moved])
  const moving = links.filter((l) => l.ends.includes('b'))

  it('places the moved node’s labels as a grid of every box where it is now would', () => {
    const fresh = linkGeometry(now, moving)
    const viaMoved = linkGeometry(now, moving, () => new MovedGrid(new BoxGrid(rest), moved))
    expect(viaMoved).toEqual(fresh)
  })

  it('answers for the moved box where it is now, not where it was', () => {
    const grid = new MovedGrid(new BoxGrid(rest), moved)
    expect(grid.covered(box(150, 160))).toBe(0)
    expect(grid.covered(box(700, 230))).toBe(100 * 40)
    expect(grid.some(box(700, 230), (n) => n === 'b')).toBe(true)
    expect(grid.some(box(150, 160), (n) => n === 'b')).toBe(false)
    // Labels placed in a frame go to the moved part, never into the grid at rest.
    const base = new BoxGrid(rest)
    new MovedGrid(base, moved).add('label b:eth1', box(0, 300))
    expect(base.covered(box(0, 300))).toBe(0)
  })
})
