// Where a node dropped from the palette goes: where it was dropped (centred on the pointer) when
// that is clear of every other node, else the nearest spot that is, with room around it for the
// labels and chips of the links it will get. A node dropped on a bridge never lands on it.
import { type Box, BoxGrid, type Point } from '../../shared/layout/geometry.ts'

/** Clearance kept from other nodes: beside them, and above or below (where labels and chips go). */
const CLEAR = { x: 24, y: 40 }
const STEP = 12
const REACH = 50

/** Offsets to try, nearest first. */
const OFFSETS: readonly Point[] = (() => {
  const out: Point[] = []
  for (let i = -REACH; i <= REACH; i++)
    for (let j = -REACH; j <= REACH; j++) out.push({ x: i * STEP, y: j * STEP })
  return out.sort((a, b) => Math.hypot(a.x, a.y) - Math.hypot(b.x, b.y))
})()

/** The top-left corner for a node of `size` dropped with the pointer at `pointer`. */
export function freeSpot(
  boxes: ReadonlyMap<string, Box>,
  size: { width: number; height: number },
  pointer: Point,
): Point {
  const grid = new BoxGrid(boxes)
  const want = { x: pointer.x - size.width / 2, y: pointer.y - size.height / 2 }
  for (const o of OFFSETS) {
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
