// Auto-layout with ELK's layered algorithm: bridges above their guests, one box per host, and the
// guests of a VLAN side by side (they are ordered by VLAN before ELK places them).
import { nodeHost } from '../../shared/lab/normalize.ts'
import type { Lab } from '../../shared/lab/schema.ts'

type ElkCtor = new () => { layout(graph: ElkNode & { edges?: unknown[] }): Promise<ElkNode> }

/** ELK is big: loaded the first time a layout is asked for, not with the editor. */
async function loadElk() {
  const module = (await import('elkjs/lib/elk.bundled.js')) as unknown as {
    default: ElkCtor | { default: ElkCtor }
  }
  // elk.bundled.js is CommonJS: depending on the bundler its constructor is the default or under it.
  const Elk = 'default' in module.default ? module.default.default : module.default
  return new Elk()
}
const SIZE = { ovs: { width: 130, height: 60 }, guest: { width: 130, height: 70 } }

type ElkNode = {
  id: string
  width?: number
  height?: number
  x?: number
  y?: number
  children?: ElkNode[]
  layoutOptions?: Record<string, string>
}

export async function autoLayout(lab: Lab): Promise<Lab> {
  const vlanOf = new Map<string, number>()
  for (const link of lab.links ?? [])
    if ('guest' in link && link.vlan !== undefined) vlanOf.set(link.guest, link.vlan)
  const names = Object.keys(lab.nodes).sort(
    (a, b) => (vlanOf.get(a) ?? 0) - (vlanOf.get(b) ?? 0) || a.localeCompare(b),
  )
  const hosts = new Map<string, ElkNode>()
  for (const name of names) {
    const node = lab.nodes[name]!
    const host = nodeHost(node)
    const box = hosts.get(host) ?? {
      id: `host:${host}`,
      children: [],
      layoutOptions: { 'elk.padding': '[top=30,left=20,bottom=20,right=20]' },
    }
    hosts.set(host, box)
    box.children!.push({ id: name, ...(node.kind.endsWith('bridge') ? SIZE.ovs : SIZE.guest) })
  }
  const edges = (lab.links ?? []).map((link, i) => {
    const [a, b] = 'guest' in link ? [link.to, link.guest] : link.between
    return { id: `e${i}`, sources: [a], targets: [b] }
  })
  const elk = await loadElk()
  const graph = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.spacing.nodeNode': '40',
    },
    children: [...hosts.values()],
    edges,
  })
  const layout: NonNullable<Lab['layout']> = {}
  for (const box of (graph.children ?? []) as ElkNode[]) {
    for (const child of box.children ?? []) {
      layout[child.id] = {
        x: Math.round((box.x ?? 0) + (child.x ?? 0)),
        y: Math.round((box.y ?? 0) + (child.y ?? 0)),
      }
    }
  }
  return { ...lab, layout }
}
