// A containerlab topology (`*.clab.yml`) as a patchbay lab. What maps: kinds linux (a container),
// bridge, ovs-bridge, host and macvlan endpoints, veth links in the short and the extended form with
// their MACs and MTU, addresses from the node's `exec` lines (`ip addr add CIDR dev IF`), the VLAN
// settings patchbay's own export keeps in link `vars`, and positions from the annotations file.
// Everything else is reported with its YAML line, never dropped without a word.
import { isMap, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from 'yaml'
import type { Lab, LabLink, LabNode } from '../lab/schema.ts'

export interface ClabNote {
  readonly line: number
  readonly message: string
}

export interface ClabImport {
  readonly lab: Record<string, unknown>
  /** What did not map, or mapped only roughly: one line each, with the YAML line. */
  readonly notes: readonly ClabNote[]
  /** Errors that stop the import (not a containerlab topology, bad YAML). */
  readonly errors: readonly ClabNote[]
}

/** Containerlab annotations (`<topology>.annotations.json`): node positions from its graph view. */
export interface ClabAnnotations {
  readonly nodeAnnotations?: readonly { id?: unknown; position?: { x?: unknown; y?: unknown } }[]
}

/** A topology by its content: a top-level `topology:` map with `nodes` or `links`. */
export function looksLikeContainerlab(text: string, file = ''): boolean {
  if (/\.clab\.ya?ml$/.test(file)) return true
  return /^topology:\s*$/m.test(text) && /^\s+(nodes|links):/m.test(text)
}

const NODE_FIELDS_IGNORED_SILENTLY = new Set(['kind', 'image', 'cmd', 'exec', 'group', 'labels'])

export function importContainerlab(text: string, annotations?: ClabAnnotations | null): ClabImport {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false })
  const lineOf = (node: Node | null | undefined) => (node?.range ? lines.linePos(node.range[0]).line : 1)
  if (doc.errors.length > 0) {
    return {
      lab: {},
      notes: [],
      errors: doc.errors.map((e) => ({
        line: lines.linePos(e.pos[0]).line,
        message: e.message.split('\n')[0]!,
      })),
    }
  }
  const root = doc.contents
  const topology = isMap(root) ? root.get('topology', true) : null
  if (!isMap(topology)) {
    return {
      lab: {},
      notes: [],
      errors: [{ line: 1, message: 'not a containerlab topology: no topology: map' }],
    }
  }
  const notes: ClabNote[] = []
  const note = (node: Node | null | undefined, message: string) => notes.push({ line: lineOf(node), message })
  const data = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>
  const name = labName(String(data.name ?? 'imported'))
  const topo = data.topology as Record<string, unknown>

  for (const key of ['kinds', 'defaults', 'groups'] as const) {
    if (topo[key] !== undefined)
      note(
        topology.get(key, true) as Node,
        `topology.${key} is not mapped: patchbay has no per-kind defaults`,
      )
  }
  for (const key of Object.keys(data)) {
    if (key !== 'name' && key !== 'topology' && isMap(root))
      note((root as YAMLMap).get(key, true) as Node, `${key} is not mapped (containerlab's own settings)`)
  }

  const nodes: Record<string, LabNode> = {}
  const addresses = new Map<string, Map<string, string[]>>() // node -> ifname -> CIDRs
  const routes = new Map<string, string[]>() // node:ifname -> default gateways
  const rawNodes = (topo.nodes ?? {}) as Record<string, Record<string, unknown>>
  const nodesMap = topology.get('nodes', true)
  for (const [node, spec] of Object.entries(rawNodes)) {
    const at = isMap(nodesMap) ? (nodesMap.get(node, true) as Node) : null
    const field = (key: string) => (isMap(at) ? (at.get(key, true) as Node) : at)
    const kind = String(spec?.kind ?? '')
    if (kind === 'linux') {
      const command = typeof spec.cmd === 'string' ? spec.cmd.split(/\s+/).filter(Boolean) : undefined
      nodes[node] = {
        kind: 'container',
        ...(typeof spec.image === 'string' ? { image: spec.image } : {}),
        ...(command && typeof spec.image === 'string' ? { command } : {}),
      }
    } else if (kind === 'bridge') nodes[node] = { kind: 'linux-bridge' }
    else if (kind === 'ovs-bridge') nodes[node] = { kind: 'ovs-bridge' }
    else if (kind === 'host')
      continue // the host's own namespace: links to it are mapped below
    else {
      note(
        at,
        `node ${node}: kind ${JSON.stringify(kind)} is not mapped (patchbay runs linux containers, netns, bridges)`,
      )
      continue
    }
    for (const key of Object.keys(spec ?? {})) {
      if (NODE_FIELDS_IGNORED_SILENTLY.has(key)) continue
      note(field(key), `node ${node}: ${key} is not mapped`)
    }
    const execs = Array.isArray(spec.exec) ? spec.exec : []
    const execNode = field('exec')
    execs.forEach((line, i) => {
      const m = /^ip\s+(?:-\d\s+)?addr(?:ess)?\s+add\s+(\S+)\s+dev\s+(\S+)\s*$/.exec(String(line))
      const route = /^ip\s+(?:-\d\s+)?route\s+(?:add|replace)\s+default\s+via\s+(\S+)\s+dev\s+(\S+)\s*$/.exec(
        String(line),
      )
      const item = isSeq(execNode) ? (execNode.items[i] as Node) : execNode
      if (route) {
        routes.set(`${node}:${route[2]}`, [...(routes.get(`${node}:${route[2]}`) ?? []), route[1]!])
        return
      }
      if (!m) {
        note(
          item,
          `node ${node}: exec ${JSON.stringify(line)} is not mapped (only "ip addr add CIDR dev IF" and "ip route replace default via GW dev IF" are)`,
        )
        return
      }
      const perIf = addresses.get(node) ?? new Map<string, string[]>()
      perIf.set(m[2]!, [...(perIf.get(m[2]!) ?? []), m[1]!])
      addresses.set(node, perIf)
    })
  }

  const links: LabLink[] = []
  const linksSeq = topology.get('links', true)
  const rawLinks = (topo.links ?? []) as Record<string, unknown>[]
  const used = new Map<string, Set<string>>() // guest -> ifnames
  const take = (guest: string, ifname: string) => {
    const set = used.get(guest) ?? new Set<string>()
    set.add(ifname)
    used.set(guest, set)
  }
  const ipsOf = (node: string, ifname: string) => addresses.get(node)?.get(ifname)
  rawLinks.forEach((raw, i) => {
    const at = isSeq(linksSeq) ? (linksSeq.items[i] as Node) : null
    const mapped = mapLink(raw, nodes, ipsOf, (m) => note(at, `links[${i}]: ${m}`))
    for (const mappedLink of mapped.links) {
      const gw = 'guest' in mappedLink ? routes.get(`${mappedLink.guest}:${mappedLink.ifname}`) : undefined
      const link = gw ? { ...mappedLink, gateway: gw.length === 1 ? gw[0]! : gw } : mappedLink
      links.push(link)
      if ('guest' in link) take(link.guest, link.ifname ?? 'eth1')
      else if (link.ifnames && isGuest(nodes[link.between[0]])) {
        take(link.between[0], link.ifnames[0])
        take(link.between[1], link.ifnames[1])
      }
    }
    for (const [node, kind] of mapped.newNodes) nodes[node] ??= kind
  })
  // An address on an interface no link made is dropped, and said.
  for (const [node, perIf] of addresses) {
    for (const [ifname, cidrs] of perIf) {
      if (!used.get(node)?.has(ifname))
        note(
          isMap(nodesMap) ? (nodesMap.get(node, true) as Node) : null,
          `node ${node}: ${cidrs.join(', ')} on ${ifname}, which no link makes, is not mapped`,
        )
    }
  }

  const layout: Record<string, { x: number; y: number }> = {}
  for (const a of annotations?.nodeAnnotations ?? []) {
    const x = Number(a.position?.x)
    const y = Number(a.position?.y)
    if (typeof a.id === 'string' && a.id in nodes && Number.isFinite(x) && Number.isFinite(y))
      layout[a.id] = { x, y }
  }
  const lab: Partial<Lab> = {
    patchbay: 1,
    name,
    nodes,
    ...(links.length > 0 ? { links } : {}),
    ...(Object.keys(layout).length > 0 ? { layout } : {}),
  }
  return { lab: lab as Record<string, unknown>, notes: notes.sort((a, b) => a.line - b.line), errors: [] }
}

