// Where things sit on the canvas, computed rather than measured so that the layout, the drawing and
// the tests agree: node sizes, which side of a node each link leaves from (ports spread along that
// side in the order of the nodes they lead to, so links at a bridge never cross), and where a link's
// labels go — its interface name and address at the guest end, its VLAN chip at the bridge end.
import { guestIfname } from '../lab/normalize.ts'
import { isGuestPair, type Lab, type LabLink, type LabNode, type NodeKind } from '../lab/schema.ts'

export type Point = { x: number; y: number }
export type Box = { x: number; y: number; width: number; height: number }
type Side = 'top' | 'bottom' | 'left' | 'right'

/** Room for one port (and its VLAN chip) along a bridge's lower edge. */
export const PORT_PITCH = 34
const GUEST = { width: 108, height: 44 }
const BRIDGE = { width: 124, height: 44 }

/** A node's size: bridges grow with their ports, so that each port's chip has room of its own. */
export function nodeSize(kind: NodeKind, ports: number): { width: number; height: number } {
  if (kind === 'ovs-bridge' || kind === 'linux-bridge')
    return { width: Math.max(BRIDGE.width, ports * PORT_PITCH), height: BRIDGE.height }
  return GUEST
}

/** Label text is drawn at 12px in the system UI font; this errs on the wide side. */
export const textWidth = (text: string): number => Math.ceil(text.length * 6.7) + 12
/** A label of `lines` lines of text (at least one line's height: chips). */
export const labelHeight = (lines: number): number => Math.max(1, lines) * 15 + 4

export interface LinkShape {
  readonly id: string
  /** The guest end first for a guest link; a wire's ends in file order. */
  readonly ends: readonly [string, string]
  readonly guestLink: boolean
  /** Size of the label at the guest end (guest links) or in the middle (wires). */
  readonly label: { width: number; height: number }
  /** Size of the chip at the bridge end of a guest link, if it has one. */
  readonly chip: { width: number; height: number } | null
  /** Room kept between the guest and its label for the domain halos drawn around the guest. */
  readonly halo?: number
}

export interface LinkGeometry {
  readonly from: Point
  readonly to: Point
  /** Centre of the main label. */
  readonly label: Point
  /** Centre of the bridge-end chip. */
  readonly chip: Point | null
}

const centre = (b: Box): Point => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 })

/** The side of `box` that faces `other`: guest links leave from the top or bottom unless level. */
function facingSide(box: Box, other: Box, preferVertical: boolean): Side {
  const a = centre(box)
  const b = centre(other)
  const dx = b.x - a.x
  const dy = b.y - a.y
  const vertical = preferVertical
    ? Math.abs(dy) > (box.height + other.height) / 2
    : Math.abs(dy) * (box.width + other.width) >= Math.abs(dx) * (box.height + other.height)
  if (vertical) return dy >= 0 ? 'bottom' : 'top'
  return dx >= 0 ? 'right' : 'left'
}

/** How far from a box's centre its edge is, along the unit direction `u`. */
function reach(size: { width: number; height: number }, u: Point): number {
  const along = [Math.abs(u.x) > 1e-6 ? size.width / 2 / Math.abs(u.x) : Infinity]
  along.push(Math.abs(u.y) > 1e-6 ? size.height / 2 / Math.abs(u.y) : Infinity)
  return Math.min(...along)
}

const GAP = 4

