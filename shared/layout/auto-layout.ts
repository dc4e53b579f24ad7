// Auto-layout with ELK's layered algorithm, the way network diagrams are drawn: each simulated host
// a group (an ELK compound node) laid out on its own with uplinks above bridges above guests, the
// groups side by side in a row ordered so that hosts joined by wires are neighbours (their bridges
// sit at the tops of the frames, so the wires between them stay short), and within a bridge's guests
// those of one VLAN next to each other. Nodes the caller keeps stay where they are.
import { nodeHost } from '../lab/normalize.ts'
import type { Lab } from '../lab/schema.ts'
import { type Box, labelSize, labNodeSizes, overlaps } from './geometry.ts'

type ElkNode = {
  id: string
  width?: number
  height?: number
  x?: number
  y?: number
  children?: ElkNode[]
  edges?: { id: string; sources: string[]; targets: string[] }[]
  layoutOptions?: Record<string, string>
}
type ElkCtor = new () => { layout(graph: ElkNode): Promise<ElkNode> }

/** ELK is big: loaded the first time a layout is asked for (in the editor: in its worker, layout-thread.ts). */
async function loadElk() {
  const module = (await import('elkjs/lib/elk.bundled.js')) as unknown as {
    default: ElkCtor | { default: ElkCtor }
  }
  // elk.bundled.js is CommonJS: depending on the bundler its constructor is the default or under it.
  const Elk = 'default' in module.default ? module.default.default : module.default
  return new Elk()
}
let elk: Promise<InstanceType<ElkCtor>> | null = null

/** Room inside a host frame around its nodes; the frame drawn on the canvas uses the same. */
export const FRAME_PAD = { top: 38, side: 14, bottom: 16 }
/** Between layers: room for a guest's label above it and a VLAN chip below its bridge. */
const LAYER_GAP = 100
const NODE_GAP = 12
const HOST_GAP = 32

const RANK: Record<string, number> = { uplink: 0, 'ovs-bridge': 1, 'linux-bridge': 1, container: 2, netns: 2 }

/** Hosts in a row where each is next to the one it shares the most wires with. */
function hostOrder(lab: Lab, hosts: readonly string[]): string[] {
  const weight = new Map<string, number>()
  const hostOf = (n: string) => nodeHost(lab.nodes[n] ?? {})
  for (const link of lab.links ?? []) {
    const [a, b] = 'guest' in link ? [link.guest, link.to] : link.between
    const [ha, hb] = [hostOf(a), hostOf(b)]
    if (ha !== hb)
      for (const key of [`${ha}>${hb}`, `${hb}>${ha}`]) weight.set(key, (weight.get(key) ?? 0) + 1)
  }
  const degree = (h: string) => hosts.reduce((sum, o) => sum + (weight.get(`${h}>${o}`) ?? 0), 0)
  const left = [...hosts]
  const row: string[] = []
  while (left.length > 0) {
    const last = row.at(-1)
    // Start a chain at its least-connected end; extend it by the strongest tie to its last host.
    const pick =
      last === undefined
        ? left.reduce((best, h) => (degree(h) < degree(best) ? h : best))
        : left.reduce((best, h) =>
            (weight.get(`${last}>${h}`) ?? 0) > (weight.get(`${last}>${best}`) ?? 0) ? h : best,
          )
    if (last !== undefined && (weight.get(`${last}>${pick}`) ?? 0) === 0 && row.length > 0) {
      // No tie to the last one: start the next chain at its own least-connected end.
      const start = left.reduce((best, h) => (degree(h) < degree(best) ? h : best))
      row.push(start)
      left.splice(left.indexOf(start), 1)
      continue
    }
    row.push(pick)
    left.splice(left.indexOf(pick), 1)
  }
  return row
}

/**
 * The host every wire between hosts touches, when it joins two or more others (a spine, a core):
 * drawn above them, its bridges at the foot of its frame, so that the wires to the hosts below run
 * down through the gap between the frames and cross no node. Null for a chain or no such host.
 */
