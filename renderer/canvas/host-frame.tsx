// A simulated host drawn as a frame around its nodes (or where it was dropped, while empty).
import type { NodeProps } from '@xyflow/react'
import { memo } from 'react'

export type HostFrameData = { name: string; width: number; height: number }

function HostFrameView({ data }: NodeProps & { data: HostFrameData }) {
  return (
    <div className="host-frame" data-host-id={data.name} style={{ width: data.width, height: data.height }}>
      <span className="host-name">host {data.name}</span>
    </div>
  )
}

export const HostFrame = memo(HostFrameView)

const PAD = 30
const NODE = { width: 130, height: 70 }

/** Frames of the lab's simulated hosts: the box around their nodes' positions. */
export function hostFrames(
  hosts: readonly string[],
  members: (host: string) => { x: number; y: number }[],
  at: (host: string) => { x: number; y: number } | undefined,
) {
  return hosts.map((name) => {
    const points = members(name)
    const x0 = points.length ? Math.min(...points.map((p) => p.x)) - PAD : (at(name)?.x ?? 0)
    const y0 = points.length ? Math.min(...points.map((p) => p.y)) - PAD : (at(name)?.y ?? 0)
    const x1 = points.length ? Math.max(...points.map((p) => p.x)) + NODE.width + PAD : x0 + 260
    const y1 = points.length ? Math.max(...points.map((p) => p.y)) + NODE.height + PAD : y0 + 160
    return {
      id: `host:${name}`,
      type: 'host',
      position: { x: x0, y: y0 },
      data: { name, width: x1 - x0, height: y1 - y0 },
      draggable: false,
      selectable: false,
      connectable: false,
      zIndex: -1,
    }
  })
}