const isGuest = (node: LabNode | undefined) => node?.kind === 'container' || node?.kind === 'netns'

/** A lab name from containerlab's (which allows more characters). */
function labName(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 32)
    .replace(/-+$/, '')
  return cleaned || 'imported'
}

interface End {
  readonly node: string
  readonly ifname: string
  readonly mac?: string
}

function endOf(value: unknown): End | null {
  if (typeof value === 'string') {
    const colon = value.indexOf(':')
    if (colon <= 0) return null
    return { node: value.slice(0, colon), ifname: value.slice(colon + 1) }
  }
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>
    if (typeof v.node !== 'string' || typeof v.interface !== 'string') return null
    return { node: v.node, ifname: v.interface, ...(typeof v.mac === 'string' ? { mac: v.mac } : {}) }
  }
  return null
}

/** The VLAN settings patchbay's export keeps in a link's `vars.patchbay`. */
function patchbayVars(raw: Record<string, unknown>): Record<string, unknown> {
  const vars = raw.vars as Record<string, unknown> | undefined
  const mine = vars?.patchbay
  return mine && typeof mine === 'object' ? { ...(mine as Record<string, unknown>) } : {}
}

/**
 * A link's own addresses, added to those the node's `exec` lines give: the brief form's
 * `ipv4: [a, b]` / `ipv6: [a, b]` (one per endpoint, in order) and an extended endpoint's
 * `ipv4` / `ipv6`. An empty string leaves that endpoint without one.
 */
