// Broadcast domains of a lab, from the drawing alone: which guest interfaces hear each other's
// broadcasts. Vertices are (bridge, VLAN) pairs and guest interfaces; guest links and wires join
// them through the port modes of ports.ts; a union-find gives the components.
import type { Cidr } from '../lab/addresses.ts'
import { resolveMac } from '../lab/mac.ts'
import {
  bridgeAddresses,
  guestIfname,
  linkIds,
  linuxBridgeFilters,
  memberName,
  staticAddresses,
} from '../lab/normalize.ts'
import { error, type Problem, warning } from '../lab/problem.ts'
import { type GuestLink, isGuestLink, isGuestPair, isWire, type Lab, type WireLink } from '../lab/schema.ts'
import { pairEnds } from '../plan/device-names.ts'
import { internalVlan, labelsToTry, type PortMode } from './ports.ts'
import { UnionFind } from './union-find.ts'

export interface DomainMember {
  /** `guest:ifname` */
  readonly name: string
  readonly linkIndex: number
  readonly linkId: string
  /** The bridge it plugs into; for an end of a veth between two guests, that link's id (`a~b`). */
  readonly bridge: string
  readonly guest: string
  readonly ifname: string
  /** Set for an end of a veth between two guests: which end of its link's `between`. */
  readonly end?: 0 | 1
  readonly addresses: readonly Cidr[]
  readonly dhcp: boolean
}

/** The guest link a member stands for: its own, or what an end of a guest pair behaves like. */
export function memberLink(lab: Lab, member: DomainMember): GuestLink {
  const link = (lab.links ?? [])[member.linkIndex]!
  if (member.end === undefined) return link as GuestLink
  return pairEnds(lab.name, link as WireLink)[member.end].link
}

/** Where a member's addresses (the i-th of a list) and its MAC are written in the lab. */
function memberPaths(lab: Lab, member: DomainMember) {
  const at = ['links', member.linkIndex] as (string | number)[]
  const link = (lab.links ?? [])[member.linkIndex]!
  if (member.end === undefined) {
    const listed = Array.isArray((link as GuestLink).ip)
    return { ip: (i: number) => (listed ? [...at, 'ip', i] : [...at, 'ip']), mac: [...at, 'mac'] }
  }
  const listed = Array.isArray((link as WireLink).ips?.[member.end])
  const end = member.end
  return {
    ip: (i: number) => (listed ? [...at, 'ips', end, i] : [...at, 'ips', end]),
    mac: [...at, 'macs', end],
  }
}

export interface BroadcastDomain {
  /** `bridge/vlan` of the domain's first bridge, e.g. `ovs0/100` or `br0/untagged`. */
  readonly id: string
  /** The VLAN every bridge in the domain calls it, or null (untagged, or named differently). */
  readonly vlan: number | null
  /** Sorted `guest:ifname` names. */
  readonly members: readonly string[]
  readonly bridges: readonly string[]
  /** Addresses the hosts themselves have in the domain (`ip:` on a bridge). */
  readonly hostAddresses: readonly { readonly node: string; readonly address: Cidr }[]
}

export interface DomainAnalysis {
  readonly domains: readonly BroadcastDomain[]
  /** Member name → domain id. */
  readonly domainOf: ReadonlyMap<string, string>
  readonly members: ReadonlyMap<string, DomainMember>
  /** Teacher's warnings, and duplicate IP/MAC errors, with the lab path they concern. */
  readonly problems: readonly Problem[]
}

export const UNTAGGED = 0

/** Whether each Linux bridge filters VLANs, found in one pass (asking per link would be quadratic). */
export function filteringBridges(lab: Lab): (bridge: string) => boolean {
  const filters = new Map<string, boolean>()
  return (bridge) => {
    let known = filters.get(bridge)
    if (known === undefined) {
      known = linuxBridgeFilters(lab, bridge)
      filters.set(bridge, known)
    }
    return known
  }
}

export function guestPortMode(lab: Lab, link: GuestLink, filters: (bridge: string) => boolean): PortMode {
  const to = lab.nodes[link.to]
  if (to?.kind === 'uplink') return { kind: 'access', vlan: link.vlan ?? UNTAGGED } // macvlan, on 802.1Q if tagged
  if (to?.kind === 'linux-bridge' && !filters(link.to)) return { kind: 'transparent' }
  if (link.vlan !== undefined) return { kind: 'access', vlan: link.vlan }
  // A filtering Linux bridge puts untagged ports in its default PVID 1; OVS keeps them untagged.
  if (to?.kind === 'linux-bridge') return { kind: 'access', vlan: 1 }
  return { kind: 'trunk', allowed: 'all', native: null }
}

