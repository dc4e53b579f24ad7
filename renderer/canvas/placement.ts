// Where things sit on the canvas: its links and their labels (geometry.ts linkGeometry), worked
// out as little as a gesture needs, and node wrappers (placedAt, at the end). At rest every link
// is placed, labels clear of each other and of the nodes.
// During a drag only the links of the moved nodes are placed again, against the boxes at rest with
// the moved ones where they are now (MovedGrid: the grid of every box is made once per drag, not
// once per frame); the others keep where they were when the drag began. Right after a drop the
// links stay where the last drag frame put them, and the whole lab's labels are placed again when
// the browser is next idle: some 30 ms at 1,500 links, kept out of the frame that ends the
// gesture. Any other change of positions or links places them all at once.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { Lab } from '../../shared/lab/schema.ts'
import {
  type Box,
  BoxGrid,
  type BoxIndex,
  type LinkGeometry,
  type LinkShape,
  linkGeometry,
  MovedGrid,
  type Point,
} from '../../shared/layout/geometry.ts'

/** Where each link and its labels go, by link id. */
export type Placement = { get(id: string): LinkGeometry | undefined }

export interface LinkPlacement {
  readonly geometry: Placement
  /** During a drag: the boxes' grid with the moved ones where they are now (for the halos too). */
  readonly movedIndex: (() => BoxIndex) | undefined
  /** Says that a drag ended in `next`: it shows the drag's last placement until the browser idles. */
  readonly dropped: (next: Lab) => void
}

export function useLinkPlacement(
  lab: Lab,
  boxes: ReadonlyMap<string, Box>,
  shapes: LinkShape[],
  dragged: Readonly<Record<string, Point>> | null,
): LinkPlacement {
  const restBoxes = dragged === null ? boxes : null

  const drop = useRef<{ lab: Lab; shapes: LinkShape[]; placement: Placement } | null>(null)
  const [idlePlaced, setIdlePlaced] = useState<{
    boxes: ReadonlyMap<string, Box>
    shapes: LinkShape[]
    placement: Placement
  } | null>(null)
  const atRest = useMemo((): Placement | null => {
    if (!restBoxes) return null
    if (idlePlaced?.boxes === restBoxes && idlePlaced.shapes === shapes) return idlePlaced.placement
    const last = drop.current
    if (last?.lab === lab && last.shapes === shapes) return last.placement
    return linkGeometry(restBoxes, shapes)
  }, [restBoxes, shapes, idlePlaced, lab])
  useEffect(() => {
    if (!restBoxes || drop.current?.lab !== lab) return
    const place = () => {
      drop.current = null
      setIdlePlaced({ boxes: restBoxes, shapes, placement: linkGeometry(restBoxes, shapes) })
    }
    const idle = requestIdleCallback(place, { timeout: 300 })
    return () => cancelIdleCallback(idle)
  }, [restBoxes, shapes, lab])
  const rest = useRef(atRest)
  if (atRest) rest.current = atRest

  const restGrid = useRef<{ boxes: ReadonlyMap<string, Box>; grid: BoxGrid | null }>({ boxes, grid: null })
  if (restBoxes && restGrid.current.boxes !== restBoxes) restGrid.current = { boxes: restBoxes, grid: null }
  const movedIndex = useMemo(() => {
    if (dragged === null) return undefined
    const moved = new Map(
      Object.keys(dragged)
        .map((n) => [n, boxes.get(n)!] as const)
        .filter(([, b]) => b),
    )
    return () => {
      const at = restGrid.current
      at.grid ??= new BoxGrid(at.boxes)
      return new MovedGrid(at.grid, moved)
    }
  }, [boxes, dragged])

  // The links a drag moves: the same for every frame of it.
  const draggedNames = dragged === null ? '' : Object.keys(dragged).join('\n')
  const movingShapes = useMemo(() => {
    const names = new Set(draggedNames.split('\n'))
    return shapes.filter((l) => names.has(l.ends[0]) || names.has(l.ends[1]))
  }, [shapes, draggedNames])
  const geometry: Placement = useMemo(() => {
    const atRest = rest.current ?? linkGeometry(boxes, shapes)
    if (dragged === null) return atRest
    // The moved links where they are now, the others where they were at rest.
    const moved = linkGeometry(boxes, movingShapes, movedIndex)
    return { get: (id: string) => moved.get(id) ?? atRest.get(id) }
  }, [boxes, shapes, dragged, movingShapes, movedIndex])

  const last = useRef({ shapes, geometry })
  last.current = { shapes, geometry }
  const dropped = useCallback((next: Lab) => {
    drop.current = { lab: next, shapes: last.current.shapes, placement: last.current.geometry }
  }, [])
  return { geometry, movedIndex, dropped }
}

/**
 * Where a node's or host frame's wrapper goes: at its left and top, not at React Flow's
 * translate() (the style given comes after React Flow's own). Each transform was a paint chunk of
 * its own, which Chromium layerized again on every frame that changed anything: a drag frame's
 * longest part of its work.
 */
export const placedAt = (at: { x: number; y: number }) => ({ transform: 'none', left: at.x, top: at.y })
