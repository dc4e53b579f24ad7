// Where a node dropped from the palette goes: where it was dropped (centred on the pointer) when
// that is clear of every other node, else the nearest spot that is, with room around it for the
// labels and chips of the links it will get. A node dropped on a bridge never lands on it; a guest
// moves below it (where guests hang under their bridge), a bridge above.
import { type Box, BoxGrid, type Point } from '../../shared/layout/geometry.ts'

/** Clearance kept from other nodes: beside them, and above or below (where labels and chips go). */
const CLEAR = { x: 24, y: 40 }
const STEP = 12
const REACH = 50

/** Offsets to try, nearest first; a step the wrong way up or down counts half as much again. */
function offsets(down: boolean): Point[] {
  const out: Point[] = []
  for (let i = -REACH; i <= REACH; i++)
    for (let j = -REACH; j <= REACH; j++) out.push({ x: i * STEP, y: j * STEP })
  const cost = (p: Point) => Math.hypot(p.x, p.y > 0 === down ? p.y : p.y * 1.5)
  return out.sort((a, b) => cost(a) - cost(b))
}
const OFFSETS = { down: offsets(true), up: offsets(false) }

/** The top-left corner for a node of `size` dropped with the pointer at `pointer`. */
export function freeSpot(
  boxes: ReadonlyMap<string, Box>,
  size: { width: number; height: number },
  pointer: Point,
  /** Where it goes when it cannot stay: a guest below what it was dropped on, a bridge above. */
  prefer: 'down' | 'up' = 'down',
): Point {
  const grid = new BoxGrid(boxes)
  const want = { x: pointer.x - size.width / 2, y: pointer.y - size.height / 2 }
  for (const o of OFFSETS[prefer]) {
    const area = {
      x: want.x + o.x - CLEAR.x,
      y: want.y + o.y - CLEAR.y,
      width: size.width + 2 * CLEAR.x,
      height: size.height + 2 * CLEAR.y,
    }
    if (!grid.some(area, () => true)) return { x: want.x + o.x, y: want.y + o.y }
  }
  return want
}

/**
 * How far to move copies of `group` (pasted) so that they land together on the nearest spot below
 * and right of the originals that is clear of every node, originals included.
 */
export function pasteOffset(boxes: ReadonlyMap<string, Box>, group: readonly string[]): Point {
  const members = group.flatMap((n) => boxes.get(n) ?? [])
  if (members.length === 0) return { x: 40, y: 40 }
  const x0 = Math.min(...members.map((b) => b.x))
  const y0 = Math.min(...members.map((b) => b.y))
  const width = Math.max(...members.map((b) => b.x + b.width)) - x0
  const height = Math.max(...members.map((b) => b.y + b.height)) - y0
  const spot = freeSpot(boxes, { width, height }, { x: x0 + width / 2 + 40, y: y0 + height / 2 + 40 })
  return { x: Math.round(spot.x - x0), y: Math.round(spot.y - y0) }
}