/** Every link's end points and label places, from the nodes' boxes. */
export function linkGeometry(
  boxes: ReadonlyMap<string, Box>,
  links: readonly LinkShape[],
  index: () => BoxIndex = () => new BoxGrid(boxes),
): Map<string, LinkGeometry> {
  // Ports: per node and side, the links leaving there, ordered along the side by where they lead.
  const ports = new Map<string, { link: number; end: 0 | 1; towards: number }[]>()
  const sideOf = new Map<string, Side>()
  links.forEach((link, i) => {
    const [a, b] = link.ends
    const boxA = boxes.get(a)
    const boxB = boxes.get(b)
    if (!boxA || !boxB) return
    for (const end of [0, 1] as const) {
      const [self, other] = end === 0 ? [boxA, boxB] : [boxB, boxA]
      const side = facingSide(self, other, link.guestLink)
      sideOf.set(`${i}/${end}`, side)
      const key = `${link.ends[end]}/${side}`
      const towards = side === 'top' || side === 'bottom' ? centre(other).x : centre(other).y
      ports.set(key, [...(ports.get(key) ?? []), { link: i, end, towards }])
    }
  })
  const at = new Map<string, Point>()
  // Several labels at one guest's side: the k-th sits k label heights further out.
  const stack = new Map<string, number>()
  for (const [key, list] of ports) {
    const node = key.slice(0, key.lastIndexOf('/'))
    const side = key.slice(key.lastIndexOf('/') + 1) as Side
    const box = boxes.get(node)!
    list.sort((p, q) => p.towards - q.towards || p.link - q.link)
    list.forEach((p, k) => {
      const t = (k + 0.5) / list.length
      const point =
        side === 'top' || side === 'bottom'
          ? { x: box.x + box.width * t, y: side === 'top' ? box.y : box.y + box.height }
          : { x: side === 'left' ? box.x : box.x + box.width, y: box.y + box.height * t }
      at.set(`${p.link}/${p.end}`, point)
      stack.set(`${p.link}/${p.end}`, k)
    })
  }
  // Nodes, then each label as it is placed: a label goes to the first of its places that is clear
  // of both (a hand-drawn lab puts guests anywhere; the laid-out one leaves room at the first).
  const grid = index()
  const place = (name: string, size: { width: number; height: number }, places: Point[]): Point => {
    // The first clear place; when none is, the one that covers least.
    let chosen = places[0]!
    let least = Infinity
    for (const p of places) {
      const covered = grid.covered(boxAround(p, size, 1))
      if (covered < least) [chosen, least] = [p, covered]
      if (covered === 0) break
    }
    grid.add(name, boxAround(chosen, size, 0))
    return chosen
  }
  const ends = links.map((_, i) => {
    const from = at.get(`${i}/0`)
    const to = at.get(`${i}/1`)
    if (!from || !to) return null
    const length = Math.hypot(to.x - from.x, to.y - from.y) || 1
    return { from, to, u: { x: (to.x - from.x) / length, y: (to.y - from.y) / length } }
  })
  const out = new Map<string, LinkGeometry>()
  // Wires' chips first (they need the middle of a long line), then the chips at bridges' ports,
  // then the interface labels at guests.
  links.forEach((link, i) => {
    const e = ends[i]
    if (!e || link.guestLink) return
    const label = wireLabelPlace(e.from, e.to, link, grid)
    grid.add(`wire ${link.id}`, boxAround(label, link.label, 0))
    out.set(link.id, { from: e.from, to: e.to, label, chip: null })
  })
  const chips = new Map<string, Point | null>()
  links.forEach((link, i) => {
    const e = ends[i]
    if (!e || !link.guestLink) return
    if (!link.chip) {
      chips.set(link.id, null)
      return
    }
    const size = link.chip
    const d = GAP + reach(size, e.u)
    // On its link just off the port; else straight out from the port's side, a row further each try.
    const n = NORMAL[sideOf.get(`${i}/1`) ?? 'bottom']
    const out1 = GAP + reach(size, n)
    const step = Math.abs(n.y) > 0 ? size.height + GAP : size.width + GAP
    const places = [{ x: e.to.x - e.u.x * d, y: e.to.y - e.u.y * d }]
    // (each row also half a chip to either side along the side, past a neighbour's chip)
    const along = { x: Math.abs(n.y) * (size.width / 2 + GAP), y: Math.abs(n.x) * (size.height / 2 + GAP) }
    for (let j = 0; j < 3; j++) {
      const o = { x: e.to.x + n.x * (out1 + j * step), y: e.to.y + n.y * (out1 + j * step) }
      places.push(o, { x: o.x + along.x, y: o.y + along.y }, { x: o.x - along.x, y: o.y - along.y })
    }
    chips.set(link.id, place(`chip ${link.id}`, size, places))
  })
  links.forEach((link, i) => {
    const e = ends[i]
    if (!e || !link.guestLink) return
    const { from, to, u } = e
    const k = stack.get(`${i}/0`) ?? 0
    const pitch = (link.label.height + GAP) / Math.max(Math.abs(u.y), 0.35)
    const out0 = GAP + reach(link.label, u) + k * pitch
    // Lifted straight off the guest past its halos first, so that neighbours' labels stay as far
    // apart as without them.
    const n = NORMAL[sideOf.get(`${i}/0`) ?? 'top']
    const halo = link.halo ?? 0
    // Along its link from the guest's port, further out each try; else on the guest's far side (a
    // guest right under its bridge leaves no room between them); else straight out from the side.
    const along = (j: number) => ({
      x: from.x + n.x * halo + u.x * (out0 + j * pitch),
      y: from.y + n.y * halo + u.y * (out0 + j * pitch),
    })
    const places: Point[] = [along(0)]
    const guest = boxes.get(link.ends[0])!
    const across = Math.abs(n.y) * guest.height + Math.abs(n.x) * guest.width
    const out1 = GAP + halo + reach(link.label, n)
    for (let j = 0; j < 2; j++) {
      const o = out1 + across + j * (link.label.height + GAP)
      places.push({ x: from.x - n.x * o, y: from.y - n.y * o })
    }
    places.push(along(1), along(2))
    for (let j = 0; j < 4; j++) {
      const o = out1 + j * (link.label.height + GAP)
      places.push({ x: from.x + n.x * o, y: from.y + n.y * o })
    }
    const label = place(`label ${link.id}`, link.label, places)
    out.set(link.id, { from, to, label, chip: chips.get(link.id) ?? null })
  })
  return out
}

