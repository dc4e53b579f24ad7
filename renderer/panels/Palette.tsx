import type { NodeKind } from '../../shared/lab/schema.ts'

const ITEMS: { kind: NodeKind | 'host'; label: string }[] = [
  { kind: 'ovs-bridge', label: 'OVS bridge' },
  { kind: 'linux-bridge', label: 'Linux bridge' },
  { kind: 'container', label: 'Container' },
  { kind: 'netns', label: 'Netns' },
  { kind: 'uplink', label: 'Host NIC' },
  { kind: 'host', label: 'Simulated host' },
]

/** Drag one onto the canvas to add it. */
export function Palette() {
  return (
    <div className="palette">
      {ITEMS.map((item) => (
        <button
          type="button"
          key={item.kind}
          className={`palette-item lab-node-${item.kind}`}
          draggable
          aria-label={`drag a ${item.label} onto the canvas`}
          data-palette={item.kind}
          onDragStart={(e) => {
            e.dataTransfer.setData('application/patchbay-kind', item.kind)
            e.dataTransfer.effectAllowed = 'move'
          }}
        >
          {item.label}
        </button>
      ))}
    </div>
  )
}
