// The lab zoomed out below reading size (LABEL_ZOOM): drawn on one <canvas> the size of the view,
// redrawn each frame: host frames, halos, links and nodes as shapes, with no text but the hosts'
// names. As DOM, a 1,000-node lab seen whole was 1,000 node wrappers and 1,500 link paths that
// Chromium layerized and hit-tested on every pan frame (~40 ms of a frame); a canvas is one element
// whatever the lab. React Flow holds no lab nodes meanwhile, so pressing, dragging, clicking and the
// context menu on a node are done here, with the canvas's own handlers (Canvas.tsx).
import { useStore, useStoreApi } from '@xyflow/react'
import { memo, useEffect, useLayoutEffect, useMemo, useRef } from 'react'
import type { NodeKind } from '../../shared/lab/schema.ts'
import type { Box, Point } from '../../shared/layout/geometry.ts'
import { liveLinkId, useLive } from '../live/store.ts'
import { useUi } from '../ui/store.ts'
import type { DomainShape } from './domain-overlay.tsx'
import { type LabEdgeData, lineStyle } from './edges.tsx'
import { KIND_COLOURS } from './kind-colours.ts'

export interface OverviewNode {
  readonly name: string
  readonly kind: NodeKind
  readonly box: Box
  readonly problems: boolean
  /** Ids of its broadcast domains (lit with the node under the mouse). */
  readonly domains: readonly string[]
}

export interface OverviewFrame {
  readonly name: string
  readonly box: Box
  /** A machine the live stream says it cannot reach. */
  readonly unreachable: boolean
}

/** What the canvas draws zoomed out, in canvas units. */
export interface OverviewScene {
  readonly frames: readonly OverviewFrame[]
  readonly halos: readonly DomainShape[] | null
  readonly links: readonly LabEdgeData[]
  readonly nodes: readonly OverviewNode[]
}

export type Viewport = { readonly x: number; readonly y: number; readonly zoom: number }

/** The node whose card holds `at` (canvas units): the last drawn, as it is on top. */
export function nodeAt(nodes: readonly OverviewNode[], at: Point): string | null {
  for (let i = nodes.length - 1; i >= 0; i--) {
    const b = nodes[i]!.box
    if (at.x >= b.x && at.x <= b.x + b.width && at.y >= b.y && at.y <= b.y + b.height) return nodes[i]!.name
  }
  return null
}

/** A screen point of the canvas element (pixels from its top-left) in canvas units. */
export const toCanvas = (p: Point, v: Viewport): Point => ({
  x: (p.x - v.x) / v.zoom,
  y: (p.y - v.y) / v.zoom,
})

/**
 * Links grouped by how they are stroked, so that 1,500 links are a few dozen strokes. A line is at
 * least a screen pixel wide, or a far-out lab's guest links would fade to nothing.
 */
export function strokeGroups(
  links: readonly LabEdgeData[],
  stateOf: (link: LabEdgeData) => string,
  selected: ReadonlySet<string>,
): { colour: string; width: number; dash: number[]; opacity: number; lines: [Point, Point][] }[] {
  const groups = new Map<string, ReturnType<typeof strokeGroups>[number]>()
  for (const link of links) {
    const g = link.geometry
    if (!g) continue
    const style = lineStyle(link, stateOf(link), selected.has(link.linkId))
    const key = `${style.colour}|${style.width}|${style.dash ?? ''}|${style.opacity ?? 1}`
    let group = groups.get(key)
    if (!group) {
      group = {
        colour: style.colour,
        width: style.width,
        dash: style.dash ? style.dash.split(' ').map(Number) : [],
        opacity: style.opacity ?? 1,
        lines: [],
      }
      groups.set(key, group)
    }
    group.lines.push([g.from, g.to])
  }
  return [...groups.values()]
}

