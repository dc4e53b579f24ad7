// A node's colours where it is drawn without text (the overview, the minimap): its kind's icon
// colours at reading zoom, so a bridge zoomed out is the colour its icon was.
import type { NodeKind } from '../../shared/lab/schema.ts'

export const KIND_COLOURS: Record<NodeKind, { readonly fill: string; readonly stroke: string }> = {
  'ovs-bridge': { fill: '#c9d3ea', stroke: '#2b4a8b' },
  'linux-bridge': { fill: '#ecdcc4', stroke: '#6b4a1f' },
  container: { fill: '#d5ebe3', stroke: '#1f6b55' },
  netns: { fill: '#e2dcf2', stroke: '#5a4a8b' },
  uplink: { fill: '#fde9c2', stroke: '#b08a45' },
}