export function wireEndMode(
  lab: Lab,
  wire: WireLink,
  end: 0 | 1,
  filters: (bridge: string) => boolean,
): PortMode {
  const bridge = wire.between[end]
  const node = lab.nodes[bridge]
  if (node?.kind === 'uplink') return { kind: 'transparent' }
  if (node?.kind === 'linux-bridge' && !filters(bridge)) return { kind: 'transparent' }
  if (wire.vlan !== undefined) return { kind: 'access', vlan: wire.vlan }
  const native = Array.isArray(wire.native) ? wire.native[end] : (wire.native ?? null)
  if (wire.trunk !== undefined || native !== null) {
    return { kind: 'trunk', allowed: wire.trunk ? new Set(wire.trunk) : 'all', native }
  }
  if (node?.kind === 'linux-bridge') return { kind: 'access', vlan: 1 }
  return { kind: 'trunk', allowed: 'all', native: null }
}

/** Every VLAN id the lab mentions: the tags an "all VLANs" trunk can actually carry. */
export function labVlans(lab: Lab): Set<number> {
  const vlans = new Set<number>([1])
  for (const link of lab.links ?? []) {
    if (link.vlan !== undefined) vlans.add(link.vlan)
    if (isWire(link)) {
      for (const v of link.trunk ?? []) vlans.add(v)
      for (const v of [link.native ?? []].flat()) vlans.add(v)
    }
  }
  return vlans
}

/** The id of the domain of a guest alone behind a link that is `state: down`. */
export const DOWN_DOMAIN = 'down/'

const vertexKey = (bridge: string, vlan: number): string =>
  `${bridge}/${vlan === UNTAGGED ? 'untagged' : vlan}`

