// A host drawn as a frame around its nodes (or where it was dropped, while empty): a simulated host
// (a namespace with its own Open vSwitch) or a real machine reached over SSH, which says where.
import type { NodeProps } from '@xyflow/react'
import { memo } from 'react'
import { FRAME_PAD } from '../../shared/layout/auto-layout.ts'
import type { Box } from '../../shared/layout/geometry.ts'
import { useLive } from '../live/store.ts'
import { KindIcon } from './icons.tsx'
import { placedAt } from './placement.ts'

export type HostFrameData = { name: string; width: number; height: number; machine?: string }

function HostFrameView({ data }: NodeProps & { data: HostFrameData }) {
  // Said by the live stream while the lab is watched; unknown before.
  const reach = useLive((s) => (data.machine === undefined ? undefined : s.machines[data.name]))
  return (
    <div
      className="host-frame"
      data-host-id={data.name}
      data-host-kind={data.machine === undefined ? 'simulated' : 'machine'}
      {...(reach ? { 'data-machine-reachable': String(reach.reachable) } : {})}
      style={{ width: data.width, height: data.height }}
    >
      <span className="host-name">
        <KindIcon kind="host" size={15} /> {data.name}
        <span className="host-kind">
          {data.machine === undefined ? 'simulated host' : `machine ${data.machine}`}
        </span>
      </span>
      {reach && (
        <span className={`machine-reach ${reach.reachable ? 'reachable' : 'unreachable'}`} title={reach.why}>
          <span className="dot" aria-hidden="true" />
          {reach.reachable ? 'reachable' : `unreachable: ${shortWhy(reach.why)}`}
        </span>
      )}
    </div>
  )
}

/** ssh's words are long (`… (ssh exit 255: ssh: connect to …: Connection refused)`): the frame says their gist. */
export function shortWhy(why: string | undefined): string {
  if (!why) return 'no answer'
  const ssh = /\(ssh exit ([^)]*)\)/.exec(why)?.[1]
  const text =
    ssh === undefined
      ? why
      : ssh.includes(': ')
        ? ssh.split(': ').at(-1)!
        : ssh === '255'
          ? 'connection lost'
          : `ssh exit ${ssh}`
  return text.length > 60 ? `${text.slice(0, 57)}…` : text
}

export const HostFrame = memo(HostFrameView)

const EMPTY = { width: 260, height: 160 }

const withMachine = (where: string | undefined) => (where === undefined ? {} : { machine: where })

/** Frames of the lab's hosts: the box around their nodes' boxes. */
export function hostFrames(
  hosts: readonly string[],
  members: (host: string) => Box[],
  at: (host: string) => { x: number; y: number } | undefined,
  machine: (host: string) => string | undefined = () => undefined,
) {
  return hosts.map((name) => {
    const boxes = members(name)
    const x0 = boxes.length ? Math.min(...boxes.map((b) => b.x)) - FRAME_PAD.side : (at(name)?.x ?? 0)
    const y0 = boxes.length ? Math.min(...boxes.map((b) => b.y)) - FRAME_PAD.top : (at(name)?.y ?? 0)
    const x1 = boxes.length ? Math.max(...boxes.map((b) => b.x + b.width)) + FRAME_PAD.side : x0 + EMPTY.width
    const y1 = boxes.length
      ? Math.max(...boxes.map((b) => b.y + b.height)) + FRAME_PAD.bottom
      : y0 + EMPTY.height
    return {
      id: `host:${name}`,
      type: 'host',
      position: { x: x0, y: y0 },
      style: placedAt({ x: x0, y: y0 }),
      data: { name, width: x1 - x0, height: y1 - y0, ...withMachine(machine(name)) },
      width: x1 - x0,
      height: y1 - y0,
      draggable: false,
      selectable: false,
      connectable: false,
      zIndex: -1,
    }
  })
}
