// The canvas's dot grid, in the layer that pans and zooms with the lab (layers.tsx UnderNodes). Not
// React Flow's Background: that is an SVG pattern the size of the view whose offset changes on
// every pan frame, so Chromium painted the whole view again each frame (a fifth of a pan frame at
// 1,000 nodes); here the dots move with the rest of the drawing. It covers what is drawn and a wide
// margin around it. Zoomed out there is none: its dots would be a grey haze (overview.tsx).
import { memo } from 'react'
import type { Box } from '../../shared/layout/geometry.ts'

/** Canvas units of dots beyond what is drawn, each way: several views' worth at reading zoom. */
const MARGIN = 6000
/** Canvas units between dots (React Flow's Background has 20 too). */
const GAP = 20

function CanvasGridView({ around }: { around: Box | null }) {
  // Whole gaps, so that the dots stay where they were when the lab grows.
  const snap = (v: number) => Math.floor(v / GAP) * GAP
  const x = snap((around?.x ?? 0) - MARGIN)
  const y = snap((around?.y ?? 0) - MARGIN)
  const width = (around?.width ?? 0) + 2 * MARGIN + GAP
  const height = (around?.height ?? 0) + 2 * MARGIN + GAP
  return <div className="canvas-grid" aria-hidden="true" style={{ left: x, top: y, width, height }} />
}

export const CanvasGrid = memo(CanvasGridView)
