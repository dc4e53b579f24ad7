// The path drawn on the canvas, above the links and with them in pan and zoom: an explained path
// (every hop lit, the blocking one marked ✕) or the frame of the current step (a glow on each link
// it is on, an envelope with its 802.1Q tag travelling toward the receiving end, ✓ where a guest
// hears it, ✕ where a port drops it); the steps before it stay as a faint trail. Reads only the
// understand store and the link geometry the canvas already computed.
import { useMemo } from 'react'
import type { Explanation } from '../../shared/l2/explain.ts'
import type { FrameMove } from '../../shared/l2/frames.ts'
import { linkIds } from '../../shared/lab/normalize.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import type { LinkGeometry, Point } from '../../shared/layout/geometry.ts'
import { labNodeSizes } from '../../shared/layout/geometry.ts'
import type { LabEdgeData } from '../canvas/edges.tsx'
import { OverNodes } from '../canvas/layers.tsx'
import { vlanColour } from '../canvas/vlan-colour.ts'
import { useDocument } from '../document/use-document.ts'
import { useUnderstand } from './store.ts'

/** The highlight's own colours, kept clear of the VLAN palette; each fate also has its mark. */
export const FATE_COLOUR: Record<FrameMove['fate'] | 'path' | 'blocked', string> = {
  path: '#ffb000',
  forwarded: '#ffb000',
  delivered: '#1f9e4a',
  ignored: '#9aa0aa',
  looped: '#9aa0aa',
  dropped: '#e0301e',
  blocked: '#e0301e',
}
const FATE_MARK: Record<FrameMove['fate'], string> = {
  forwarded: '',
  delivered: '✓',
  ignored: '–',
  looped: '⟲',
  dropped: '✕',
}

/** Glows go under the link labels; envelopes and marks over them. */
type Layer = 'under' | 'over'

interface Placed {
  readonly g: LinkGeometry
  /** The link's ends: [guest, bridge] or a wire's `between`. */
  readonly ends: readonly [string, string]
}

const along = (a: Point, b: Point, t: number): Point => ({
  x: a.x + (b.x - a.x) * t,
  y: a.y + (b.y - a.y) * t,
})

/** The link's end points oriented from `node` (the sender) to the other end. */
function oriented(p: Placed, node: string): [Point, Point] {
  return p.ends[0] === node ? [p.g.from, p.g.to] : [p.g.to, p.g.from]
}

function Glow({
  p,
  colour,
  faint,
  dashed,
}: {
  p: Placed
  colour: string
  faint?: boolean
  dashed?: boolean
}) {
  return (
    <line
      x1={p.g.from.x}
      y1={p.g.from.y}
      x2={p.g.to.x}
      y2={p.g.to.y}
      stroke={colour}
      strokeWidth={faint ? 9 : 16}
      strokeOpacity={faint ? 0.28 : 0.55}
      strokeLinecap="round"
      strokeDasharray={dashed ? '4 10' : undefined}
    />
  )
}

function Mark({ at, mark, colour }: { at: Point; mark: string; colour: string }) {
  if (!mark) return null
  return (
    <g transform={`translate(${at.x},${at.y})`}>
      <circle r={10} fill={colour} stroke="#fff" strokeWidth={2} />
      <text textAnchor="middle" dy="4.5" fontSize="13" fontWeight="700" fill="#fff">
        {mark}
      </text>
    </g>
  )
}

/** The frame in flight: an envelope with its tag (or "untagged") on the link. */
function Envelope({ at, tag }: { at: Point; tag: number | null }) {
  const { css, ink } = tag === null ? { css: '#ffffff', ink: '#222' } : vlanColour(tag)
  const text = tag === null ? 'untagged' : `802.1Q ${tag}`
  const width = text.length * 6.2 + 12
  return (
    <g transform={`translate(${at.x},${at.y})`}>
      <rect
        x={-width / 2}
        y={-10}
        width={width}
        height={20}
        rx={5}
        fill={css}
        stroke="#222"
        strokeWidth={1.2}
      />
      <text textAnchor="middle" dy="4" fontSize="11" fontWeight="600" fill={ink}>
        {text}
      </text>
    </g>
  )
}

/** Where a frame's envelope sits: mid guest link, or beside a wire (its middle holds the wire's chips). */
function envelopeAt(p: Placed, a: Point, b: Point, wire: boolean): Point {
  const mid = along(a, b, 0.5)
  if (!wire) return mid
  const dx = p.g.to.x - p.g.from.x
  const dy = p.g.to.y - p.g.from.y
  const length = Math.hypot(dx, dy) || 1
  // The normal that points up (or left on a vertical wire), 24 px off the line.
  let nx = -dy / length
  let ny = dx / length
  if (ny > 0 || (ny === 0 && nx > 0)) {
    nx = -nx
    ny = -ny
  }
  return { x: mid.x + nx * 24, y: mid.y + ny * 24 }
}

function MoveView({
  move,
  p,
  current,
  layer,
}: {
  move: FrameMove
  p: Placed
  current: boolean
  layer: Layer
}) {
  const [a, b] = oriented(p, move.from)
  const colour = FATE_COLOUR[move.fate]
  if (layer === 'over') {
    return (
      <g>
        {current && <Envelope at={envelopeAt(p, a, b, move.linkId.includes('~'))} tag={move.tag} />}
        <Mark at={along(a, b, 0.92)} mark={FATE_MARK[move.fate]} colour={colour} />
      </g>
    )
  }
  return (
    <g
      data-path-link={move.linkId}
      data-fate={move.fate}
      data-tag={move.tag ?? 'untagged'}
      data-from={move.from}
      data-to={move.to}
      data-current={String(current)}
    >
      <Glow p={p} colour={colour} faint={!current} dashed={move.fate === 'dropped' && !current} />
    </g>
  )
}