export function broadcastDomains(lab: Lab): DomainAnalysis {
  const links = lab.links ?? []
  const ids = linkIds(links)
  const vlans = labVlans(lab)
  const filters = filteringBridges(lab)
  const sets = new UnionFind()
  // Set ids are kept where they are made: looking a string up again costs more than the union itself.
  const vertices: { bridge: string; vlan: number; id: number }[] = []
  const byBridge = new Map<string, Map<number, number>>()
  const vertex = (bridge: string, vlan: number): number => {
    let vlansOf = byBridge.get(bridge)
    if (!vlansOf) {
      vlansOf = new Map()
      byBridge.set(bridge, vlansOf)
    }
    let id = vlansOf.get(vlan)
    if (id === undefined) {
      id = sets.add()
      vlansOf.set(vlan, id)
      vertices.push({ bridge, vlan, id })
    }
    return id
  }
  const memberIds: [DomainMember, number][] = []

  const members = new Map<string, DomainMember>()
  // A veth between two guests is a broadcast domain of its own: its two ends and nothing else.
  const pairRoots = new Map<number, string>()
  links.forEach((link, linkIndex) => {
    if (isWire(link) && isGuestPair(lab, link)) {
      const linkId = ids[linkIndex]!
      const ends = pairEnds(lab.name, link).map((end) => {
        const member: DomainMember = {
          name: `${end.guest}:${end.ifname}`,
          linkIndex,
          linkId,
          bridge: linkId,
          guest: end.guest,
          ifname: end.ifname,
          end: end.end,
          addresses: staticAddresses(end.link),
          dhcp: false,
        }
        members.set(member.name, member)
        const id = sets.add()
        memberIds.push([member, id])
        return id
      })
      sets.union(ends[0]!, ends[1]!)
      pairRoots.set(ends[0]!, linkId)
      return
    }
    if (isGuestLink(link)) {
      if (lab.nodes[link.to] === undefined || lab.nodes[link.guest] === undefined) return
      const landsIn = internalVlan(guestPortMode(lab, link, filters), UNTAGGED)
      if (landsIn === null) return
      // A guest link's id is its member name (linkIds), unless it repeats one: reuse the string.
      const linkId = ids[linkIndex]!
      const name = linkId.includes('#') ? memberName(link) : linkId
      const member: DomainMember = {
        name,
        linkIndex,
        linkId,
        bridge: link.to,
        guest: link.guest,
        ifname: guestIfname(link),
        addresses: staticAddresses(link),
        dhcp: link.ip === 'dhcp',
      }
      members.set(name, member)
      const id = sets.add()
      memberIds.push([member, id])
      // A link the lab sets down (`state: down`) cuts its guest off: a domain of its own.
      if (link.state !== 'down') sets.union(id, vertex(link.to, landsIn))
    } else if (isWire(link)) {
      const [a, b] = link.between
      if (lab.nodes[a] === undefined || lab.nodes[b] === undefined || link.state === 'down') return
      const modeA = wireEndMode(lab, link, 0, filters)
      const modeB = wireEndMode(lab, link, 1, filters)
      for (const label of labelsToTry(modeA, modeB, vlans)) {
        const inA = internalVlan(modeA, label)
        const inB = internalVlan(modeB, label)
        if (inA !== null && inB !== null) sets.union(vertex(a, inA), vertex(b, inB))
      }
    }
  })

  // Host addresses on a bridge live in its untagged space (OVS internal port, Linux bridge device).
  const hostAddressRoots = new Map<number, { node: string; address: Cidr }[]>()
  // Only bridges with links can hold a domain: they are the vertices' bridges, found without
  // walking every node of the lab (10k guests in a big one).
  for (const name of byBridge.keys()) {
    const node = lab.nodes[name]!
    for (const address of bridgeAddresses(node)) {
      const filtering = node.kind === 'linux-bridge' && filters(name)
      const root = sets.find(vertex(name, filtering ? 1 : UNTAGGED))
      const here = hostAddressRoots.get(root)
      if (here) here.push({ node: name, address })
      else hostAddressRoots.set(root, [{ node: name, address }])
    }
  }

  const byRoot = new Map<number, { members: DomainMember[]; vertices: { bridge: string; vlan: number }[] }>()
  const group = (root: number) => {
    const g = byRoot.get(root) ?? { members: [], vertices: [] }
    byRoot.set(root, g)
    return g
  }
  for (const [member, id] of memberIds) group(sets.find(id)).members.push(member)
  for (const v of vertices) byRoot.get(sets.find(v.id))?.vertices.push(v)
  const pairOf = new Map([...pairRoots].map(([member, linkId]) => [sets.find(member), linkId]))

  const domains: BroadcastDomain[] = []
  const domainOf = new Map<string, string>()
  // The problems below walk each domain's members as objects, sorted like `members`.
  const inDomain = new Map<string, DomainMember[]>()
  for (const [root, g] of byRoot) {
    g.vertices.sort((x, y) => (x.bridge < y.bridge ? -1 : x.bridge > y.bridge ? 1 : x.vlan - y.vlan))
    const first = g.vertices[0]
    // No bridge at all: the two ends of a veth between guests, named by their link; or a guest
    // whose link is down, alone in a domain of its own.
    const id = first
      ? vertexKey(first.bridge, first.vlan)
      : (pairOf.get(root) ?? `${DOWN_DOMAIN}${g.members[0]!.name}`)
    const vlanSet = new Set(g.vertices.map((v) => v.vlan))
    const only = first && vlanSet.size === 1 ? first.vlan : null
    g.members.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    const names = g.members.map((m) => m.name)
    for (const name of names) domainOf.set(name, id)
    inDomain.set(id, g.members)
    domains.push({
      id,
      vlan: only === null || only === UNTAGGED ? null : only,
      members: names,
      bridges: [...new Set(g.vertices.map((v) => v.bridge))],
      hostAddresses: hostAddressRoots.get(root) ?? [],
    })
  }
  domains.sort((x, y) => (x.members[0]! < y.members[0]! ? -1 : 1))

  const analysis = { domains, domainOf, members, inDomain }
  return { domains, domainOf, members, problems: domainProblems(lab, analysis) }
}

type Analysis = Omit<DomainAnalysis, 'problems'> & { readonly inDomain: ReadonlyMap<string, DomainMember[]> }

function domainProblems(lab: Lab, analysis: Analysis): Problem[] {
  return [
    ...duplicateAddresses(lab, analysis),
    ...nativeMismatches(lab),
    ...vlansNotCarried(lab, analysis),
    ...subnetProblems(analysis),
  ]
}

function duplicateAddresses(lab: Lab, { domains, inDomain }: Analysis): Problem[] {
  const problems: Problem[] = []
  for (const domain of domains) {
    const ips = new Map<string, string>()
    const macs = new Map<string, string>()
    // A Cidr's address is already in canonical form (addresses.ts).
    for (const { node, address } of domain.hostAddresses) ips.set(address.address, node)
    for (const member of inDomain.get(domain.id)!) {
      const name = member.name
      const link = memberLink(lab, member)
      const paths = memberPaths(lab, member)
      for (let i = 0; i < member.addresses.length; i++) {
        const key = member.addresses[i]!.address
        const owner = ips.get(key)
        if (owner === undefined) {
          ips.set(key, name)
          continue
        }
        problems.push(
          error(paths.ip(i), `address ${key} is already used by ${owner} in the same broadcast domain`),
        )
      }
      if (link.mac !== undefined) {
        const mac = resolveMac(link.mac)
        const owner = macs.get(mac)
        if (owner) {
          problems.push(
            error(
              paths.mac,
              `MAC ${mac} (${link.mac}) is already used by ${owner} in the same broadcast domain`,
            ),
          )
        } else macs.set(mac, name)
      }
    }
  }
  return problems
}