const NORMAL: Record<Side, Point> = {
  top: { x: 0, y: -1 },
  bottom: { x: 0, y: 1 },
  left: { x: -1, y: 0 },
  right: { x: 1, y: 0 },
}

const boxAround = (p: Point, size: { width: number; height: number }, margin: number): Box => ({
  x: p.x - size.width / 2 - margin,
  y: p.y - size.height / 2 - margin,
  width: size.width + 2 * margin,
  height: size.height + 2 * margin,
})

/**
 * Where a wire's chips go: its middle, unless a node sits there (a wire passing a bridge it does
 * not join), then the nearest point along it that is clear, so no chip ever covers a node.
 */
function wireLabelPlace(from: Point, to: Point, link: LinkShape, grid: BoxIndex): Point {
  const at = (t: number) => ({ x: from.x + (to.x - from.x) * t, y: from.y + (to.y - from.y) * t })
  const { width, height } = link.label
  for (const t of [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.15, 0.85]) {
    const p = at(t)
    const box = {
      x: p.x - width / 2 - GAP,
      y: p.y - height / 2 - GAP,
      width: width + 2 * GAP,
      height: height + 2 * GAP,
    }
    if (!grid.some(box, () => true)) return p
  }
  return at(0.5)
}

/** How many guest links end at each bridge: its width follows. */
export function portCounts(links: readonly LinkShape[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const link of links) if (link.guestLink) counts.set(link.ends[1], (counts.get(link.ends[1]) ?? 0) + 1)
  return counts
}

export const overlaps = (a: Box, b: Box, margin = 0): boolean =>
  a.x < b.x + b.width + margin &&
  b.x < a.x + a.width + margin &&
  a.y < b.y + b.height + margin &&
  b.y < a.y + a.height + margin