function withEndpointAddresses(
  raw: Record<string, unknown>,
  ipsOf: (node: string, ifname: string) => string[] | undefined,
): (node: string, ifname: string) => string[] | undefined {
  const ends = Array.isArray(raw.endpoints) ? raw.endpoints : raw.endpoint !== undefined ? [raw.endpoint] : []
  const own = new Map<string, string[]>()
  ends.forEach((value, i) => {
    const end = endOf(value)
    if (!end) return
    const cidrs: string[] = []
    for (const family of ['ipv4', 'ipv6'] as const) {
      const perLink = Array.isArray(raw[family]) ? (raw[family] as unknown[])[i] : undefined
      const perEnd =
        value && typeof value === 'object' ? (value as Record<string, unknown>)[family] : undefined
      for (const cidr of [perLink, perEnd]) if (typeof cidr === 'string' && cidr !== '') cidrs.push(cidr)
    }
    if (cidrs.length > 0) own.set(`${end.node}:${end.ifname}`, cidrs)
  })
  if (own.size === 0) return ipsOf
  return (node, ifname) => {
    const all = [...(ipsOf(node, ifname) ?? []), ...(own.get(`${node}:${ifname}`) ?? [])]
    return all.length > 0 ? all : undefined
  }
}

function mapLink(
  raw: Record<string, unknown>,
  nodes: Record<string, LabNode>,
  execIps: (node: string, ifname: string) => string[] | undefined,
  note: (message: string) => void,
): { links: LabLink[]; newNodes: [string, LabNode][] } {
  const none = { links: [], newNodes: [] }
  const type = typeof raw.type === 'string' ? raw.type : 'veth'
  const ipsOf = withEndpointAddresses(raw, execIps)
  const mtu = typeof raw.mtu === 'number' ? { mtu: raw.mtu } : {}
  const vars = patchbayVars(raw)
  const otherVars = Object.keys((raw.vars as object | undefined) ?? {}).filter((k) => k !== 'patchbay')
  if (otherVars.length > 0) note(`vars ${otherVars.join(', ')} are not mapped`)
  for (const key of ['labels', 'remote-node']) if (raw[key] !== undefined) note(`${key} is not mapped`)
  if (type === 'vxlan' || type === 'vxlan-stitch') {
    note(
      `a ${type} link to a remote address is not mapped: patchbay tunnels join two bridges of simulated hosts`,
    )
    return none
  }
  if (type === 'mgmt-net' || type === 'dummy') {
    note(`a ${type} link is not mapped: patchbay labs have no management network`)
    return none
  }
  if (type === 'macvlan' || type === 'host') {
    const end = endOf(raw.endpoint)
    const hostIf = typeof raw['host-interface'] === 'string' ? raw['host-interface'] : null
    if (!end || !hostIf) {
      note(`a ${type} link needs endpoint and host-interface`)
      return none
    }
    return type === 'macvlan'
      ? macvlan(end, hostIf, nodes, ipsOf, note)
      : hostLink(end, hostIf, nodes, ipsOf, mtu, note)
  }
  if (type !== 'veth') {
    note(`link type ${JSON.stringify(type)} is not mapped`)
    return none
  }
  const ends = Array.isArray(raw.endpoints) ? raw.endpoints.map(endOf) : []
  if (ends.length !== 2 || !ends[0] || !ends[1]) {
    note('a link needs two endpoints "node:interface"')
    return none
  }
  const [a, b] = ends as [End, End]
  // The short form's special nodes.
  if (a.node === 'host' || b.node === 'host') {
    const [guest, host] = a.node === 'host' ? [b, a] : [a, b]
    return hostLink(guest, host.ifname, nodes, ipsOf, mtu, note)
  }
  if (a.node === 'macvlan' || b.node === 'macvlan') {
    const [guest, nic] = a.node === 'macvlan' ? [b, a] : [a, b]
    return macvlan(guest, nic.ifname, nodes, ipsOf, note)
  }
  const na = nodes[a.node]
  const nb = nodes[b.node]
  if (!na || !nb) {
    note(`an endpoint names ${!na ? a.node : b.node}, which is not mapped`)
    return none
  }
  const bridge = (n: LabNode) => n.kind === 'ovs-bridge' || n.kind === 'linux-bridge'
  if (isGuest(na) && isGuest(nb)) {
    const ips = [ipsOf(a.node, a.ifname) ?? [], ipsOf(b.node, b.ifname) ?? []] as [string[], string[]]
    const one = (list: string[]) => (list.length === 1 ? list[0]! : list)
    return {
      links: [
        {
          between: [a.node, b.node],
          ifnames: [a.ifname, b.ifname],
          ...(ips[0].length + ips[1].length > 0
            ? { ips: [one(ips[0]), one(ips[1])] as [string, string] }
            : {}),
          ...(a.mac && b.mac ? { macs: [a.mac, b.mac] as [string, string] } : {}),
          ...mtu,
        },
      ],
      newNodes: [],
    }
  }
  if (bridge(na) && bridge(nb)) {
    const wire: Record<string, unknown> = { between: [a.node, b.node], ifnames: [a.ifname, b.ifname], ...mtu }
    for (const key of ['vlan', 'trunk', 'native'] as const) if (vars[key] !== undefined) wire[key] = vars[key]
    return { links: [wire as LabLink], newNodes: [] }
  }
  const [guest, br] = isGuest(na) ? [a, b] : [b, a]
  const ips = ipsOf(guest.node, guest.ifname)
  const link: Record<string, unknown> = {
    guest: guest.node,
    to: br.node,
    ifname: guest.ifname,
    hostIfname: br.ifname,
    ...(ips ? { ip: ips.length === 1 ? ips[0] : ips } : {}),
    ...(guest.mac ? { mac: guest.mac } : {}),
    ...(vars.vlan !== undefined ? { vlan: vars.vlan } : {}),
    ...mtu,
  }
  return { links: [link as LabLink], newNodes: [] }
}

