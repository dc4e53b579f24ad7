// Canvas nodes: memoised, one component per family, defined once (nodeTypes at module scope). A node
// is a fixed-size card (geometry.ts decides the size, so the layout and the links agree with it):
// the kind's icon, the name, one line of detail.
import { Handle, type NodeProps, Position } from '@xyflow/react'
import { memo } from 'react'
import type { NodeKind } from '../../shared/lab/schema.ts'
import { useUi } from '../ui/store.ts'
import { HostFrame } from './host-frame.tsx'
import { KindIcon } from './icons.tsx'

export type LabNodeData = {
  name: string
  kind: NodeKind
  detail: string
  /** Ids of the broadcast domains the node is in. */
  domains: readonly string[]
  problems: readonly string[]
  /** In the editor's selection (the ui store's). */
  selected: boolean
}

const KIND_LABEL: Record<NodeKind, string> = {
  'ovs-bridge': 'Open vSwitch bridge',
  'linux-bridge': 'Linux bridge',
  container: 'container',
  netns: 'network namespace',
  uplink: 'host NIC',
}

function LabNodeView({ data }: NodeProps & { data: LabNodeData }) {
  // Read here, not passed in: hovering re-renders the nodes that light up, not the canvas.
  const lit = useUi((s) => s.hoverDomains.some((id) => data.domains.includes(id)))
  const { selected } = data
  return (
    <div
      className={`lab-node lab-node-${data.kind}${selected ? ' selected' : ''}${lit ? ' lit' : ''}`}
      data-node-id={data.name}
      data-kind={data.kind}
      title={`${data.name}: ${KIND_LABEL[data.kind]}`}
    >
      <Handle type="target" position={Position.Top} />
      <KindIcon kind={data.kind} />
      <span className="text">
        <span className="name">{data.name}</span>
        {data.detail && <span className="detail">{data.detail}</span>}
      </span>
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
