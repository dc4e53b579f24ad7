// The canvas: the document's lab as React Flow nodes; links, halos and labels in layers of our own. Positions come from the lab's
// layout (a lab opened without them is laid out first); where links and their labels go is
// computed in geometry.ts. Dropping from the palette, drawing a link, dragging and deleting are
// document commands; a drag is one undo step however far it goes.
import {
  type Connection,
  ControlButton,
  Controls,
  type Node,
  type NodeChange,
  ReactFlow,
  useReactFlow,
  useStore,
} from '@xyflow/react'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { describeNetem } from '../../shared/lab/netem.ts'
import { linkIds, nodeHost } from '../../shared/lab/normalize.ts'
import { isGuestPair, type NodeKind } from '../../shared/lab/schema.ts'
import { sshTarget } from '../../shared/lab/ssh.ts'
import {
  type Box,
  labelLines,
  labNodeSizes,
  linkShapes,
  nodeDetail,
  type Point,
  waitingSpot,
} from '../../shared/layout/geometry.ts'
import { checkedContent, labDomains } from '../document/checked.ts'
import { addHost, addNode, connect, moveNodes, placeOnHost } from '../document/commands.ts'
import { settleOpened } from '../document/layout-actions.ts'
import { useLinkKeys } from '../document/link-keys.ts'
import { useDocument } from '../document/use-document.ts'
import { warmUpOpening } from '../document/warm-up.ts'
import { useLive } from '../live/store.ts'
import { useUi } from '../ui/store.ts'
import { pickGuest } from '../understand/actions.ts'
import { PathCard } from '../understand/path-card.tsx'
import { PathOverlay } from '../understand/path-overlay.tsx'
import { ActivityMarks } from './activity.tsx'
import { DomainHalos, type DomainShape, domainShapes, haloRoom } from './domain-overlay.tsx'
import { LABEL_ZOOM, type LabEdgeData, LinkLabels, LinkLines } from './edges.tsx'
import { type Drawn, drawnBounds, fitViewport, inView, overlayBoxes } from './fit.ts'
import { freeSpot } from './free-spot.ts'
import { hostFrames } from './host-frame.tsx'
import { UnderNodes } from './layers.tsx'
import { CanvasLegend } from './legend.tsx'
import { LabMinimap } from './minimap.tsx'
import { type LabNodeData, nodeTypes as labNodeTypes } from './nodes.tsx'
import {
  Overview,
  type OverviewFrame,
  type OverviewHandlers,
  type OverviewNode,
  useOverviewPointer,
} from './overview.tsx'
import { placedAt, useLinkPlacement } from './placement.ts'
import { usePlaced, useStable } from './stable.ts'
import { vlanColour } from './vlan-colour.ts'

/** Labs with more nodes than this get a minimap (they are bigger than the view at a legible zoom). */
const MINIMAP_FROM = 40
/** What React Flow holds zoomed out: nothing (the overview draws the lab). */
const NO_NODES: Node[] = []
/** The fit button shows the whole lab down to React Flow's least zoom. */
const MIN_ZOOM = 0.05