function macvlan(
  end: End,
  nic: string,
  nodes: Record<string, LabNode>,
  ipsOf: (node: string, ifname: string) => string[] | undefined,
  note: (message: string) => void,
): { links: LabLink[]; newNodes: [string, LabNode][] } {
  if (!isGuest(nodes[end.node])) {
    note(`macvlan endpoint ${end.node} is not a mapped container`)
    return { links: [], newNodes: [] }
  }
  const uplink = `nic-${nic}`
  const ips = ipsOf(end.node, end.ifname)
  return {
    links: [
      {
        guest: end.node,
        to: uplink,
        ifname: end.ifname,
        ...(ips ? { ip: ips } : {}),
        ...(end.mac ? { mac: end.mac } : {}),
      },
    ],
    newNodes: [[uplink, { kind: 'uplink', interface: nic }]],
  }
}

/**
 * A veth from a container into the host's namespace. patchbay always puts a guest's host end on a
 * bridge: the host end keeps its name, on a Linux bridge of its own (`host-<ifname>`), and that is said.
 */
function hostLink(
  end: End,
  hostIf: string,
  nodes: Record<string, LabNode>,
  ipsOf: (node: string, ifname: string) => string[] | undefined,
  mtu: { mtu?: number },
  note: (message: string) => void,
): { links: LabLink[]; newNodes: [string, LabNode][] } {
  if (!isGuest(nodes[end.node])) {
    note(`host endpoint's peer ${end.node} is not a mapped container`)
    return { links: [], newNodes: [] }
  }
  const bridge = `host-${hostIf}`.slice(0, 15)
  note(
    `the host end ${hostIf} is put on a Linux bridge ${bridge} of its own (patchbay plugs host ends into bridges)`,
  )
  const ips = ipsOf(end.node, end.ifname)
  return {
    links: [
      {
        guest: end.node,
        to: bridge,
        ifname: end.ifname,
        hostIfname: hostIf,
        ...(ips ? { ip: ips } : {}),
        ...(end.mac ? { mac: end.mac } : {}),
        ...mtu,
      },
    ],
    newNodes: [[bridge, { kind: 'linux-bridge' }]],
  }
}
