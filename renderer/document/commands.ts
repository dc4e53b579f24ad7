// The editor's document commands: small named functions from a lab to the next lab. They never
// touch the DOM or the live state, so tests drive them like a user's gestures.
import { DEFAULT_GUEST_IFNAME, guestIfname, linkIds } from '../../shared/lab/normalize.ts'
import type { GuestLink, Lab, LabLink, LabNode, NodeKind } from '../../shared/lab/schema.ts'

export type Position = { x: number; y: number }

const PREFIX: Record<NodeKind, string> = {
  'ovs-bridge': 'ovs',
  'linux-bridge': 'br',
  container: 'c',
  netns: 'ns',
  uplink: 'eth',
}

/** The first free name of a kind: ovs0, ovs1, … (bridge names are interface names, so short). */
export function freeName(lab: Lab, kind: NodeKind): string {
  for (let i = kind === 'container' ? 1 : 0; ; i++) {
    const name = `${PREFIX[kind]}${i}`
    if (!(name in lab.nodes) && !(name in (lab.hosts ?? {}))) return name
  }
}

const defaults = (kind: NodeKind, name: string): LabNode => {
  switch (kind) {
    case 'container':
      return { kind, image: 'labbox:latest', command: ['sleep', '1000000'] }
    case 'uplink':
      return { kind, interface: name }
    default:
      return { kind } as LabNode
  }
}

export function addNode(lab: Lab, kind: NodeKind, at: Position, name = freeName(lab, kind)): Lab {
  return {
    ...lab,
    nodes: { ...lab.nodes, [name]: defaults(kind, name) },
    layout: { ...lab.layout, [name]: { x: Math.round(at.x), y: Math.round(at.y) } },
  }
}

export const moveNode = (lab: Lab, name: string, to: Position): Lab => moveNodes(lab, { [name]: to })

/** Moves nodes (a drag of one or several); the same lab back when nothing moved. */
export function moveNodes(lab: Lab, to: Readonly<Record<string, Position>>): Lab {
  const moved = Object.entries(to)
    .filter(([name]) => name in lab.nodes)
    .map(([name, at]) => [name, { x: Math.round(at.x), y: Math.round(at.y) }] as const)
    .filter(([name, at]) => lab.layout?.[name]?.x !== at.x || lab.layout?.[name]?.y !== at.y)
  if (moved.length === 0) return lab
  return { ...lab, layout: { ...lab.layout, ...Object.fromEntries(moved) } }
}

const isGuest = (node: LabNode | undefined) => node?.kind === 'container' || node?.kind === 'netns'
const isBridge = (node: LabNode | undefined) => node?.kind === 'ovs-bridge' || node?.kind === 'linux-bridge'

/** The next interface name a guest does not use yet: eth1, eth2, … */
function nextIfname(lab: Lab, guest: string): string {
  const used = new Set(
    (lab.links ?? []).filter((l): l is GuestLink => 'guest' in l && l.guest === guest).map(guestIfname),
  )
  // The ends of veths between guests, named where they were drawn (connect gives them ifnames).
  for (const l of lab.links ?? []) {
    if (!('between' in l) || !l.ifnames) continue
    if (l.between[0] === guest) used.add(l.ifnames[0])
    if (l.between[1] === guest) used.add(l.ifnames[1])
  }
  for (let i = 1; ; i++) if (!used.has(`eth${i}`)) return `eth${i}`
}

/**
 * Draws a link: a guest into a bridge or uplink, a wire between bridges, or a veth straight between
 * two guests. Null when it cannot be.
 */
export function connect(lab: Lab, a: string, b: string): Lab | null {
  const na = lab.nodes[a]
  const nb = lab.nodes[b]
  if (!na || !nb || a === b) return null
  let link: LabLink | null = null
  if (isGuest(na) && (isBridge(nb) || nb.kind === 'uplink')) link = { guest: a, to: b }
  else if (isGuest(nb) && (isBridge(na) || na.kind === 'uplink')) link = { guest: b, to: a }
  else if ((isBridge(na) || na.kind === 'uplink') && (isBridge(nb) || nb.kind === 'uplink'))
    link = { between: [a, b] }
  else if (isGuest(na) && isGuest(nb))
    link = { between: [a, b], ifnames: [nextIfname(lab, a), nextIfname(lab, b)] }
  if (!link) return null
  if ('guest' in link) {
    const ifname = nextIfname(lab, link.guest)
    if (ifname !== DEFAULT_GUEST_IFNAME) link = { ...link, ifname }
  }
  return { ...lab, links: [...(lab.links ?? []), link] }
}

/** Replaces some fields of one link (by id); `undefined` removes a field. */
export function updateLink(lab: Lab, linkId: string, fields: Record<string, unknown>): Lab {
  const index = linkIds(lab.links ?? []).indexOf(linkId)
  if (index < 0) return lab
  const before = lab.links![index] as Record<string, unknown>
  const next = { ...before }
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === '') delete next[key]
    else next[key] = value
  }
  // No change, no new lab: the store then records no undo step.
  if (JSON.stringify(next) === JSON.stringify(before)) return lab
  const links = [...lab.links!]
  links[index] = next as LabLink
  return { ...lab, links }
}

export function updateNode(lab: Lab, name: string, fields: Record<string, unknown>): Lab {
  const node = lab.nodes[name]
  if (!node) return lab
  const next = { ...(node as Record<string, unknown>) }
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === '') delete next[key]
    else next[key] = value
  }
  return { ...lab, nodes: { ...lab.nodes, [name]: next as LabNode } }
}

