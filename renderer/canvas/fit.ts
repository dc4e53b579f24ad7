// Fitting the view to the lab: everything drawn (nodes, host frames, halos, and the labels and chips
// that stick out of node boxes) in the part of the canvas no overlay covers (the legend, the zoom
// controls, the minimap), as big as that allows but never so small that labels cannot be read. A
// lab too big for that is shown from its top-left corner at the smallest legible zoom, to scroll.
import type { Box } from '../../shared/layout/geometry.ts'

/** Labels are 11-12px: below this zoom they are under 9px on screen. */
export const MIN_FIT_ZOOM = 0.78
/** A small lab is not blown up past this. */
export const MAX_FIT_ZOOM = 1.25
/** Screen pixels kept clear around the lab. */
const MARGIN = 16

export type Viewport = { x: number; y: number; zoom: number }

/** The box around all of `boxes` (null for none). */
export function union(boxes: Iterable<Box>): Box | null {
  let x0 = Infinity
  let y0 = Infinity
  let x1 = -Infinity
  let y1 = -Infinity
  for (const b of boxes) {
    x0 = Math.min(x0, b.x)
    y0 = Math.min(y0, b.y)
    x1 = Math.max(x1, b.x + b.width)
    y1 = Math.max(y1, b.y + b.height)
  }
  return x0 === Infinity ? null : { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }
}

/** `content` (canvas units) in `area` (screen pixels of the canvas element), centred where it fits. */
function fitInto(content: Box, area: Box, least: number): Viewport {
  const zoom = Math.min(
    MAX_FIT_ZOOM,
    Math.max(
      least,
      Math.min((area.width - 2 * MARGIN) / content.width, (area.height - 2 * MARGIN) / content.height),
    ),
  )
  // Per axis: centred when it fits, else from its start (the rest is a scroll away).
  const offset = (start: number, extent: number, from: number, room: number) =>
    extent * zoom <= room - 2 * MARGIN
      ? from + (room - extent * zoom) / 2 - start * zoom
      : from + MARGIN - start * zoom
  return {
    x: offset(content.x, content.width, area.x, area.width),
    y: offset(content.y, content.height, area.y, area.height),
    zoom,
  }
}

const onScreen = (b: Box, v: Viewport): Box => ({
  x: b.x * v.zoom + v.x,
  y: b.y * v.zoom + v.y,
  width: b.width * v.zoom,
  height: b.height * v.zoom,
})

const meets = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height

/**
 * The viewport that shows `content` in a `view` of this size. `overlays` (screen boxes in the
 * canvas element, anchored at its bottom edge) are kept clear: the lab is fitted to the whole
 * canvas when it then misses them (a wide lab leaves room below it), else to the part above them.
 * `least`: the smallest zoom it may take (the whole lab in view at any size: the flow's least).
 */
export function fitViewport(
  content: Box,
  view: { width: number; height: number },
  overlays: readonly Box[] = [],
  least = MIN_FIT_ZOOM,
): Viewport {
  const whole = { x: 0, y: 0, width: view.width, height: view.height }
  const fitted = fitInto(content, whole, least)
  const shown = onScreen(content, fitted)
  if (!overlays.some((o) => meets(o, shown))) return fitted
  const top = Math.min(view.height, ...overlays.map((o) => o.y))
  return fitInto(content, { ...whole, height: Math.max(top, view.height / 2) }, least)
}

/** What the canvas draws, as boxes in canvas units. */
export interface Drawn {
  readonly nodes: ReadonlyMap<string, Box>
  /** Host frames and domain halos. */
  readonly around: readonly Box[]
  /** Each link's label and chip boxes, with the nodes it joins. */
  readonly labels: readonly { readonly ends: readonly string[]; readonly boxes: readonly Box[] }[]
}

/** The box around everything drawn, or around `only` these nodes and their links' labels. */
export function drawnBounds(drawn: Drawn, only: ReadonlySet<string> | null): Box | null {
  const nodes = [...drawn.nodes].filter(([name]) => only === null || only.has(name)).map(([, b]) => b)
  const labels = drawn.labels.filter((l) => only === null || l.ends.some((e) => only.has(e)))
  return union([...nodes, ...(only === null ? drawn.around : []), ...labels.flatMap((l) => l.boxes)])
}

/**
 * The screen boxes, in `canvas`'s pixels, of the overlays on it that a fitted lab keeps clear of
 * (the minimap not when the whole lab is in view: it then shows nothing the view does not).
 */
export function overlayBoxes(canvas: HTMLElement, map = true): Box[] {
  const frame = canvas.getBoundingClientRect()
  const overlays = `.canvas-legend, .react-flow__controls${map ? ', .canvas-minimap' : ''}`
  return [...canvas.querySelectorAll(overlays)].map((e) => {
    const r = e.getBoundingClientRect()
    return { x: r.x - frame.x, y: r.y - frame.y, width: r.width, height: r.height }
  })
}

/** Whether `box` (canvas units) and `room` around it are on screen, clear of the overlays. */
export function inView(box: Box, room: number, v: Viewport, canvas: HTMLElement): boolean {
  const grown = {
    x: box.x - room,
    y: box.y - room,
    width: box.width + 2 * room,
    height: box.height + 2 * room,
  }
  const s = onScreen(grown, v)
  const within =
    s.x >= 0 && s.y >= 0 && s.x + s.width <= canvas.clientWidth && s.y + s.height <= canvas.clientHeight
  return within && !overlayBoxes(canvas).some((o) => meets(o, s))
}