/**
 * The nodes' boxes bucketed in a coarse grid, so that "does this area cover a node" looks at the
 * nodes near it, not at all of them (a drag recomputes every halo and wire label).
 */
/** Boxes that can be asked what of an area they cover, and be added to (labels as they are placed). */
export interface BoxIndex {
  covered(area: Box): number
  some(area: Box, which: (name: string) => boolean): boolean
  add(name: string, box: Box): void
}

/** A box in the grid, with the last query that counted it (a box spans several cells). */
type GridEntry = { readonly name: string; readonly box: Box; seen: number }

/**
 * Boxes indexed by the square cells they touch, for asking what lies in an area. Cells are keyed by
 * number and queries mark what they counted rather than keeping a set: placing the labels of a
 * 1,500-link lab asks some 10,000 times, and the strings and sets were most of its time.
 */
export class BoxGrid implements BoxIndex {
  private readonly cells = new Map<number, GridEntry[]>()
  private query = 0
  constructor(
    boxes: ReadonlyMap<string, Box>,
    private readonly size = 320,
  ) {
    for (const [name, box] of boxes) this.add(name, box)
  }
  /** The cells `b` touches, each as its key, to `visit` until it returns true. */
  private cellsOf(b: Box, visit: (cell: GridEntry[] | undefined, key: number) => boolean | undefined): void {
    const x1 = Math.floor((b.x + b.width) / this.size)
    const y0 = Math.floor(b.y / this.size)
    const y1 = Math.floor((b.y + b.height) / this.size)
    for (let cx = Math.floor(b.x / this.size); cx <= x1; cx++)
      for (let cy = y0; cy <= y1; cy++) {
        // Cells within ±2^20 of the origin (hundreds of millions of canvas units) have keys of their own.
        const key = (cx + 0x100000) * 0x200000 + (cy + 0x100000)
        if (visit(this.cells.get(key), key)) return
      }
  }
  /** Adds a box: a label placed, which later labels keep clear of. */
  add(name: string, box: Box): void {
    const entry: GridEntry = { name, box, seen: 0 }
    this.cellsOf(box, (cell, key) => {
      if (cell) cell.push(entry)
      else this.cells.set(key, [entry])
      return false
    })
  }
  /** How much of `area` the boxes cover (overlaps counted once per box); only those `which` takes. */
  covered(area: Box, which?: (name: string) => boolean): number {
    const query = ++this.query
    let sum = 0
    this.cellsOf(area, (cell) => {
      for (const entry of cell ?? []) {
        if (entry.seen === query) continue
        entry.seen = query
        const { box } = entry
        if (!overlaps(area, box) || (which && !which(entry.name))) continue
        const w = Math.min(area.x + area.width, box.x + box.width) - Math.max(area.x, box.x)
        const h = Math.min(area.y + area.height, box.y + box.height) - Math.max(area.y, box.y)
        sum += w * h
      }
      return false
    })
    return sum
  }
  /** Whether a box for which `which` holds overlaps `area`. */
  some(area: Box, which: (name: string) => boolean): boolean {
    let found = false
    this.cellsOf(area, (cell) => {
      for (const entry of cell ?? [])
        if (overlaps(area, entry.box) && which(entry.name)) {
          found = true
          return true
        }
      return false
    })
    return found
  }
}

/**
 * A grid of boxes with some of them moved: what a drag frame asks about, without indexing every
 * box of the lab again (`base` is the grid at rest, never added to; labels go to the moved part).
 */
export class MovedGrid implements BoxIndex {
  private readonly now: BoxGrid
  private readonly kept: (name: string) => boolean
  constructor(
    private readonly base: BoxGrid,
    moved: ReadonlyMap<string, Box>,
  ) {
    this.now = new BoxGrid(moved)
    this.kept = (name) => !moved.has(name)
  }
  covered(area: Box): number {
    return this.base.covered(area, this.kept) + this.now.covered(area)
  }
  some(area: Box, which: (name: string) => boolean): boolean {
    return this.base.some(area, (n) => this.kept(n) && which(n)) || this.now.some(area, which)
  }
  add(name: string, box: Box): void {
    this.now.add(name, box)
  }
}

