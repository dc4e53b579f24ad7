// A map of the whole lab in a corner, for labs bigger than the view: every node a dot of its kind's
// colour in its host's frame, the part in view outlined; pressing or dragging on the map moves the
// view there. Its own, not React Flow's: that one draws the nodes React Flow holds, which zoomed out
// are none (overview.tsx), and it repainted its 1,000 node shapes on every pan frame. This one draws
// the lab once per change; a pan moves only the outline.
import { Panel, useReactFlow, useStore } from '@xyflow/react'
import { memo, useLayoutEffect, useMemo, useRef } from 'react'
import type { Box } from '../../shared/layout/geometry.ts'
import { union } from './fit.ts'
import { KIND_COLOURS } from './kind-colours.ts'
import type { OverviewFrame, OverviewNode } from './overview.tsx'

const SIZE = { width: 200, height: 150 }
const PAD = 6

/** Where the lab's `bounds` go in the map: the scale and offset that fit it, centred. */
export function mapScale(bounds: Box, size = SIZE): { scale: number; x: number; y: number } {
  const scale = Math.min(
    (size.width - 2 * PAD) / Math.max(bounds.width, 1),
    (size.height - 2 * PAD) / Math.max(bounds.height, 1),
  )
  return {
    scale,
    x: (size.width - bounds.width * scale) / 2 - bounds.x * scale,
    y: (size.height - bounds.height * scale) / 2 - bounds.y * scale,
  }
}

function LabMinimapView({
  nodes,
  frames,
}: {
  nodes: readonly OverviewNode[]
  frames: readonly OverviewFrame[]
}) {
  const flow = useReactFlow()
  const ref = useRef<HTMLCanvasElement>(null)
  const bounds = useMemo(
    () => union([...nodes.map((n) => n.box), ...frames.map((f) => f.box)]),
    [nodes, frames],
  )
  const at = useMemo(() => (bounds ? mapScale(bounds) : null), [bounds])
  const ratio = window.devicePixelRatio || 1
  useLayoutEffect(() => {
    const ctx = ref.current?.getContext('2d')
    if (!ctx || !at) return
    ctx.setTransform(1, 0, 0, 1, 0, 0)
    ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height)
    ctx.setTransform(ratio * at.scale, 0, 0, ratio * at.scale, ratio * at.x, ratio * at.y)
    ctx.fillStyle = 'rgba(169, 174, 196, 0.35)'
    for (const f of frames) ctx.fillRect(f.box.x, f.box.y, f.box.width, f.box.height)
    // At least a pixel and a half each, or a 1,000-node lab's guests vanish.
    const least = 1.5 / at.scale
    for (const [kind, { stroke }] of Object.entries(KIND_COLOURS)) {
      ctx.fillStyle = stroke
      for (const n of nodes)
        if (n.kind === kind)
          ctx.fillRect(n.box.x, n.box.y, Math.max(n.box.width, least), Math.max(n.box.height, least))
    }
  }, [nodes, frames, at, ratio])

  // The view's outline: the only thing a pan changes.
  const outline = useStore((s) => {
    if (!at) return null
    const [x, y, zoom] = s.transform
    return {
      left: (-x / zoom) * at.scale + at.x,
      top: (-y / zoom) * at.scale + at.y,
      width: (s.width / zoom) * at.scale,
      height: (s.height / zoom) * at.scale,
    }
  }, sameOutline)

  // Pressed or dragged on: the view is centred there.
  const centreOn = (e: React.PointerEvent) => {
    if (!at) return
    const r = e.currentTarget.getBoundingClientRect()
    const point = { x: (e.clientX - r.left - at.x) / at.scale, y: (e.clientY - r.top - at.y) / at.scale }
    void flow.setCenter(point.x, point.y, { zoom: flow.getViewport().zoom })
  }
  if (!at) return null
  return (
    <Panel position="top-right" className="canvas-minimap" data-minimap-nodes={nodes.length}>
      <div
        className="minimap-map"
        style={SIZE}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId)
          centreOn(e)
        }}
        onPointerMove={(e) => {
          if (e.buttons === 1) centreOn(e)
        }}
        title="the whole lab: press or drag to move the view"
      >
        <canvas
          ref={ref}
          width={SIZE.width * ratio}
          height={SIZE.height * ratio}
          style={SIZE}
          aria-label={`map of the lab: ${nodes.length} nodes`}
        />
        {outline && <div className="minimap-view" style={clampOutline(outline)} />}
      </div>
    </Panel>
  )
}

type Outline = { left: number; top: number; width: number; height: number }
const sameOutline = (a: Outline | null, b: Outline | null) =>
  a === b ||
  (a !== null &&
    b !== null &&
    Math.round(a.left) === Math.round(b.left) &&
    Math.round(a.top) === Math.round(b.top) &&
    Math.round(a.width) === Math.round(b.width) &&
    Math.round(a.height) === Math.round(b.height))

/** The outline kept inside the map (a view bigger than the lab shows as the whole map). */
function clampOutline(o: Outline): Outline {
  const left = Math.max(0, o.left)
  const top = Math.max(0, o.top)
  return {
    left,
    top,
    width: Math.max(4, Math.min(SIZE.width, o.left + o.width) - left),
    height: Math.max(4, Math.min(SIZE.height, o.top + o.height) - top),
  }
}

export const LabMinimap = memo(LabMinimapView)
