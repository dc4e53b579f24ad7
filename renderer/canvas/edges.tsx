// Canvas links. A guest link is drawn in its VLAN's colour (grey when untagged) with its interface
// name and address at the guest end and its VLAN chip at the bridge end; a trunk is a thicker dark
// line with the VLANs it carries as chips and the native VLAN marked. The live state is the line's
// style (legend.tsx), read by each edge from its own id, so one link-state event re-renders one edge.
import { type ReactFlowState, useStore } from '@xyflow/react'
import { memo, useMemo } from 'react'
import type { LinkGeometry } from '../../shared/layout/geometry.ts'
import { paintVlan } from '../document/commands.ts'
import { useDocument } from '../document/use-document.ts'
import { liveLinkId, useLive } from '../live/store.ts'
import { useUi } from '../ui/store.ts'
import { OverNodes } from './layers.tsx'
import { TRUNK_COLOUR, UNTAGGED_COLOUR, vlanColour } from './vlan-colour.ts'

export type LabEdgeData = {
  linkId: string
  /** The editor's key of the link (link-keys.ts): the same after its ifname is edited. */
  linkKey: string
  guestLink: boolean
  /** Access VLAN (a guest link's, or a wire's both ends'). */
  vlan: number | null
  /** VLANs a trunk carries. */
  trunk: readonly number[]
  /** A trunk's native VLAN, per end when they differ. */
  native: readonly number[]
  /** Interface name and addresses (guest link), or the tunnel (wire): one a line. */
  label: readonly string[]
  geometry: LinkGeometry | null
  problems: readonly string[]
  /** The lab says `state: down`: drawn as administratively down whatever the machine says. */
  adminDown: boolean
  /** The link's `netem:` as "delay 40ms, loss 1%", or '' when it has none. */
  impairment: string
}

/** A clock face: the link is slowed or lossy (netem). Drawn, not a glyph: fonts vary. */
export const ImpairedIcon = () => (
  <svg width="11" height="11" viewBox="0 0 12 12" aria-hidden="true">
    <circle cx="6" cy="6" r="5" fill="none" stroke="currentColor" strokeWidth="1.4" />
    <path d="M6 3v3l2 1.5" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
  </svg>
)

/** A power symbol: the link is down on purpose (`state: down`). */
export const AdminDownIcon = () => (
  <svg width="11" height="11" viewBox="0 0 12 12" aria-hidden="true">
    <path
      d="M3.6 3.4a4 4 0 1 0 4.8 0"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.4"
      strokeLinecap="round"
    />
    <path d="M6 1.5v4" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
  </svg>
)

/** Line styles of the live states; the legend draws the same. */
export const STATE_STYLE: Record<string, { dash?: string; opacity?: number }> = {
  up: {},
  down: { dash: '7 5' },
  missing: { dash: '1.5 5', opacity: 0.55 },
  drifted: { dash: '12 4 2 4' },
  /** Down on purpose (`state: down`): faint and finely dotted, unlike a failure's dashes. */
  'admin-down': { dash: '14 6', opacity: 0.35 },
}

export function VlanChip({ vlan, native = false }: { vlan: number; native?: boolean }) {
  const { css, ink } = vlanColour(vlan)
  return (
    <span
      className={`chip${native ? ' native' : ''}`}
      data-vlan={vlan}
      data-colour={css}
      title={native ? `native VLAN ${vlan}: untagged frames on this trunk belong to it` : `VLAN ${vlan}`}
      style={{ background: css, color: ink }}
    >
      {native ? `${vlan}·N` : vlan}
    </span>
  )
}

const isTrunkLink = (data: LabEdgeData) => !data.guestLink && data.vlan === null && data.trunk.length > 0
const linkColour = (data: LabEdgeData) =>
  data.vlan !== null ? vlanColour(data.vlan).css : isTrunkLink(data) ? TRUNK_COLOUR : UNTAGGED_COLOUR.css

/** How a link's line is stroked, in its live state (the overview strokes it the same). */
export function lineStyle(
  data: LabEdgeData,
  live: string,
  selected: boolean,
): { state: string; colour: string; width: number; dash?: string; opacity?: number } {
  // Down in the lab is drawn so before an apply too; a failure the machine reports still shows.
  const state = data.adminDown && (live === 'unknown' || live === 'up') ? 'admin-down' : live
  const style = STATE_STYLE[state] ?? {}
  return {
    state,
    colour: linkColour(data),
    width: (isTrunkLink(data) ? 6 : 3) + (selected ? 2 : 0),
    ...style,
  }
}