/** The line under a node's name: a NIC's interface, a container's image, a bridge's address. */
export function nodeDetail(node: LabNode): string {
  if (node.kind === 'uplink') return node.interface ?? node.mac ?? ''
  if (node.kind === 'container') return node.image ?? 'existing'
  return 'ip' in node && node.ip ? [node.ip].flat().join(' ') : ''
}

/** A guest link's interface name and addresses, one a line; a tunnel's VNI; nothing for a plain wire. */
export function labelLines(link: LabLink, pair = false): string[] {
  if ('guest' in link) return [guestIfname(link), ...[link.ip ?? []].flat()]
  // A veth between two guests (`pair`): its two interfaces, then each end's addresses.
  if (pair)
    return [...(link.ifnames ? [`${link.ifnames[0]} ↔ ${link.ifnames[1]}`] : []), ...(link.ips ?? []).flat()]
  return link.via === 'vxlan' ? [`vxlan ${link.vni ?? ''}`.trim()] : []
}

export const CHIP_HEIGHT = 16
export const chipWidth = (vlan: number): number => String(vlan).length * 8 + 12

/** The chips of a wire: trunk VLANs, native VLAN(s), access VLAN. */
function chipsWidth(link: LabLink): number {
  if ('guest' in link) return 0
  const vlans = [...(link.trunk ?? []), ...[link.native ?? []].flat(), ...(link.vlan ? [link.vlan] : [])]
  return vlans.reduce((w, v) => w + chipWidth(v) + 4, 0)
}

/** The size of a link's main label (at the guest end, or a wire's in the middle). */
export function labelSize(link: LabLink, pair = false): { width: number; height: number } {
  const lines = labelLines(link, pair)
  return { width: Math.max(0, ...lines.map(textWidth)) + chipsWidth(link), height: labelHeight(lines.length) }
}

/** Every node's size in a lab: bridges by their number of guest links, all by their text. */
export function labNodeSizes(
  lab: Pick<Lab, 'nodes' | 'links'>,
): Map<string, { width: number; height: number }> {
  const ports = new Map<string, number>()
  for (const link of lab.links ?? []) if ('guest' in link) ports.set(link.to, (ports.get(link.to) ?? 0) + 1)
  return new Map(
    Object.entries(lab.nodes).map(([name, node]) => {
      const size = nodeSize(node.kind, ports.get(name) ?? 0)
      // Icon and padding beside the text; names and details wider than that widen the card, up to a point.
      const text = Math.max(textWidth(name) * 1.1, textWidth(nodeDetail(node)) * 0.9) + 44
      return [name, { ...size, width: Math.round(Math.max(size.width, Math.min(text, 200))) }]
    }),
  )
}

/** Where the i-th node without a position waits until the lab is laid out: a plain grid. */
export const waitingSpot = (i: number): Point => ({ x: 60 + (i % 6) * 170, y: 60 + Math.floor(i / 6) * 140 })

/**
 * What linkGeometry places of each link: its ends, label and chip sizes, and the room its guest's
 * halos take (the canvas and the exported picture draw from the same shapes).
 */
export function linkShapes(
  lab: Pick<Lab, 'nodes' | 'links'>,
  ids: readonly string[],
  halo: number,
): LinkShape[] {
  return (lab.links ?? []).map((link, i) => {
    const guestLink = 'guest' in link
    return {
      id: ids[i]!,
      ends: guestLink ? [link.guest, link.to] : link.between,
      guestLink,
      label: labelSize(link, isGuestPair(lab, link)),
      chip:
        guestLink && link.vlan !== undefined ? { width: chipWidth(link.vlan), height: CHIP_HEIGHT } : null,
      halo,
    }
  })
}
