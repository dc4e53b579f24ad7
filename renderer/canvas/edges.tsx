// Canvas links: coloured by VLAN, styled by their live state, which each edge reads by its own id,
// so one link-state event re-renders one edge.
import { BaseEdge, EdgeLabelRenderer, type EdgeProps, getStraightPath } from '@xyflow/react'
import { memo } from 'react'
import { paintVlan } from '../document/commands.ts'
import { useDocument } from '../document/use-document.ts'
import { useLive } from '../live/store.ts'
import { useUi } from '../ui/store.ts'
import { UNTAGGED_COLOUR, vlanColour } from './vlan-colour.ts'

export type LabEdgeData = {
  linkId: string
  vlan: number | null
  trunk: readonly number[]
  /** A trunk's native VLAN (both ends' when they differ, `a/b`). */
  native: string | null
  label: string
  problems: readonly string[]
}

const DASH: Record<string, string | undefined> = { down: '6 4', missing: '2 6', drifted: '10 3 2 3' }

function LabEdgeView({
  id,
  sourceX,
  sourceY,
  targetX,
  targetY,
  data,
  selected,
}: EdgeProps & { data: LabEdgeData }) {
  const live = useLive((s) => s.links[data.linkId])
  const counters = useLive((s) => s.counters[data.linkId])
  const [path] = getStraightPath({ sourceX, sourceY, targetX, targetY })
  // Near the guest's end, so that the labels of a bridge's many links do not sit on each other.
  const labelX = sourceX + (targetX - sourceX) * 0.3
  const labelY = sourceY + (targetY - sourceY) * 0.3
  const paint = useUi((s) => s.paintVlan)
  const change = useDocument((s) => s.change)
  const select = useUi((s) => s.select)
  const colour = data.vlan !== null ? vlanColour(data.vlan).css : UNTAGGED_COLOUR.css
  const state = live?.state ?? 'unknown'
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        style={{
          stroke: state === 'down' || state === 'missing' ? '#c33' : colour,
          strokeWidth: selected ? 5 : 3,
          strokeDasharray: DASH[state],
        }}
      />
      <EdgeLabelRenderer>
        <button
          type="button"
          onClick={() =>
            paint !== null ? change((l) => paintVlan(l, data.linkId, paint)) : select([], [data.linkId])
          }
          className={`edge-label state-${state}`}
          data-link-id={data.linkId}
          data-vlan={data.vlan ?? ''}
          data-state={state}
          title={counters ? `rx ${counters.rxRate} B/s, tx ${counters.txRate} B/s` : live?.reasons.join('\n')}
          style={{
            transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)`,
            ...(state === 'down' || state === 'missing' ? {} : { borderColor: colour }),
          }}
        >
          {data.vlan !== null && (
            <span className="chip" style={{ background: colour, color: vlanColour(data.vlan).ink }}>
              {data.vlan}
            </span>
          )}
          {data.trunk.map((v) => (
            <span
              key={v}
              className="chip stripe"
              style={{ background: vlanColour(v).css, color: vlanColour(v).ink }}
            >
              {v}
            </span>
          ))}
          {data.native !== null && (
            <span className="chip native" title="native (untagged) VLAN">
              N{data.native}
            </span>
          )}
          <span>{data.label}</span>
          {data.problems.length > 0 && (
            <span className="warn" title={data.problems.join('\n')} data-problems={data.problems.length}>
              ⚠
            </span>
          )}
        </button>
      </EdgeLabelRenderer>
    </>
  )
}

export const LabEdge = memo(LabEdgeView)

export const edgeTypes = { lab: LabEdge }