function draw(
  ctx: CanvasRenderingContext2D,
  scene: OverviewScene,
  strokes: ReturnType<typeof strokeGroups>,
  v: Viewport,
  ratio: number,
  marks: { selected: ReadonlySet<string>; lit: ReadonlySet<string> },
) {
  const { canvas } = ctx
  ctx.setTransform(1, 0, 0, 1, 0, 0)
  ctx.clearRect(0, 0, canvas.width, canvas.height)
  ctx.setTransform(ratio * v.zoom, 0, 0, ratio * v.zoom, ratio * v.x, ratio * v.y)
  const px = 1 / v.zoom
  // Only what meets the view is drawn.
  const view = {
    x: -v.x / v.zoom,
    y: -v.y / v.zoom,
    w: canvas.width / ratio / v.zoom,
    h: canvas.height / ratio / v.zoom,
  }
  const seen = (b: Box) =>
    b.x < view.x + view.w && b.x + b.width > view.x && b.y < view.y + view.h && b.y + b.height > view.y

  for (const f of scene.frames) {
    if (!seen(f.box)) continue
    ctx.beginPath()
    ctx.roundRect(f.box.x, f.box.y, f.box.width, f.box.height, 12)
    ctx.fillStyle = 'rgba(236, 239, 248, 0.55)'
    ctx.fill()
    ctx.setLineDash(f.unreachable ? [8 * px, 5 * px] : [])
    ctx.strokeStyle = f.unreachable ? '#c0392b' : '#a9aec4'
    ctx.lineWidth = Math.max(1.5, px)
    ctx.stroke()
  }
  for (const shape of scene.halos ?? []) {
    ctx.beginPath()
    for (const h of shape.hulls) if (seen(h)) ctx.roundRect(h.x, h.y, h.width, h.height, 14)
    ctx.globalAlpha = 0.13
    ctx.fillStyle = shape.colour
    ctx.fill()
    ctx.globalAlpha = 0.75
    ctx.setLineDash(shape.split ? [8, 5] : [])
    ctx.strokeStyle = shape.colour
    ctx.lineWidth = Math.max(2.5, px)
    ctx.stroke()
    ctx.globalAlpha = 1
  }
  for (const s of strokes) {
    ctx.beginPath()
    for (const [a, b] of s.lines) {
      ctx.moveTo(a.x, a.y)
      ctx.lineTo(b.x, b.y)
    }
    ctx.globalAlpha = s.opacity
    ctx.setLineDash(s.dash)
    ctx.strokeStyle = s.colour
    ctx.lineWidth = Math.max(s.width, px)
    ctx.stroke()
  }
  ctx.globalAlpha = 1
  ctx.setLineDash([])
  // Nodes a kind at a time: one fill and one stroke each.
  for (const [kind, colours] of Object.entries(KIND_COLOURS)) {
    ctx.beginPath()
    for (const n of scene.nodes)
      if (n.kind === kind && seen(n.box)) ctx.roundRect(n.box.x, n.box.y, n.box.width, n.box.height, 8)
    ctx.fillStyle = colours.fill
    ctx.fill()
    ctx.strokeStyle = colours.stroke
    ctx.lineWidth = Math.max(2, px)
    ctx.stroke()
  }
  const outline = (names: ReadonlySet<string>, colour: string) => {
    if (names.size === 0) return
    ctx.beginPath()
    for (const n of scene.nodes)
      if (names.has(n.name))
        ctx.roundRect(n.box.x - 3 * px, n.box.y - 3 * px, n.box.width + 6 * px, n.box.height + 6 * px, 9)
    ctx.strokeStyle = colour
    ctx.lineWidth = 3 * px
    ctx.stroke()
  }
  outline(marks.lit, '#f2b600')
  outline(marks.selected, '#1f6feb')

  // In screen pixels: the hosts' names and the marks of nodes with problems, legible at any zoom.
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0)
  const screen = (p: Point) => ({ x: p.x * v.zoom + v.x, y: p.y * v.zoom + v.y })
  ctx.fillStyle = '#d97706'
  ctx.beginPath()
  for (const n of scene.nodes) {
    if (!n.problems || !seen(n.box)) continue
    const at = screen({ x: n.box.x + n.box.width, y: n.box.y })
    ctx.moveTo(at.x + 3.5, at.y)
    ctx.arc(at.x, at.y, 3.5, 0, 2 * Math.PI)
  }
  ctx.fill()
  ctx.font = '600 11px system-ui, sans-serif'
  ctx.fillStyle = '#3d4360'
  ctx.textBaseline = 'top'
  for (const f of scene.frames) {
    const at = screen(f.box)
    const width = f.box.width * v.zoom
    if (seen(f.box) && width > 40) ctx.fillText(f.name, at.x + 6, at.y + 4, width - 12)
  }
}

