// The canvas legend: each VLAN of the lab in its colour (split VLANs marked), what a trunk and an
// untagged link look like, and the line style of each live state.
import { ImpairedIcon, STATE_STYLE, VlanChip } from './edges.tsx'
import { TRUNK_COLOUR, UNTAGGED_COLOUR } from './vlan-colour.ts'

function Swatch({
  colour,
  width = 3,
  dash,
  opacity,
}: {
  colour: string
  width?: number
  dash?: string
  opacity?: number
}) {
  return (
    <svg width="34" height="10" aria-hidden="true">
      <line
        x1="2"
        y1="5"
        x2="32"
        y2="5"
        stroke={colour}
        strokeWidth={width}
        strokeDasharray={dash}
        opacity={opacity}
      />
    </svg>
  )
}

export function CanvasLegend({ vlans, split }: { vlans: readonly number[]; split: ReadonlySet<number> }) {
  return (
    <div className="canvas-legend" data-legend="canvas">
      <div className="legend-row legend-vlans">
        {vlans.map((v) => (
          <span key={v} className="legend-vlan" data-legend-vlan={v}>
            <VlanChip vlan={v} />
            {split.has(v) && (
              <em
                className="split"
                title={`VLAN ${v} is two broadcast domains here: it does not reach across`}
              >
                split
              </em>
            )}
          </span>
        ))}
        <span className="legend-item">
          <Swatch colour={UNTAGGED_COLOUR.css} /> untagged
        </span>
        <span className="legend-item">
          <Swatch colour={TRUNK_COLOUR} width={6} /> trunk
        </span>
      </div>
      <div className="legend-row legend-states">
        {(['up', 'down', 'missing', 'drifted', 'admin-down'] as const).map((state) => (
          <span key={state} className="legend-item" data-legend-state={state}>
            <Swatch colour="#555" dash={STATE_STYLE[state]!.dash} opacity={STATE_STYLE[state]!.opacity} />{' '}
            {state === 'admin-down' ? 'down on purpose (state: down)' : state}
          </span>
        ))}
        <span className="legend-item" data-legend-state="impaired" title="the link has netem: impairments">
          <ImpairedIcon /> impaired
        </span>
      </div>
    </div>
  )
}
