// The canvas: the document's lab as React Flow nodes and edges. Positions come from the lab's
// layout; dropping from the palette, drawing a link, dragging and deleting are document commands.
import {
  Background,
  type Connection,
  Controls,
  type Edge,
  MiniMap,
  type Node,
  type NodeChange,
  ReactFlow,
  useReactFlow,
} from '@xyflow/react'
import { useCallback, useMemo } from 'react'
import { broadcastDomains } from '../../shared/l2/domains.ts'
import { checkLab } from '../../shared/lab/check.ts'
import { guestIfname, linkIds } from '../../shared/lab/normalize.ts'
import type { NodeKind } from '../../shared/lab/schema.ts'
import {
  addHost,
  addNode,
  connect,
  deleteSelection,
  moveNode,
  paintVlan,
  placeOnHost,
} from '../document/commands.ts'
import { useDocument } from '../document/use-document.ts'
import { useUi } from '../ui/store.ts'
import { edgeTypes, type LabEdgeData } from './edges.tsx'
import { hostFrames } from './host-frame.tsx'
import { type LabNodeData, nodeTypes } from './nodes.tsx'
import { vlanColour } from './vlan-colour.ts'

const DOMAIN_COLOURS = [
  '#e6194b',
  '#3cb44b',
  '#4363d8',
  '#f58231',
  '#911eb4',
  '#42d4f4',
  '#f032e6',
  '#bfef45',
]