/** Screen pixels drawn beyond each edge of the view. */
const MARGIN = 256

function OverviewView({ scene }: { scene: OverviewScene }) {
  const [x, y, zoom] = useStore((s) => s.transform)
  const width = useStore((s) => s.width)
  const height = useStore((s) => s.height)
  const ref = useRef<HTMLCanvasElement>(null)
  const live = useLive((s) => s.links)
  const watched = useLive((s) => s.watched)
  const selectedLinks = useUi((s) => s.selectedLinks)
  const selectedNodes = useUi((s) => s.selectedNodes)
  const hoverDomains = useUi((s) => s.hoverDomains)
  const strokes = useMemo(
    () =>
      strokeGroups(
        scene.links,
        (d) => live[liveLinkId({ watched }, d.linkKey, d.linkId)]?.state ?? 'unknown',
        new Set(selectedLinks),
      ),
    [scene.links, live, watched, selectedLinks],
  )
  const lit = useMemo(
    () =>
      new Set(
        hoverDomains.length === 0
          ? []
          : scene.nodes.filter((n) => n.domains.some((d) => hoverDomains.includes(d))).map((n) => n.name),
      ),
    [hoverDomains, scene.nodes],
  )
  const ratio = window.devicePixelRatio || 1
  // Drawn in the same frame as the view moved (a layout effect runs before the browser paints), with
  // a margin around the view: a pan that stays within it only slides the picture already drawn.
  const drawn = useRef<{ x: number; y: number; zoom: number; inputs: unknown[] } | null>(null)
  useLayoutEffect(() => {
    const canvas = ref.current
    const ctx = canvas?.getContext('2d')
    if (!canvas || !ctx) return
    const inputs = [scene, strokes, selectedNodes, lit, width, height, ratio]
    const last = drawn.current
    if (
      last &&
      last.zoom === zoom &&
      Math.abs(x - last.x) < MARGIN &&
      Math.abs(y - last.y) < MARGIN &&
      inputs.every((input, i) => input === last.inputs[i])
    ) {
      canvas.style.transform = `translate(${x - last.x}px, ${y - last.y}px)`
      return
    }
    const marks = { selected: new Set(selectedNodes), lit }
    draw(ctx, scene, strokes, { x: x + MARGIN, y: y + MARGIN, zoom }, ratio, marks)
    canvas.style.transform = ''
    drawn.current = { x, y, zoom, inputs }
  })
  return (
    <canvas
      ref={ref}
      className="overview"
      data-overview-nodes={scene.nodes.length}
      width={Math.round((width + 2 * MARGIN) * ratio)}
      height={Math.round((height + 2 * MARGIN) * ratio)}
      style={{ width: width + 2 * MARGIN, height: height + 2 * MARGIN, left: -MARGIN, top: -MARGIN }}
      aria-label={`the lab zoomed out: ${scene.nodes.length} nodes, ${scene.links.length} links`}
    />
  )
}

export const Overview = memo(OverviewView)

/** What a press, drag, click or context menu on a node of the overview does (Canvas.tsx). */
export interface OverviewHandlers {
  /** The nodes moved so far in this drag, where they are now. */
  drag(moved: Readonly<Record<string, Point>>): void
  dragEnd(moved: Readonly<Record<string, Point>>): void
  click(node: string, shift: boolean): void
  menu(node: string, at: { x: number; y: number }): void
  hover(node: string | null): void
}