function LinkLineView({ data }: { data: LabEdgeData }) {
  const live = useLive((s) => s.links[liveLinkId(s, data.linkKey, data.linkId)]?.state ?? 'unknown')
  const selected = useUi((s) => s.selectedLinks.includes(data.linkId))
  const g = data.geometry
  if (!g) return null
  const { state, colour, width, dash, opacity } = lineStyle(data, live, selected)
  const path = `M ${g.from.x},${g.from.y} L ${g.to.x},${g.to.y}`
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the link's label is its button; this is the line
    <g
      className={`lab-edge nopan${selected ? ' selected' : ''}`}
      onClick={() => clickLink(data.linkId)}
      onContextMenu={(e) => linkMenu(e, data.linkId)}
    >
      <path
        className="lab-link"
        d={path}
        data-link-line={data.linkId}
        data-state={state}
        data-admin-down={data.adminDown ? 'true' : undefined}
        {...(data.vlan !== null ? { 'data-vlan': data.vlan, 'data-colour': colour } : {})}
        style={{ stroke: colour, strokeWidth: width, strokeDasharray: dash, opacity }}
      />
      {/* Wide and invisible: the line is easy to hit. */}
      <path className="lab-link-hit" d={path} />
    </g>
  )
}

/** A click on a link (its line or its label): paints it while painting, else selects it. */
function clickLink(linkId: string) {
  const { paintVlan: paint, select } = useUi.getState()
  if (paint !== null) useDocument.getState().change((l) => paintVlan(l, linkId, paint))
  else select([], [linkId])
}

function linkMenu(e: React.MouseEvent, linkId: string) {
  e.preventDefault()
  useUi.getState().select([], [linkId])
  useUi.getState().openMenu({ link: linkId, x: e.clientX, y: e.clientY })
}

const LinkLine = memo(LinkLineView)

/**
 * The lines of the links in view, in one SVG (in the canvas's layer under the nodes, UnderNodes).
 * Not React Flow edges: each of those is an <svg> of its own with store selectors that place it, run
 * for all of them on every store update; 1,500 of them cost most of a drag frame's script, and their
 * 1,500 layers most of a pan frame's compositing. The canvas places the links itself (geometry.ts),
 * so the lines need nothing from React Flow. At reading zoom only the lines that cross the cells in
 * view (as for the labels) are drawn: each pan frame Chromium layerizes what the page holds, and
 * 1,500 lines cost ~35 ms of it where a few dozen are seen. Zoomed out, all are drawn.
 */
export function LinkLines({ links }: { links: readonly LabEdgeData[] }) {
  const area = useStore(labelWindow)
  const shown = useMemo(() => {
    if (area === 'none') return links
    const [x0, y0, x1, y1] = area.split(',').map(Number) as [number, number, number, number]
    return links.filter((d) => {
      const g = d.geometry
      if (!g) return false
      // The line's bounding box against the cells': a line through the view has both.
      return (
        Math.max(g.from.x, g.to.x) >= x0 * CELL &&
        Math.min(g.from.x, g.to.x) < (x1 + 1) * CELL &&
        Math.max(g.from.y, g.to.y) >= y0 * CELL &&
        Math.min(g.from.y, g.to.y) < (y1 + 1) * CELL
      )
    })
  }, [links, area])
  return (
    <svg className="link-lines" aria-hidden="true" data-lines-shown={shown.length}>
      {shown.map((data) => (
        <LinkLine key={data.linkKey} data={data} />
      ))}
    </svg>
  )
}

/**
 * A link's labels: its interface and address at the guest end (or a wire's chips in the middle),
 * and the VLAN chip at the bridge end. Drawn for all links in one layer (LinkLabels), not per edge:
 * React Flow's per-edge label portal looks its target up in the DOM on every pan frame.
 */
