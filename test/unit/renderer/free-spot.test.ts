// Where a node dropped from the palette lands: on the pointer when that is clear, else the nearest
// spot clear of every other node (a node dropped on a bridge never lands on it).
import { describe, expect, it } from 'vitest'
import { freeSpot, pasteOffset } from '../../../renderer/canvas/free-spot.ts'
import { type Box, overlaps } from '../../../shared/layout/geometry.ts'

const guest = { width: 108, height: 44 }
const bridge: Box = { x: 0, y: 0, width: 160, height: 44 }

describe('freeSpot', () => {
  it('centres the node on the pointer when nothing is near', () => {
    expect(freeSpot(new Map([['br', bridge]]), guest, { x: 600, y: 400 })).toEqual({ x: 546, y: 378 })
  })

  it('moves a node dropped on a bridge to the nearest spot clear of it, with room for labels', () => {
    const boxes = new Map([['br', bridge]])
    const at = freeSpot(boxes, guest, { x: 80, y: 22 })
    const box = { ...at, ...guest }
    expect(overlaps(box, bridge, 20)).toBe(false)
    expect(Math.hypot(at.x + guest.width / 2 - 80, at.y + guest.height / 2 - 22)).toBeLessThan(140)
    // A guest goes below the bridge, where guests hang; a bridge dropped on a bridge goes above.
    expect(at.y).toBeGreaterThan(bridge.y + bridge.height)
    expect(freeSpot(boxes, bridge, { x: 80, y: 22 }, 'up').y + bridge.height).toBeLessThan(bridge.y)
  })

  it('finds a gap among many nodes rather than landing on one', () => {
    const boxes = new Map<string, Box>()
    for (let i = 0; i < 5; i++) boxes.set(`g${i}`, { x: i * 130, y: 200, ...guest })
    const at = freeSpot(boxes, guest, { x: 250, y: 222 })
    for (const b of boxes.values()) expect(overlaps({ ...at, ...guest }, b)).toBe(false)
  })

  it('moves pasted copies together to where they cover nothing, originals included', () => {
    const boxes = new Map<string, Box>([
      ['br', bridge],
      ['a', { x: 0, y: 140, ...guest }],
      ['b', { x: 130, y: 140, ...guest }],
    ])
    const offset = pasteOffset(boxes, ['br', 'a', 'b'])
    for (const name of ['br', 'a', 'b']) {
      const copy = { ...boxes.get(name)!, x: boxes.get(name)!.x + offset.x, y: boxes.get(name)!.y + offset.y }
      for (const b of boxes.values()) expect(overlaps(copy, b)).toBe(false)
    }
  })
})