/** A press that moves less than this (screen pixels) is a click. */
const CLICK_DISTANCE = 3

/**
 * The overview's pointer handling, on React Flow's root in the capture phase: a press on a node
 * is taken before the pane's pan sees it; one elsewhere is left to the pane (panning, wheel zoom).
 */
export function useOverviewPointer(
  active: boolean,
  nodesRef: { readonly current: readonly OverviewNode[] },
  handlers: { readonly current: OverviewHandlers },
) {
  const root = useStore((s) => s.domNode)
  // Read when the mouse acts, not subscribed to: the canvas would re-render on every pan frame.
  const store = useStoreApi()
  useEffect(() => {
    const view = () => store.getState().transform
    if (!active || !root) return
    const pane = root.querySelector<HTMLElement>('.react-flow__pane')
    const local = (e: MouseEvent) => {
      const r = root.getBoundingClientRect()
      const [x, y, zoom] = view()
      return toCanvas({ x: e.clientX - r.left, y: e.clientY - r.top }, { x, y, zoom })
    }
    const onPane = (e: MouseEvent) =>
      e.target instanceof Element && e.target.closest('.react-flow__pane') !== null
    let pressedNode = false
    let hovered: string | null = null
    const onDown = (e: MouseEvent) => {
      pressedNode = false
      if (e.button !== 0 || !onPane(e)) return
      const name = nodeAt(nodesRef.current, local(e))
      if (name === null) return
      pressedNode = true
      e.stopPropagation()
      e.preventDefault()
      const selected = useUi.getState().selectedNodes
      const moving = selected.includes(name) ? selected : [name]
      const from = new Map(
        nodesRef.current
          .filter((n) => moving.includes(n.name))
          .map((n) => [n.name, { x: n.box.x, y: n.box.y }]),
      )
      const [, , zoom] = view()
      let moved: Record<string, Point> | null = null
      const onMove = (m: MouseEvent) => {
        const dx = m.clientX - e.clientX
        const dy = m.clientY - e.clientY
        if (moved === null && Math.hypot(dx, dy) < CLICK_DISTANCE) return
        moved = {}
        for (const [n, p] of from) moved[n] = { x: p.x + dx / zoom, y: p.y + dy / zoom }
        handlers.current.drag(moved)
      }
      const onUp = (u: MouseEvent) => {
        window.removeEventListener('mousemove', onMove)
        window.removeEventListener('mouseup', onUp)
        if (moved) handlers.current.dragEnd(moved)
        else handlers.current.click(name, u.shiftKey)
      }
      window.addEventListener('mousemove', onMove)
      window.addEventListener('mouseup', onUp)
    }
    // The click that ends a press on a node is not the pane's (which clears the selection).
    const onClick = (e: MouseEvent) => {
      if (pressedNode) e.stopPropagation()
      pressedNode = false
    }
    const onMenu = (e: MouseEvent) => {
      if (!onPane(e)) return
      const name = nodeAt(nodesRef.current, local(e))
      if (name === null) return
      e.stopPropagation()
      e.preventDefault()
      handlers.current.menu(name, { x: e.clientX, y: e.clientY })
    }
    const onHover = (e: MouseEvent) => {
      if (e.buttons !== 0) return
      const name = onPane(e) ? nodeAt(nodesRef.current, local(e)) : null
      if (name === hovered) return
      hovered = name
      if (pane) pane.style.cursor = name === null ? '' : 'move'
      handlers.current.hover(name)
    }
    root.addEventListener('mousedown', onDown, true)
    root.addEventListener('click', onClick, true)
    root.addEventListener('contextmenu', onMenu, true)
    root.addEventListener('mousemove', onHover)
    return () => {
      root.removeEventListener('mousedown', onDown, true)
      root.removeEventListener('click', onClick, true)
      root.removeEventListener('contextmenu', onMenu, true)
      root.removeEventListener('mousemove', onHover)
      if (pane) pane.style.cursor = ''
      if (hovered !== null) handlers.current.hover(null)
    }
  }, [active, root, nodesRef, handlers, store])
}