export function Canvas() {
  const lab = useDocument((s) => s.lab)
  const opened = useDocument((s) => s.opened)
  const change = useDocument((s) => s.change)
  const endGesture = useDocument((s) => s.endGesture)
  // Only what the canvas draws from: a selection or a menu opening does not redraw 2,500 elements.
  const showDomains = useUi((s) => s.showDomains)
  const fit = useUi((s) => s.fit)
  const flow = useReactFlow()
  // Below reading zoom the lab is drawn by the overview (overview.tsx), not as React Flow nodes.
  const far = useStore((s) => s.transform[2] < LABEL_ZOOM)
  const machines = useLive((s) => s.machines)
  // What the canvas reads of the lab apart from positions: the same objects while a drag or a
  // move changes only the layout, so that sizes, link shapes and what nodes and links show are not
  // worked out again for 1,000 nodes when one is dropped.
  const labNodes = lab.nodes
  const labLinks = lab.links
  const content = useMemo(() => ({ nodes: labNodes, links: labLinks }), [labNodes, labLinks])
  const checked = checkedContent(lab)
  const domains = labDomains(lab)

  // A lab just opened (or New): lay out what has no position, then fit the view.
  const [settled, setSettled] = useState(-1)
  useEffect(() => {
    warmUpOpening()
    void settleOpened().then(() => setSettled(opened))
  }, [opened])
  // Fitted to what is drawn (labels stick out of node boxes), clear of the legend and controls.
  const canvasRef = useRef<HTMLDivElement>(null)
  const drawnRef = useRef<(() => Drawn) | null>(null)
  useEffect(() => {
    if (fit.seq === 0) return
    // After React Flow has the new nodes: the frame after this render.
    const frame = requestAnimationFrame(() => {
      const canvas = canvasRef.current
      const bounds = drawnRef.current && drawnBounds(drawnRef.current(), fit.nodes && new Set(fit.nodes))
      if (!canvas) return
      // An empty lab (New): drawing starts at full size, from the top-left.
      if (!bounds && fit.nodes === null) void flow.setViewport({ x: 0, y: 0, zoom: 1 }, { duration: 0 })
      if (!bounds) return
      const view = { width: canvas.clientWidth, height: canvas.clientHeight }
      const least = fit.whole ? MIN_ZOOM : undefined
      void flow.setViewport(fitViewport(bounds, view, overlayBoxes(canvas, !fit.whole), least), {
        duration: 0,
      })
    })
    return () => cancelAnimationFrame(frame)
  }, [fit, flow])

  // Each node's broadcast domains: lit up with the node under the mouse.
  const domainsOf = useMemo(() => {
    const out = new Map<string, Set<string>>()
    for (const d of domains)
      for (const m of d.members) {
        const node = m.slice(0, m.lastIndexOf(':'))
        out.set(node, (out.get(node) ?? new Set()).add(d.id))
      }
    return out
  }, [domains])

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

  // While a drag lasts the moved nodes' positions live here, not in the document: a drag frame then
  // re-derives only positions (boxes, the moved nodes' links, frames, halos), never the check, the
  // domains or anything else read from the lab. The document gets them once, when the drag ends.
  const [dragged, setDragged] = useState<Readonly<Record<string, { x: number; y: number }>> | null>(null)
  const sizes = useMemo(() => labNodeSizes(content), [content])
  const placed = useMemo(() => {
    const out = new Map<string, Box>()
    Object.keys(lab.nodes).forEach((name, i) => {
      // Until the first layout has run, a node without a position waits in a plain grid.
      const at = lab.layout?.[name] ?? waitingSpot(i)
      out.set(name, { ...at, ...sizes.get(name)! })
    })
    return out
  }, [lab, sizes])
  // During a drag: those, with the dragged nodes where they are now.
  const boxes = useMemo(() => {
    if (dragged === null) return placed
    const out = new Map(placed)
    for (const [name, at] of Object.entries(dragged)) {
      const size = sizes.get(name)
      if (size) out.set(name, { ...at, ...size })
    }
    return out
  }, [placed, sizes, dragged])

  const ids = useMemo(() => linkIds(labLinks ?? []), [labLinks])
  // Edges are keyed by the editor's link key: an ifname edit renames the link, not the edge.
  const keys = useLinkKeys((s) => s.keys)
  // Labels sit outside the domain halos around their guest: room for the most rings any node has.
  const halo = useMemo(
    () => haloRoom(Math.max(0, ...[...domainsOf.values()].map((d) => d.size))),
    [domainsOf],
  )
  const shapes = useMemo(() => linkShapes(content, ids, halo), [content, ids, halo])
  const { geometry, movedIndex, dropped } = useLinkPlacement(lab, boxes, shapes, dragged)

  const frames = useStable(
    useMemo(
      () =>
        hostFrames(
          Object.keys(lab.hosts ?? {}),
          (host) =>
            Object.entries(lab.nodes)
              .filter(([, n]) => n.host === host)
              .map(([name]) => boxes.get(name)!),
          (host) => lab.layout?.[host],
          (host) => sshTarget(lab.hosts?.[host]?.ssh),
        ),
      [lab, boxes],
    ),
  )

  // At rest every domain's halo is shaped; during a drag only those of the moved nodes' domains.
  const restHalos = useRef(new Map<string, DomainShape>())
  const halos = useMemo(() => {
    if (!showDomains) return null
    const hostOf = (n: string) => nodeHost(labNodes[n] ?? {})
    if (dragged === null) {
      const shapes = domainShapes(domains, boxes, hostOf)
      restHalos.current = new Map(shapes.map((s) => [s.id, s]))
      return shapes
    }
    const moving = new Set(Object.keys(dragged).flatMap((n) => [...(domainsOf.get(n) ?? [])]))
    return domainShapes(
      domains,
      boxes,
      hostOf,
      (id) => (moving.has(id) ? undefined : restHalos.current.get(id)),
      movedIndex,
    )
  }, [showDomains, domains, domainsOf, boxes, labNodes, dragged, movedIndex])

  // The editor's selection (the ui store's; React Flow's own is not kept).
  const selectedNodes = useUi((s) => s.selectedNodes)
  const selected = useMemo(() => new Set(selectedNodes), [selectedNodes])
  // What a node shows, apart from where: kept as it was for nodes an edit did not touch.
  const nodeData: (LabNodeData & { id: string })[] = useStable(
    useMemo(
      () =>
        Object.entries(labNodes).map(([name, node]) => ({
          id: name,
          name,
          kind: node.kind,
          detail: nodeDetail(node),
          domains: [...(domainsOf.get(name) ?? [])],
          problems: problemsOf.get(`node:${name}`) ?? [],
          selected: selected.has(name),
        })),
      [labNodes, domainsOf, problemsOf, selected],
    ),
  )
  const nodes = usePlaced(
    nodeData,
    (data) => boxes.get(data.name)!,
    (data, box): Node<LabNodeData> => ({
      id: data.name,
      type: 'lab',
      position: { x: box.x, y: box.y },
      width: box.width,
      height: box.height,
      // The size is known (geometry.ts): said, so that React Flow keeps the node's measured handles
      // when the node object changes, instead of measuring the node again (every drag frame).
      measured: { width: box.width, height: box.height },
      style: placedAt(box),
      // React Flow is told which nodes are selected: dragging one of them moves them all.
      selected: data.selected,
      data,
    }),
    (a, b) => a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height,
  )

  // What a link shows, apart from where (keyed by the editor's link key: an ifname edit renames the
  // link, not its line), then placed by the geometry.
  const linkData = useStable(
    useMemo(
      () =>
        (content.links ?? []).map((link, i) => ({
          id: keys[i] ?? ids[i]!,
          linkId: ids[i]!,
          linkKey: keys[i] ?? ids[i]!,
          guestLink: 'guest' in link,
          vlan: link.vlan ?? null,
          trunk: 'between' in link ? (link.trunk ?? []) : [],
          native: 'between' in link && link.native !== undefined ? [...new Set([link.native].flat())] : [],
          label: labelLines(link, isGuestPair(content, link)),
          problems: problemsOf.get(`link:${i}`) ?? [],
          adminDown: link.state === 'down',
          impairment: describeNetem(link.netem),
        })),
      [content, ids, keys, problemsOf],
    ),
  )
  const labelled: LabEdgeData[] = usePlaced(
    linkData,
    (d) => geometry.get(d.linkId) ?? null,
    (d, at) => ({ ...d, geometry: at }),
  )

  const legendVlans = useMemo(() => {
    const vlans = new Set<number>()
    for (const link of labLinks ?? []) {
      if (link.vlan !== undefined) vlans.add(link.vlan)
      if ('between' in link)
        for (const v of [...(link.trunk ?? []), ...[link.native ?? []].flat()]) vlans.add(v)
    }
    const count = new Map<number, number>()
    for (const d of domains) if (d.vlan !== null) count.set(d.vlan, (count.get(d.vlan) ?? 0) + 1)
    return {
      vlans: [...vlans].sort((a, b) => a - b),
      split: new Set([...count].filter(([, n]) => n > 1).map(([v]) => v)),
    }
  }, [labLinks, domains])

  // A drag moves the nodes on the canvas as it goes and in the document once, when it ends: one
  // undo step however far it went.
  const draggedRef = useRef(dragged)
  draggedRef.current = dragged
  // The end of a drag (React Flow's or the overview's): the document gets the nodes where they were
  // dropped, in one undo step.
  const drop = useCallback(
    (at: Readonly<Record<string, { x: number; y: number }>>) => {
      setDragged(null)
      if (Object.keys(at).length > 0) {
        const next = moveNodes(useDocument.getState().lab, at)
        dropped(next)
        change(() => next, 'drag')
      }
      endGesture()
    },
    [change, dropped, endGesture],
  )
  const onNodesChange = useCallback(
    (changes: NodeChange[]) => {
      const moved: Record<string, { x: number; y: number }> = {}
      let ended = false
      for (const c of changes) {
        if (c.type !== 'position') continue
        if (c.position) moved[c.id] = c.position
        if (c.dragging === false) ended = true
      }
      if (!ended) {
        if (Object.keys(moved).length > 0) setDragged((d) => ({ ...d, ...moved }))
        return
      }
      drop({ ...draggedRef.current, ...moved })
    },
    [drop],
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
      // Centred on the pointer, or the nearest spot clear of the other nodes (never on a bridge).
      let spot = at
      change((l) => {
        const next = addNode(l, kind, at)
        const added = Object.keys(next.nodes).find((n) => !(n in l.nodes))!
        const size = labNodeSizes(next).get(added)!
        spot = freeSpot(boxes, size, at, kind === 'container' || kind === 'netns' ? 'down' : 'up')
        const moved = moveNodes(next, { [added]: spot })
        return frame ? placeOnHost(moved, added, frame.data.name) : moved
      })
      // Where it landed is out of view (dropped at the edge, or moved clear of others): fit.
      const size = labNodeSizes(useDocument.getState().lab)
      const added = [...size.keys()].find((n) => !boxes.has(n))
      const canvas = canvasRef.current
      if (added && canvas && !inView({ ...spot, ...size.get(added)! }, 8, flow.getViewport(), canvas))
        useUi.getState().requestFit()
    },
    [change, flow, frames, boxes],
  )

  // Read when a fit is asked for, not made on every render (every drag frame).
  drawnRef.current = () => ({
    nodes: boxes,
    around: [
      ...frames.map((n) => ({ ...n.position, width: n.width, height: n.height })),
      ...(halos ?? []).flatMap((s) => s.hulls),
    ],
    labels: shapes.map((shape) => {
      const g = geometry.get(shape.id)
      const around = (p: Point, size: { width: number; height: number }) => ({
        x: p.x - size.width / 2,
        y: p.y - size.height / 2,
        ...size,
      })
      return {
        ends: shape.ends,
        boxes: g
          ? [around(g.label, shape.label), ...(g.chip && shape.chip ? [around(g.chip, shape.chip)] : [])]
          : [],
      }
    }),
  })

  // What a click, a context menu and the mouse over a node do, on React Flow's nodes at reading
  // zoom and on the overview's below it.
  const domainsOfRef = useRef(domainsOf)
  domainsOfRef.current = domainsOf
  const nodeActions = useMemo(
    () => ({
      click(name: string, shift: boolean) {
        if (!(name in useDocument.getState().lab.nodes)) return
        // A path waiting for its end guest takes the click (understand/actions.ts).
        if (pickGuest(name)) return
        // Shift-click adds to the selection (copy/paste takes several nodes).
        const ui = useUi.getState()
        ui.select(shift ? [...new Set([...ui.selectedNodes, name])] : [name], [])
      },
      menu(name: string, at: { x: number; y: number }) {
        if (!(name in useDocument.getState().lab.nodes)) return
        useUi.getState().select([name], [])
        useUi.getState().openMenu({ node: name, ...at })
      },
      hover(name: string | null) {
        useUi.getState().hover(name === null ? [] : [...(domainsOfRef.current.get(name) ?? [])])
      },
    }),
    [],
  )

  // The same functions every render: new ones would make React Flow re-render each of its 1,000
  // node wrappers (they take them as props) on every drag frame.
  const handlers = useMemo(
    () => ({
      onNodeDragStop: () => endGesture(),
      onConnect: (c: Connection) => change((l) => connect(l, c.source, c.target)),
      onNodeClick: (event: React.MouseEvent, node: Node) => nodeActions.click(node.id, event.shiftKey),
      onNodeContextMenu: (event: React.MouseEvent, node: Node) => {
        if (!(node.id in useDocument.getState().lab.nodes)) return
        event.preventDefault()
        nodeActions.menu(node.id, { x: event.clientX, y: event.clientY })
      },
      onPaneClick: () => {
        useUi.getState().select([], [])
        useUi.getState().openMenu(null)
      },
      onNodeMouseEnter: (_: React.MouseEvent, node: Node) => nodeActions.hover(node.id),
      onNodeMouseLeave: () => nodeActions.hover(null),
    }),
    [change, endGesture, nodeActions],
  )

  // Zoomed out: the lab as the overview draws it, and what pressing on it does. A drag there moves
  // the nodes as React Flow's does (the same `dragged`, one undo step when it ends).
  // Dragging at reading zoom, neither the overview nor the minimap needs them each frame (the
  // minimap shows the nodes where the drag began until it ends).
  const resting = dragged === null
  const lastOverviewNodes = useRef<OverviewNode[]>([])
  const overviewNodes = useMemo((): OverviewNode[] => {
    if (!resting && !far) return lastOverviewNodes.current
    lastOverviewNodes.current = nodeData.map((d) => ({
      name: d.name,
      kind: d.kind,
      box: boxes.get(d.name)!,
      problems: d.problems.length > 0,
      domains: d.domains,
    }))
    return lastOverviewNodes.current
  }, [nodeData, boxes, resting, far])
  const overviewFrames = useMemo(
    (): OverviewFrame[] =>
      frames.map((f) => ({
        name: f.data.name,
        box: { ...f.position, width: f.width, height: f.height },
        unreachable: f.data.machine !== undefined && machines[f.data.name]?.reachable === false,
      })),
    [frames, machines],
  )
  const overview = useMemo(
    () => ({ frames: overviewFrames, halos, links: labelled, nodes: overviewNodes }),
    [overviewFrames, halos, labelled, overviewNodes],
  )
  const overviewNodesRef = useRef(overviewNodes)
  overviewNodesRef.current = overviewNodes
  const overviewHandlers = useRef<OverviewHandlers>(null!)
  overviewHandlers.current = {
    drag: (moved) => setDragged((d) => ({ ...d, ...moved })),
    dragEnd: drop,
    ...nodeActions,
  }
  useOverviewPointer(far, overviewNodesRef, overviewHandlers)

  const paint = useUi((s) => s.paintVlan)
  const all = useMemo(() => (far ? NO_NODES : ([...frames, ...nodes] as Node[])), [far, frames, nodes])
  return (
    <div
      ref={canvasRef}
      className="canvas"
      role="application"
      aria-label="lab canvas"
      // The lab last opened is laid out (tests and the bench wait for this).
      data-settled={String(settled === opened)}
      data-zoom={far ? 'far' : 'near'}
      onDrop={onDrop}
      onDragOver={(e) => e.preventDefault()}
    >
      <ReactFlow
        nodes={all}
        nodeTypes={labNodeTypes}
        onNodesChange={onNodesChange}
        {...handlers}
        minZoom={0.05}
        // Only the nodes in view are in the page: Chromium's per-frame work (layerizing, hit testing)
        // grows with every element, in view or not; a big lab at a legible zoom shows a part of it.
        onlyRenderVisibleElements
        // Delete is the editor's shortcut (ui/shortcuts.ts), on its own selection: React Flow's
        // deleted the nodes selected in its store, which the canvas never selects (it never deleted).
        deleteKeyCode={null}
      >
        {far && <Overview scene={overview} />}
        {/* A lab that fits the view needs no map of itself (TopoViewer shows none either). */}
        {nodes.length > MINIMAP_FROM && <LabMinimap nodes={overviewNodes} frames={overviewFrames} />}
        <Controls orientation="horizontal" position="bottom-right" showFitView={false}>
          <ControlButton
            onClick={() => useUi.getState().requestFit(undefined, true)}
            title="fit the whole lab in view"
            aria-label="fit the whole lab in view"
            data-action="fit-whole"
          >
            <FitIcon />
          </ControlButton>
        </Controls>
        {!far && (
          <UnderNodes>
            {halos && <DomainHalos shapes={halos} />}
            <LinkLines links={labelled} />
          </UnderNodes>
        )}
        <PathOverlay links={labelled} layer="under" />
        <ActivityMarks links={labelled} />
        <LinkLabels links={labelled} />
        <PathOverlay links={labelled} layer="over" />
      </ReactFlow>
      <PathCard />
      <CanvasLegend vlans={legendVlans.vlans} split={legendVlans.split} />
      {paint !== null && (
        <div
          className="paint-hint"
          style={{ background: vlanColour(paint).css, color: vlanColour(paint).ink }}
        >
          painting VLAN {paint}: click links
        </div>
      )}
    </div>
  )
}

/** The fit button's corners (React Flow's own button fitted to its nodes, which zoomed out are none). */
const FitIcon = () => (
  <svg viewBox="0 0 16 16" aria-hidden="true">
    <path
      d="M1.5 5.5v-4h4M10.5 1.5h4v4M14.5 10.5v4h-4M5.5 14.5h-4v-4"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
    />
  </svg>
)
