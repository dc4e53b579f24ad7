// Canvas nodes: memoised, one component per family, defined once (nodeTypes at module scope).
import { Handle, type NodeProps, Position } from '@xyflow/react'
import { memo } from 'react'
import type { NodeKind } from '../../shared/lab/schema.ts'
import { useUi } from '../ui/store.ts'
import { HostFrame } from './host-frame.tsx'

export type LabNodeData = {
  name: string
  kind: NodeKind
  detail: string
  domainColour: string | null
  /** Ids of the broadcast domains the node is in. */
  domains: readonly string[]
  problems: readonly string[]
}

const ICON: Record<NodeKind, string> = {
  'ovs-bridge': 'OVS',
  'linux-bridge': 'BR',
  container: '▣',
  netns: 'NS',
  uplink: 'NIC',
}

function LabNodeView({ data, selected }: NodeProps & { data: LabNodeData }) {
  // Read here, not passed in: hovering re-renders the nodes that light up, not the canvas.
  const lit = useUi((s) => s.hoverDomains.some((id) => data.domains.includes(id)))
  return (
    <div
      className={`lab-node lab-node-${data.kind}${selected ? ' selected' : ''}${lit ? ' lit' : ''}`}
      data-node-id={data.name}
      data-kind={data.kind}
      style={data.domainColour ? { boxShadow: `0 0 0 4px ${data.domainColour}` } : undefined}
    >
      <Handle type="target" position={Position.Top} />
      <span className="icon">{ICON[data.kind]}</span>
      <span className="name">{data.name}</span>
      {data.detail && <span className="detail">{data.detail}</span>}
      {data.problems.length > 0 && (
        <span className="warn" title={data.problems.join('\n')} data-problems={data.problems.length}>
          ⚠
        </span>
      )}
      <Handle type="source" position={Position.Bottom} />
    </div>
  )
}

export const LabNode = memo(LabNodeView)

export const nodeTypes = { lab: LabNode, host: HostFrame }
