// The broadcast-domain overlay: a soft halo in the domain's VLAN colour around its members, one
// hull around neighbours of one host when no other node sits between them. Two domains of one VLAN
// (a split: the VLAN does not reach across) keep the colour, are dashed and say so. Drawn as one SVG
// under the links and the nodes and over the host frames, so it pans and zooms with the lab.
import { memo } from 'react'
import { type Box, BoxGrid, type BoxIndex } from '../../shared/layout/geometry.ts'
import { UNTAGGED_COLOUR, vlanColour } from './vlan-colour.ts'

export interface DomainShape {
  readonly id: string
  readonly vlan: number | null
  readonly colour: string
  /** Another domain has the same VLAN. */
  readonly split: boolean
  /** Rounded rectangles, in canvas coordinates. */
  readonly hulls: readonly Box[]
}

const PAD = 7
const RING = 6

/** How far out from a node its halos reach when it is in `rings` domains, plus a little air. */
export const haloRoom = (rings: number): number => (rings > 0 ? PAD + RING * (rings - 1) + 4 : 0)

/**
 * Halo shapes for the domains, from the member nodes' boxes. `kept` (during a drag): the domains for
 * which it returns a shape keep that one, and only the others (those of the moved nodes) are shaped
 * again, as only the moved nodes' links are placed again; `index` then gives the boxes' grid without
 * indexing them all again (geometry.ts MovedGrid).
 */
export function domainShapes(
  domains: readonly { id: string; vlan: number | null; members: readonly string[] }[],
  boxes: ReadonlyMap<string, Box>,
  hostOf: (node: string) => string,
  kept: (id: string) => DomainShape | undefined = () => undefined,
  index: () => BoxIndex = () => new BoxGrid(boxes),
): DomainShape[] {
  const perVlan = new Map<number, number>()
  for (const d of domains) if (d.vlan !== null) perVlan.set(d.vlan, (perVlan.get(d.vlan) ?? 0) + 1)
  const rings = ringsOf(domains)
  let grid: BoxIndex | null = null
  return domains.map((d, i) => {
    const before = kept(d.id)
    if (before) return before
    const ring = rings[i]!
    const nodes = [...ring.keys()].filter((n) => boxes.has(n))
    grid ??= index()
    const grow = (b: Box, by: number): Box => ({
      x: b.x - by,
      y: b.y - by,
      width: b.width + 2 * by,
      height: b.height + 2 * by,
    })
    const members = new Set(nodes)
    const hulls: Box[] = []
    const byHost = new Map<string, string[]>()
    for (const n of nodes) byHost.set(hostOf(n), [...(byHost.get(hostOf(n)) ?? []), n])
    for (const group of byHost.values()) {
      group.sort((a, b) => boxes.get(a)!.y - boxes.get(b)!.y || boxes.get(a)!.x - boxes.get(b)!.x)
      let hull: Box | null = null
      for (const n of group) {
        const box = grow(boxes.get(n)!, PAD + RING * ring.get(n)!)
        const union: Box | null = hull && {
          x: Math.min(hull.x, box.x),
          y: Math.min(hull.y, box.y),
          width: Math.max(hull.x + hull.width, box.x + box.width) - Math.min(hull.x, box.x),
          height: Math.max(hull.y + hull.height, box.y + box.height) - Math.min(hull.y, box.y),
        }
        // Join the hull only if that wraps no node outside the domain.
        if (union && !grid.some(union, (name) => !members.has(name))) hull = union
        else {
          if (hull) hulls.push(hull)
          hull = box
        }
      }
      if (hull) hulls.push(hull)
    }
    return {
      id: d.id,
      vlan: d.vlan,
      colour: d.vlan !== null ? vlanColour(d.vlan).css : UNTAGGED_COLOUR.css,
      split: d.vlan !== null && (perVlan.get(d.vlan) ?? 0) > 1,
      hulls,
    }
  })
}

/**
 * Each domain's member nodes with the ring each has in it: a node in several domains gets a ring per
 * domain, each a little wider than the last. Where nodes are does not matter, so a drag frame reuses
 * what the first frame worked out (kept per list of domains, which is the same while the lab's
 * content is).
 */
const ringsCache = new WeakMap<readonly unknown[], Map<string, number>[]>()
function ringsOf(domains: readonly { members: readonly string[] }[]): Map<string, number>[] {
  const cached = ringsCache.get(domains)
  if (cached) return cached
  const count = new Map<string, number>()
  const out = domains.map((d) => {
    const ring = new Map<string, number>()
    for (const m of d.members) {
      const node = m.slice(0, m.lastIndexOf(':'))
      if (ring.has(node)) continue
      ring.set(node, count.get(node) ?? 0)
      count.set(node, (count.get(node) ?? 0) + 1)
    }
    return ring
  })
  ringsCache.set(domains, out)
  return out
}

/**
 * The halos, in canvas coordinates, in the canvas's layer under the nodes (layers.tsx): not a canvas
 * node, whose size follows the hulls, so a drag that moved a hull resized it and React Flow measured
 * it again (a second store update, every drag frame).
 */
function DomainHalosView({ shapes }: { shapes: readonly DomainShape[] }) {
  return (
    <svg className="domain-overlay" width={1} height={1} aria-hidden="true">
      {shapes.map((s) => (
        <g
          key={s.id}
          data-domain-overlay={s.id}
          data-domain-vlan={s.vlan ?? ''}
          data-colour={s.colour}
          data-split={String(s.split)}
        >
          {s.hulls.map((h, i) => (
            <rect
              // biome-ignore lint/suspicious/noArrayIndexKey: hulls have no identity but their order
              key={i}
              x={h.x}
              y={h.y}
              width={h.width}
              height={h.height}
              rx={14}
              fill={s.colour}
              fillOpacity={0.13}
              stroke={s.colour}
              strokeOpacity={0.75}
              strokeWidth={2.5}
              strokeDasharray={s.split ? '8 5' : undefined}
            >
              <title>
                {s.vlan === null ? 'untagged' : `VLAN ${s.vlan}`}
                {s.split ? ' — split: this VLAN is two broadcast domains here' : ''}
              </title>
            </rect>
          ))}
        </g>
      ))}
    </svg>
  )
}

export const DomainHalos = memo(DomainHalosView)