/** Paint mode: an access port takes the VLAN (or loses it with null). */
export const paintVlan = (lab: Lab, linkId: string, vlan: number | null): Lab =>
  updateLink(lab, linkId, { vlan: vlan ?? undefined })

/** Deletes nodes (with every link that touches them) and links. */
export function deleteSelection(lab: Lab, nodes: readonly string[], links: readonly string[]): Lab {
  const gone = new Set(nodes)
  const ids = linkIds(lab.links ?? [])
  const kept = (lab.links ?? []).filter((link, i) => {
    if (links.includes(ids[i]!)) return false
    const ends = 'guest' in link ? [link.guest, link.to] : link.between
    return !ends.some((e) => gone.has(e))
  })
  return {
    ...lab,
    nodes: Object.fromEntries(Object.entries(lab.nodes).filter(([n]) => !gone.has(n))),
    links: kept,
    layout: Object.fromEntries(Object.entries(lab.layout ?? {}).filter(([n]) => !gone.has(n))),
  }
}

/** Copies nodes and the links among them, pasted with fresh names beside the originals. */
export function duplicate(lab: Lab, nodes: readonly string[], offset: Position = { x: 40, y: 40 }): Lab {
  let next = lab
  const renamed = new Map<string, string>()
  for (const name of nodes) {
    const node = lab.nodes[name]
    if (!node) continue
    const at = lab.layout?.[name] ?? { x: 0, y: 0 }
    const fresh = freeName(next, node.kind)
    renamed.set(name, fresh)
    next = {
      ...next,
      nodes: { ...next.nodes, [fresh]: node },
      layout: { ...next.layout, [fresh]: { x: at.x + offset.x, y: at.y + offset.y } },
    }
  }
  const copies: LabLink[] = []
  for (const link of lab.links ?? []) {
    if ('guest' in link && renamed.has(link.guest) && renamed.has(link.to)) {
      const { ip: _ip, mac: _mac, ...rest } = link
      copies.push({ ...rest, guest: renamed.get(link.guest)!, to: renamed.get(link.to)! })
    }
    if ('between' in link && link.between.every((e) => renamed.has(e))) {
      copies.push({ ...link, between: [renamed.get(link.between[0])!, renamed.get(link.between[1])!] })
    }
  }
  return { ...next, links: [...(next.links ?? []), ...copies] }
}

/** A simulated host: its own namespace and Open vSwitch, drawn as a frame at `at`. */
export function addHost(lab: Lab, at: Position): Lab {
  let i = 1
  while (`host${i}` in (lab.hosts ?? {}) || `host${i}` in lab.nodes) i++
  const name = `host${i}`
  return {
    ...lab,
    hosts: { ...lab.hosts, [name]: { netns: true } },
    layout: { ...lab.layout, [name]: { x: Math.round(at.x), y: Math.round(at.y) } },
  }
}

/** Puts a node on a host (undefined: the machine itself). */
export const placeOnHost = (lab: Lab, node: string, host: string | undefined): Lab =>
  updateNode(lab, node, { host })

/** Renames a node everywhere it is named: its links, its layout entry. */
export function renameNode(lab: Lab, from: string, to: string): Lab | null {
  if (from === to || !(from in lab.nodes) || to in lab.nodes || to in (lab.hosts ?? {})) return null
  const rename = (n: string) => (n === from ? to : n)
  return {
    ...lab,
    nodes: Object.fromEntries(Object.entries(lab.nodes).map(([n, node]) => [rename(n), node])),
    links: (lab.links ?? []).map((link) =>
      'guest' in link
        ? { ...link, guest: rename(link.guest), to: rename(link.to) }
        : { ...link, between: [rename(link.between[0]), rename(link.between[1])] as [string, string] },
    ),
    layout: Object.fromEntries(Object.entries(lab.layout ?? {}).map(([n, at]) => [rename(n), at])),
  }
}

/** A second link like this one: a guest's next interface to the same bridge, or a parallel wire. */
export function duplicateLink(lab: Lab, linkId: string): Lab | null {
  const index = linkIds(lab.links ?? []).indexOf(linkId)
  const link = lab.links?.[index]
  if (!link) return null
  if ('between' in link && isGuest(lab.nodes[link.between[0]]) && isGuest(lab.nodes[link.between[1]])) {
    // Another veth between the same guests, on each guest's next free interface.
    return connect(lab, link.between[0], link.between[1])
  }
  if ('between' in link) {
    // The copy's interfaces get their default names: the original's are taken.
    const { ifnames: _taken, ...copy } = link
    return { ...lab, links: [...lab.links!, copy] }
  }
  const next = connect(lab, link.guest, link.to)
  if (!next || link.vlan === undefined) return next
  const added = next.links!.length - 1
  return { ...next, links: next.links!.map((l, i) => (i === added ? { ...l, vlan: link.vlan } : l)) }
}

/** Sets (or with null removes) the access VLAN of every guest link of a node. */
export function setNodeVlan(lab: Lab, node: string, vlan: number | null): Lab {
  const ids = linkIds(lab.links ?? [])
  let next = lab
  ;(lab.links ?? []).forEach((link, i) => {
    if ('guest' in link && (link.guest === node || link.to === node)) next = paintVlan(next, ids[i]!, vlan)
  })
  return next
}