function nativeMismatches(lab: Lab): Problem[] {
  const problems: Problem[] = []
  ;(lab.links ?? []).forEach((link, index) => {
    if (!isWire(link) || !Array.isArray(link.native)) return
    const [na, nb] = link.native
    if (na === nb) return
    const [a, b] = link.between
    problems.push(
      warning(
        ['links', index, 'native'],
        `native VLAN mismatch on the wire ${a}~${b}: ${na} on ${a} but ${nb} on ${b}, so untagged frames leak from VLAN ${na} into VLAN ${nb}`,
      ),
    )
  })
  return problems
}

/** Bridges joined by any wire, whatever it carries: where an access VLAN is expected to reach. */
function fabrics(lab: Lab): UnionFind {
  const sets = new UnionFind()
  for (const link of lab.links ?? []) {
    if (isWire(link) && !isGuestPair(lab, link))
      sets.union(sets.id(link.between[0]), sets.id(link.between[1]))
  }
  return sets
}

function vlansNotCarried(lab: Lab, { members, domainOf }: Analysis): Problem[] {
  const links = lab.links ?? []
  const fabric = fabrics(lab)
  // (fabric, vlan) → domain id → members
  const groups = new Map<string, Map<string, DomainMember[]>>()
  for (const member of members.values()) {
    if (member.end !== undefined) continue
    const link = links[member.linkIndex] as GuestLink
    if (link.vlan === undefined || lab.nodes[link.to]?.kind === 'uplink') continue
    const key = `${fabric.find(fabric.id(member.bridge))}/${link.vlan}`
    const byDomain = groups.get(key) ?? new Map<string, DomainMember[]>()
    groups.set(key, byDomain)
    const domain = domainOf.get(member.name)!
    const here = byDomain.get(domain)
    if (here) here.push(member)
    else byDomain.set(domain, [member])
  }
  const problems: Problem[] = []
  for (const [key, byDomain] of groups) {
    if (byDomain.size < 2) continue
    const vlan = key.slice(key.lastIndexOf('/') + 1)
    const parts = [...byDomain.values()]
    const where = parts.map(
      (ms) => `${[...new Set(ms.map((m) => m.bridge))].join(', ')} (${ms.map((m) => m.name).join(', ')})`,
    )
    // One warning per split VLAN (it names every part), at the first part's first link: one per
    // part repeated the same sentence, so `patchbay domains` and the editor listed it twice.
    problems.push(
      warning(
        ['links', parts[0]![0]!.linkIndex, 'vlan'],
        `VLAN ${vlan} is split: no trunk carries it between ${where.join(' and ')}, so they cannot reach each other`,
      ),
    )
  }
  return problems
}

function subnetProblems({ domains, inDomain }: Analysis): Problem[] {
  const problems: Problem[] = []
  const domainsOfSubnet = new Map<string, { domain: string; path: (string | number)[] }[]>()
  for (const domain of domains) {
    const subnets = new Map<string, (string | number)[]>()
    for (const member of inDomain.get(domain.id)!) {
      for (const a of member.addresses) {
        if (!subnets.has(a.subnet))
          subnets.set(
            a.subnet,
            member.end === undefined
              ? ['links', member.linkIndex, 'ip']
              : ['links', member.linkIndex, 'ips', member.end],
          )
      }
    }
    for (const { address } of domain.hostAddresses)
      if (!subnets.has(address.subnet)) subnets.set(address.subnet, [])
    for (const family of [4, 6]) {
      const same = [...subnets.entries()].filter(([s]) => s.includes(':') === (family === 6))
      if (same.length > 1) {
        problems.push(
          warning(
            same.find(([, p]) => p.length > 0)?.[1] ?? [],
            `broadcast domain ${domain.id} mixes subnets ${same.map(([s]) => s).join(', ')}: hosts in different subnets on one segment need a router to talk`,
          ),
        )
      }
    }
    // A guest cut off by a link set down on purpose does not split its subnet by mistake.
    if (domain.id.startsWith(DOWN_DOMAIN)) continue
    for (const [subnet, path] of subnets) {
      const seen = domainsOfSubnet.get(subnet)
      if (seen) seen.push({ domain: domain.id, path })
      else domainsOfSubnet.set(subnet, [{ domain: domain.id, path }])
    }
  }
  for (const [subnet, where] of domainsOfSubnet) {
    if (where.length < 2) continue
    problems.push(
      warning(
        where.find((w) => w.path.length > 0)?.path ?? [],
        `subnet ${subnet} is split over ${where.length} broadcast domains (${where.map((w) => w.domain).join(', ')}): addresses in one cannot reach the others`,
      ),
    )
  }
  return problems
}