export function Canvas() {
  const lab = useDocument((s) => s.lab)
  const change = useDocument((s) => s.change)
  const { showDomains, paintVlan: paint, select, hover } = useUi()
  const flow = useReactFlow()
  const checked = useMemo(() => checkLab(lab), [lab])

  // Each guest's domains: coloured with the overlay on, and lit up with the guest under the mouse.
  const domainsOf = useMemo(() => {
    const out = new Map<string, { colour: string; ids: Set<string> }>()
    if (!checked.lab) return out
    broadcastDomains(checked.lab).domains.forEach((d, i) => {
      for (const m of d.members) {
        const node = m.slice(0, m.lastIndexOf(':'))
        const entry = out.get(node) ?? {
          colour: DOMAIN_COLOURS[i % DOMAIN_COLOURS.length]!,
          ids: new Set<string>(),
        }
        entry.ids.add(d.id)
        out.set(node, entry)
      }
    })
    return out
  }, [checked])

  // Problems and warnings of the drawing, on the element they concern.
  const problemsOf = useMemo(() => {
    const out = new Map<string, string[]>()
    for (const p of checked.problems) {
      const [top, key] = p.path
      const id = top === 'nodes' ? `node:${String(key)}` : top === 'links' ? `link:${String(key)}` : null
      if (id) out.set(id, [...(out.get(id) ?? []), p.message])
    }
    return out
  }, [checked])

  const frames = useMemo(
    () =>
      hostFrames(
        Object.keys(lab.hosts ?? {}),
        (host) =>
          Object.entries(lab.nodes)
            .filter(([, n]) => n.host === host)
            .map(([name]) => lab.layout?.[name] ?? { x: 0, y: 0 }),
        (host) => lab.layout?.[host],
      ),
    [lab],
  )

  const nodes: Node<LabNodeData>[] = useMemo(
    () =>
      Object.entries(lab.nodes).map(([name, node], i) => ({
        id: name,
        type: 'lab',
        // Sizes before measuring: the minimap draws a node only once it knows its size.
        initialWidth: 120,
        initialHeight: 64,
        position: lab.layout?.[name] ?? { x: 60 + (i % 6) * 160, y: 60 + Math.floor(i / 6) * 140 },
        data: {
          name,
          kind: node.kind,
          detail:
            node.kind === 'uplink'
              ? (node.interface ?? node.mac ?? '')
              : node.kind === 'container'
                ? (node.image ?? 'existing')
                : '',
          domainColour: showDomains ? (domainsOf.get(name)?.colour ?? null) : null,
          domains: [...(domainsOf.get(name)?.ids ?? [])],
          problems: problemsOf.get(`node:${name}`) ?? [],
        },
      })),
    [lab, domainsOf, showDomains, problemsOf],
  )

  const edges: Edge<LabEdgeData>[] = useMemo(() => {
    const ids = linkIds(lab.links ?? [])
    return (lab.links ?? []).map((link, i) => {
      const [source, target] = 'guest' in link ? [link.guest, link.to] : link.between
      const label =
        'guest' in link
          ? `${guestIfname(link)} ${[link.ip ?? ''].flat().join(' ')}`
          : link.via === 'vxlan'
            ? `vxlan ${link.vni}`
            : 'wire'
      return {
        id: ids[i]!,
        source,
        target,
        type: 'lab',
        data: {
          linkId: ids[i]!,
          vlan: link.vlan ?? null,
          trunk: 'between' in link ? (link.trunk ?? []) : [],
          native: 'between' in link && link.native !== undefined ? [link.native].flat().join('/') : null,
          label,
          problems: problemsOf.get(`link:${i}`) ?? [],
        },
      }
    })
  }, [lab, problemsOf])

  const onNodesChange = useCallback(
    (changes: NodeChange[]) => {
      for (const c of changes) {
        if (c.type === 'position' && c.position && c.dragging === false)
          change((l) => moveNode(l, c.id, c.position!))
      }
    },
    [change],
  )

  const onDrop = useCallback(
    (event: React.DragEvent) => {
      event.preventDefault()
      const kind = event.dataTransfer.getData('application/patchbay-kind') as NodeKind | 'host'
      if (!kind) return
      const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY })
      if (kind === 'host') return change((l) => addHost(l, at))
      // Dropped inside a host's frame: the node lives on that host.
      const frame = frames.find(
        (f) =>
          at.x >= f.position.x &&
          at.x <= f.position.x + f.data.width &&
          at.y >= f.position.y &&
          at.y <= f.position.y + f.data.height,
      )
      change((l) => {
        const next = addNode(l, kind, at)
        const added = Object.keys(next.nodes).find((n) => !(n in l.nodes))!
        return frame ? placeOnHost(next, added, frame.data.name) : next
      })
    },
    [change, flow, frames],
  )

  return (
    <div
      className="canvas"
      role="application"
      aria-label="lab canvas"
      onDrop={onDrop}
      onDragOver={(e) => e.preventDefault()}
    >
      <ReactFlow
        nodes={[...frames, ...nodes] as Node[]}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onNodeDragStop={(_, node) => change((l) => moveNode(l, node.id, node.position))}
        onConnect={(c: Connection) => change((l) => connect(l, c.source, c.target))}
        onEdgeClick={(_, edge) => {
          if (paint !== null) change((l) => paintVlan(l, edge.id, paint))
          else select([], [edge.id])
        }}
        onNodeClick={(event, node) => {
          // Shift-click adds to the selection (copy/paste takes several nodes).
          const ui = useUi.getState()
          select(event.shiftKey ? [...new Set([...ui.selectedNodes, node.id])] : [node.id], [])
        }}
        onPaneClick={() => select([], [])}
        onNodeMouseEnter={(_, node) => hover([...(domainsOf.get(node.id)?.ids ?? [])])}
        onNodeMouseLeave={() => hover([])}
        onDelete={({ nodes: n, edges: e }) =>
          change((l) =>
            deleteSelection(
              l,
              n.map((x) => x.id),
              e.map((x) => x.id),
            ),
          )
        }
        fitView
        deleteKeyCode={['Delete', 'Backspace']}
      >
        <Background />
        <MiniMap
          pannable
          zoomable
          nodeColor={(n) => ((n.data as LabNodeData).kind.endsWith('bridge') ? '#555' : '#999')}
        />
        <Controls />
      </ReactFlow>
      {paint !== null && (
        <div className="paint-hint" style={{ background: vlanColour(paint).css }}>
          painting VLAN {paint}: click links
        </div>
      )}
    </div>
  )
}