function hubHost(lab: Lab): string | null {
  const hostOf = (n: string) => nodeHost(lab.nodes[n] ?? {})
  const across: [string, string][] = []
  for (const link of lab.links ?? []) {
    if ('guest' in link) continue
    const [a, b] = link.between.map(hostOf) as [string, string]
    if (a !== b) across.push([a, b])
  }
  const candidates = new Set(across.flat())
  for (const h of candidates) {
    const touches = across.every(([a, b]) => a === h || b === h)
    const others = new Set(across.flat().filter((o) => o !== h))
    if (touches && others.size >= 2) return h
  }
  return null
}

/** Between frames side by side: room for the chips of the widest wire between two hosts. */
function rowGap(lab: Lab): number {
  let gap = HOST_GAP
  for (const link of lab.links ?? []) {
    if ('guest' in link) continue
    const [a, b] = link.between.map((n) => nodeHost(lab.nodes[n] ?? {}))
    if (a !== b) gap = Math.max(gap, labelSize(link).width + 24)
  }
  return gap
}

/** Between the hub's frame and the row of frames below it: room for the wires' VLAN chips. */
const HUB_GAP = 72

/** Moves the hub's frame above the row of the other hosts' frames, centred over it. */
function hubAbove(groups: ElkNode[], hub: string): void {
  const top = groups.find((g) => g.id === hub)
  if (!top) return
  const row = groups.filter((g) => g !== top)
  const left = Math.min(...groups.map((g) => g.x ?? 0))
  const y0 = Math.min(...groups.map((g) => g.y ?? 0))
  let x = left
  for (const g of row) {
    g.x = x
    g.y = y0 + (top.height ?? 0) + HUB_GAP
    x += (g.width ?? 0) + HOST_GAP
  }
  const width = x - HOST_GAP - left
  top.x = left + Math.max(0, (width - (top.width ?? 0)) / 2)
  top.y = y0
}

export interface LayoutOptions {
  /** Nodes that stay where they are (the user placed them); the others are laid out around them. */
  readonly keep?: ReadonlySet<string>
}