function LinkLabelView({ data }: { data: LabEdgeData }) {
  const live = useLive((s) => s.links[liveLinkId(s, data.linkKey, data.linkId)])
  const counters = useLive((s) => s.counters[liveLinkId(s, data.linkKey, data.linkId)])
  const selected = useUi((s) => s.selectedLinks.includes(data.linkId))
  const g = data.geometry
  if (!g) return null
  const state = live?.state ?? 'unknown'
  const onClick = () => clickLink(data.linkId)
  const onContextMenu = (e: React.MouseEvent) => linkMenu(e, data.linkId)
  return (
    <>
      <LabelSpot at={g.label}>
        <button
          type="button"
          onClick={onClick}
          onContextMenu={onContextMenu}
          className={`edge-label nopan state-${state}${data.guestLink ? ' guest-end' : ' wire'}${selected ? ' selected' : ''}`}
          data-link-label={data.linkId}
          data-link-id={data.linkId}
          data-vlan={data.vlan ?? ''}
          data-state={state}
          title={counters ? `rx ${counters.rxRate} B/s, tx ${counters.txRate} B/s` : live?.reasons.join('\n')}
        >
          {!data.guestLink && data.vlan !== null && <VlanChip vlan={data.vlan} />}
          {data.trunk.map((v) => (
            <VlanChip key={v} vlan={v} />
          ))}
          {data.native.map((v) => (
            <VlanChip key={`native-${v}`} vlan={v} native />
          ))}
          {data.label.length > 0 && (
            <span className="text">
              {data.label.map((line, i) => (
                <span key={line} className={i === 0 && data.guestLink ? 'ifname' : 'address'}>
                  {line}
                </span>
              ))}
            </span>
          )}
          {data.impairment !== '' && (
            <span className="netem-mark" data-netem-mark={data.linkId} title={`impaired: ${data.impairment}`}>
              <ImpairedIcon />
            </span>
          )}
          {data.adminDown && (
            <span
              className="admin-down-mark"
              data-admin-down-mark={data.linkId}
              title="administratively down (state: down): both ends are set down on purpose"
            >
              <AdminDownIcon />
            </span>
          )}
          {data.problems.length > 0 && (
            <span className="warn" title={data.problems.join('\n')} data-problems={data.problems.length}>
              ⚠
            </span>
          )}
        </button>
      </LabelSpot>
      {data.guestLink && data.vlan !== null && g.chip && (
        <LabelSpot at={g.chip}>
          <button
            type="button"
            className="port-chip nopan"
            data-link-chip={data.linkId}
            onClick={onClick}
            onContextMenu={onContextMenu}
          >
            <VlanChip vlan={data.vlan} />
          </button>
        </LabelSpot>
      )}
    </>
  )
}

export const LinkLabel = memo(LinkLabelView)

/**
 * A point of the canvas that centres what it holds: a box of no size there, whose flex layout
 * centres its overflowing child. Not a CSS transform: each transformed label was a layer of its own
 * that Chromium layerized again whenever a label came into view or left it (half of a pan frame).
 */
const LabelSpot = ({ at, children }: { at: { x: number; y: number }; children: React.ReactNode }) => (
  <div className="label-spot" style={{ left: at.x, top: at.y }}>
    {children}
  </div>
)

/**
 * Below this zoom a label's 12px text is under 5px on screen: unreadable, so not drawn at all (as
 * TopoViewer and GNS3 do), and a 1,000-node lab seen whole pans without 2,400 labels to repaint.
 */
export const LABEL_ZOOM = 0.45
/**
 * The part of the canvas lines and labels are drawn for is counted in cells this big (canvas
 * pixels). Smaller than it was (512): fewer elements beyond the view for Chromium to layerize on
 * every frame, for a few more re-renders of the layers while panning (pan and zoom at 1,000 nodes
 * went from 53-56 to 54-58 fps).
 */
const CELL = 256

/**
 * The cells of the canvas in view, one cell of margin around them, as a string: it changes only
 * when the view crosses a cell, so panning re-renders the label layer a few times, not every frame.
 * "none" when zoomed out below LABEL_ZOOM.
 */
function labelWindow(s: ReactFlowState): string {
  const [tx, ty, zoom] = s.transform
  if (zoom < LABEL_ZOOM) return 'none'
  const cell = (v: number) => Math.floor(v / CELL)
  return [
    cell(-tx / zoom) - 1,
    cell(-ty / zoom) - 1,
    cell((s.width - tx) / zoom) + 1,
    cell((s.height - ty) / zoom) + 1,
  ].join(',')
}

const within = (p: { x: number; y: number } | null, [x0, y0, x1, y1]: number[]) =>
  p !== null && p.x >= x0! * CELL && p.x < (x1! + 1) * CELL && p.y >= y0! * CELL && p.y < (y1! + 1) * CELL

/** The labels of the links in view, in one layer above the canvas's nodes that pans and zooms with them. */
export function LinkLabels({ links }: { links: readonly LabEdgeData[] }) {
  const area = useStore(labelWindow)
  const shown = useMemo(() => {
    if (area === 'none') return []
    const cells = area.split(',').map(Number)
    return links.filter(
      (d) => d.geometry && (within(d.geometry.label, cells) || within(d.geometry.chip, cells)),
    )
  }, [links, area])
  return (
    <OverNodes>
      <div className="link-labels" data-labels-shown={shown.length}>
        {shown.map((data) => (
          <LinkLabel key={data.linkKey} data={data} />
        ))}
      </div>
    </OverNodes>
  )
}