/** The links an explanation's hops cross, in order, and the one that blocks it. */
export function explainedLinks(e: Explanation, known: ReadonlySet<string>) {
  const lit: { linkId: string; tag: number | null }[] = []
  for (const hop of e.hops) {
    const id = known.has(hop.port) ? hop.port : `${hop.node}:${hop.port}`
    if (!known.has(id)) continue
    const last = lit.at(-1)
    // A wire's two hops: the tag it crosses with is the first's.
    if (last?.linkId === id) continue
    lit.push({ linkId: id, tag: hop.port.includes('~') ? hop.vlan : null })
  }
  const b = e.blockedAt
  const blocked = b ? ([b.port, `${b.node}:${b.port}`].find((id) => known.has(id)) ?? null) : null
  return { lit, blocked }
}

function ExplainView({
  e,
  placed,
  layer,
}: {
  e: Explanation
  placed: ReadonlyMap<string, Placed>
  layer: Layer
}) {
  const { lit, blocked } = explainedLinks(e, new Set(placed.keys()))
  const blockedAt = e.blockedAt
  const b = blocked ? placed.get(blocked)! : null
  if (layer === 'over') {
    return (
      <>
        {lit.map(({ linkId, tag }) => {
          const p = placed.get(linkId)!
          return (
            tag !== null && <Envelope key={linkId} at={envelopeAt(p, p.g.from, p.g.to, true)} tag={tag} />
          )
        })}
        {b && blockedAt && (
          <Mark
            // The ✕ at the blocking node's end of the link.
            at={along(b.g.from, b.g.to, b.ends[0] === blockedAt.node ? 0.12 : 0.88)}
            mark="✕"
            colour={FATE_COLOUR.blocked}
          />
        )}
      </>
    )
  }
  return (
    <>
      {lit.map(({ linkId, tag }) => (
        <g key={linkId} data-path-link={linkId} data-fate="path" data-tag={tag ?? 'untagged'}>
          <Glow p={placed.get(linkId)!} colour={FATE_COLOUR.path} />
        </g>
      ))}
      {b && (
        <g data-path-blocked={blocked}>
          <Glow p={b} colour={FATE_COLOUR.blocked} />
        </g>
      )}
    </>
  )
}

/** A ring around each guest the frame has reached so far. */
function Rings({ lab, nodes, colour }: { lab: Lab; nodes: readonly string[]; colour: string }) {
  const sizes = useMemo(() => labNodeSizes(lab), [lab])
  return (
    <>
      {nodes.map((name) => {
        const at = lab.layout?.[name]
        const size = sizes.get(name)
        if (!at || !size) return null
        return (
          <rect
            key={name}
            data-path-node={name}
            x={at.x - 5}
            y={at.y - 5}
            width={size.width + 10}
            height={size.height + 10}
            rx={10}
            fill="none"
            stroke={colour}
            strokeWidth={4}
          />
        )
      })}
    </>
  )
}

export function PathOverlay({ links, layer }: { links: readonly LabEdgeData[]; layer: Layer }) {
  const view = useUnderstand((s) => s.view)
  const lab = useDocument((s) => s.lab)
  // Only while a path is shown: the links change on every drag frame.
  const shown = view !== null
  const placed = useMemo(() => {
    const out = new Map<string, Placed>()
    if (!shown) return out
    const ends = new Map<string, readonly [string, string]>()
    const ids = linkIds(lab.links ?? [])
    ;(lab.links ?? []).forEach((l, i) => {
      ends.set(ids[i]!, 'guest' in l ? [l.guest, l.to] : l.between)
    })
    for (const d of links) {
      const e = ends.get(d.linkId)
      if (d.geometry && e) out.set(d.linkId, { g: d.geometry, ends: e })
    }
    return out
  }, [links, lab, shown])
  if (!view) return null
  let body: React.ReactNode
  let reachedNodes: string[] = []
  if (view.kind === 'explain') {
    body = <ExplainView e={view.explanation} placed={placed} layer={layer} />
    const guest = (m: string) => m.slice(0, m.lastIndexOf(':'))
    reachedNodes = view.explanation.reachable
      ? [guest(view.explanation.from), guest(view.explanation.to)]
      : [guest(view.explanation.from)]
  } else {
    const { steps } = view.stepping
    const shown = steps.slice(0, view.index + 1)
    body = shown.flatMap((step, i) =>
      step.moves.map((move) => {
        const p = placed.get(move.linkId)
        return p ? (
          <MoveView
            key={`${move.linkId} ${move.from} ${move.tag} ${move.vlan}`}
            move={move}
            p={p}
            current={i === view.index}
            layer={layer}
          />
        ) : null
      }),
    )
    reachedNodes = shown.flatMap((s) => s.moves.filter((m) => m.fate === 'delivered').map((m) => m.to))
  }
  if (layer === 'over') {
    return (
      <OverNodes>
        <svg className="path-overlay" width={1} height={1} aria-hidden="true">
          {body}
        </svg>
      </OverNodes>
    )
  }
  return (
    <OverNodes>
      <svg
        className="path-overlay"
        data-path-overlay={view.kind}
        data-step={view.kind === 'steps' ? view.index : ''}
        width={1}
        height={1}
        aria-hidden="true"
      >
        <Rings lab={lab} nodes={[...new Set(reachedNodes)]} colour={FATE_COLOUR.delivered} />
        {body}
      </svg>
    </OverNodes>
  )
}