export async function autoLayout(lab: Lab, options: LayoutOptions = {}): Promise<Lab> {
  const sizes = labNodeSizes(lab)
  // Guests ordered by their first bridge and VLAN: ELK keeps this order where it can.
  const firstLink = new Map<string, string>()
  for (const link of lab.links ?? [])
    if ('guest' in link && !firstLink.has(link.guest))
      firstLink.set(link.guest, `${link.to}/${String(link.vlan ?? 0).padStart(4, '0')}`)
  const names = Object.keys(lab.nodes).sort(
    (a, b) =>
      RANK[lab.nodes[a]!.kind]! - RANK[lab.nodes[b]!.kind]! ||
      (firstLink.get(a) ?? '').localeCompare(firstLink.get(b) ?? '') ||
      a.localeCompare(b),
  )
  const hub = hubHost(lab)
  const groups = new Map<string, ElkNode>()
  for (const host of [...Object.keys(lab.hosts ?? {}), ...names.map((n) => nodeHost(lab.nodes[n]!))]) {
    if (groups.has(host)) continue
    groups.set(host, {
      id: `host:${host}`,
      children: [],
      edges: [],
      layoutOptions: {
        'elk.algorithm': 'layered',
        // The hub's bridges at the foot of its frame, facing the hosts below it.
        'elk.direction': host === hub ? 'UP' : 'DOWN',
        'elk.padding': `[top=${FRAME_PAD.top},left=${FRAME_PAD.side},bottom=${FRAME_PAD.bottom},right=${FRAME_PAD.side}]`,
        'elk.spacing.nodeNode': String(NODE_GAP),
        'elk.layered.spacing.nodeNodeBetweenLayers': String(LAYER_GAP),
        'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
        'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
        'elk.layered.nodePlacement.bk.fixedAlignment': 'BALANCED',
      },
    })
  }
  // A guest's slot is as wide as the widest label above it, so that neighbours' labels never meet.
  const slot = new Map<string, number>()
  for (const link of lab.links ?? [])
    if ('guest' in link) slot.set(link.guest, Math.max(slot.get(link.guest) ?? 0, labelSize(link).width + 6))
  const slotWidth = (name: string) => Math.max(sizes.get(name)!.width, slot.get(name) ?? 0)
  const rows = guestRows(lab, names)
  const rowOf = new Map([...rows].flatMap(([bridge, guests]) => guests.map((g) => [g, bridge] as const)))
  const block = (bridge: string) => blockSize(sizes.get(bridge)!, rows.get(bridge) ?? [], slotWidth, sizes)
  for (const name of names) {
    if (rowOf.has(name)) continue
    const group = groups.get(nodeHost(lab.nodes[name]!))!
    const { width, height } = rows.has(name)
      ? block(name)
      : { width: slotWidth(name), height: sizes.get(name)!.height }
    group.children!.push({ id: name, width, height })
  }
  ;(lab.links ?? []).forEach((link, i) => {
    // Edges point down: an uplink above the bridge it feeds, a bridge above its guests.
    const [a, b] =
      'guest' in link
        ? [link.to, link.guest]
        : lab.nodes[link.between[1]]?.kind === 'uplink'
          ? [link.between[1], link.between[0]]
          : link.between
    const ha = nodeHost(lab.nodes[a] ?? {})
    if (!(a in lab.nodes) || !(b in lab.nodes) || ha !== nodeHost(lab.nodes[b]!)) return
    // A guest in a bridge's row is inside that bridge's block: its links are not ELK's to place.
    if (rowOf.has(a) || rowOf.has(b)) return
    groups.get(ha)!.edges!.push({ id: `e${i}`, sources: [a], targets: [b] })
  })
  const row = hostOrder(lab, [...groups.keys()]).map((h) => groups.get(h)!)
  elk ??= loadElk()
  const graph = await (await elk).layout({
    id: 'root',
    layoutOptions: {
      // No edges at this level: the groups form one layer, a row, in the order given.
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.spacing.nodeNode': String(rowGap(lab)),
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.crossingMinimization.forceNodeModelOrder': 'true',
      'elk.separateConnectedComponents': 'false',
      'elk.padding': '[top=20,left=20,bottom=20,right=20]',
    },
    children: row,
  })
  if (hub !== null) hubAbove(graph.children ?? [], `host:${hub}`)
  const placed: Record<string, { x: number; y: number }> = {}
  for (const group of graph.children ?? [])
    for (const child of group.children ?? []) {
      const x = (group.x ?? 0) + (child.x ?? 0)
      const y = (group.y ?? 0) + (child.y ?? 0)
      const guests = rows.get(child.id)
      const up = group.id === `host:${hub}`
      if (guests) Object.assign(placed, placeBlock(child.id, guests, { x, y }, slotWidth, sizes, up))
      else
        placed[child.id] = {
          x: Math.round(x + (slotWidth(child.id) - sizes.get(child.id)!.width) / 2),
          y: Math.round(y),
        }
    }
  return { ...lab, layout: keepPlaced(lab, placed, options.keep ?? new Set(), sizes) }
}

/**
 * The guests laid out in a row under a bridge, by bridge: a guest whose links all lead to bridges
 * of its own host (the usual case: one leg in one bridge) goes under the first of them, in the
 * order of `names` (by VLAN, then name). ELK then places each bridge with its row as one block: its
 * layered layout costs milliseconds a node, and a lab's bridges and uplinks are a tenth of its nodes.
 */
function guestRows(lab: Lab, names: readonly string[]): Map<string, string[]> {
  const legs = new Map<string, string[]>()
  const wired = new Set<string>()
  for (const link of lab.links ?? []) {
    if ('guest' in link) legs.set(link.guest, [...(legs.get(link.guest) ?? []), link.to])
    else for (const end of link.between) wired.add(end)
  }
  // A guest not linked yet (an exercise's start, a node just dropped) waits under its host's first
  // bridge, in the row its link will most likely join, not in a column of its own.
  const firstBridge = new Map<string, string>()
  for (const name of names)
    if (RANK[lab.nodes[name]!.kind] === 1 && !firstBridge.has(nodeHost(lab.nodes[name]!)))
      firstBridge.set(nodeHost(lab.nodes[name]!), name)
  const rows = new Map<string, string[]>()
  for (const name of names) {
    const node = lab.nodes[name]!
    const bridge = firstBridge.get(nodeHost(node))
    const to = legs.get(name) ?? (bridge !== undefined && !wired.has(name) ? [bridge] : undefined)
    if (RANK[node.kind] !== 2 || !to || wired.has(name)) continue
    const sameHostBridges = to.every(
      (b) => RANK[lab.nodes[b]?.kind ?? ''] === 1 && nodeHost(lab.nodes[b]!) === nodeHost(node),
    )
    if (sameHostBridges) rows.set(to[0]!, [...(rows.get(to[0]!) ?? []), name])
  }
  return rows
}

type Size = { width: number; height: number }

/** A bridge with its row of guests below it, LAYER_GAP apart: the room their labels and chips need. */
function blockSize(
  bridge: Size,
  guests: readonly string[],
  slotWidth: (name: string) => number,
  sizes: ReadonlyMap<string, Size>,
): Size {
  const row = guests.reduce((w, g) => w + slotWidth(g), 0) + NODE_GAP * (guests.length - 1)
  const tallest = Math.max(...guests.map((g) => sizes.get(g)!.height))
  return { width: Math.max(bridge.width, row), height: bridge.height + LAYER_GAP + tallest }
}

/** Where a block's bridge (centred on top) and its guests (each centred in its slot) go. */
function placeBlock(
  bridge: string,
  guests: readonly string[],
  at: { x: number; y: number },
  slotWidth: (name: string) => number,
  sizes: ReadonlyMap<string, Size>,
  up = false,
): Record<string, { x: number; y: number }> {
  const own = sizes.get(bridge)!
  const { width } = blockSize(own, guests, slotWidth, sizes)
  // Upside down (the hub host's blocks): the guests on top, their bridge below them.
  const tallest = Math.max(...guests.map((g) => sizes.get(g)!.height))
  const out: Record<string, { x: number; y: number }> = {
    [bridge]: {
      x: Math.round(at.x + (width - own.width) / 2),
      y: Math.round(up ? at.y + tallest + LAYER_GAP : at.y),
    },
  }
  const row = guests.reduce((w, g) => w + slotWidth(g), 0) + NODE_GAP * (guests.length - 1)
  let x = at.x + (width - row) / 2
  for (const g of guests) {
    out[g] = {
      x: Math.round(x + (slotWidth(g) - sizes.get(g)!.width) / 2),
      y: Math.round(up ? at.y + tallest - sizes.get(g)!.height : at.y + own.height + LAYER_GAP),
    }
    x += slotWidth(g) + NODE_GAP
  }
  return out
}

/**
 * Kept nodes stay; the others take ELK's places. When most nodes are kept (new nodes in a lab laid
 * out by hand), ELK's picture is first shifted so that the kept nodes' ELK places line up with where
 * they really are; when few are (one node dragged out of a laid-out lab), it is not, or the rest
 * would follow that one node. A free node that would overlap a kept one moves down past it.
 */
function keepPlaced(
  lab: Lab,
  placed: Record<string, { x: number; y: number }>,
  keep: ReadonlySet<string>,
  sizes: ReadonlyMap<string, { width: number; height: number }>,
): NonNullable<Lab['layout']> {
  const kept = Object.keys(lab.nodes).filter((n) => keep.has(n) && lab.layout?.[n])
  // Hosts keep their layout entries (an empty host's frame is drawn there).
  const layout: NonNullable<Lab['layout']> = Object.fromEntries(
    Object.entries(lab.layout ?? {}).filter(([n]) => !(n in lab.nodes)),
  )
  if (kept.length === 0) return { ...layout, ...placed }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!
  const shift =
    kept.length * 2 > Object.keys(lab.nodes).length
      ? {
          x: median(kept.map((n) => lab.layout![n]!.x - placed[n]!.x)),
          y: median(kept.map((n) => lab.layout![n]!.y - placed[n]!.y)),
        }
      : { x: 0, y: 0 }
  const taken: Box[] = kept.map((n) => ({ ...lab.layout![n]!, ...sizes.get(n)! }))
  for (const n of kept) layout[n] = lab.layout![n]!
  for (const [n, at] of Object.entries(placed)) {
    if (keep.has(n) && lab.layout?.[n]) continue
    const box: Box = { x: Math.round(at.x + shift.x), y: Math.round(at.y + shift.y), ...sizes.get(n)! }
    for (let guard = 0; guard < 1000; guard++) {
      const hit = taken.find((t) => overlaps(t, box, NODE_GAP / 2))
      if (!hit) break
      box.y = hit.y + hit.height + NODE_GAP
    }
    taken.push(box)
    layout[n] = { x: box.x, y: box.y }
  }
  return layout
}
