// Why guest interface A reaches B or not, from the drawing: the L2 path hop by hop (guest port →
// bridge with its access tag → wires and trunks → bridge → guest port), and when B is out of reach
// the one hop that blocks it, in one sentence naming the port or trunk and the VLANs. Reachable is
// decided exactly as reachability.ts expects it (same broadcast domain, a shared subnet); the walk
// below only finds where and why.
import { linkIds } from '../lab/normalize.ts'
import { isGuestPair, isWire, type Lab, type WireLink } from '../lab/schema.ts'
import {
  broadcastDomains,
  type DomainAnalysis,
  type DomainMember,
  filteringBridges,
  guestPortMode,
  labVlans,
  memberLink,
  UNTAGGED,
  wireEndMode,
} from './domains.ts'
import { internalVlan, labelsToTry, type PortMode } from './ports.ts'

export interface Hop {
  readonly node: string
  /** The guest's interface, or on a bridge the port: `guest:ifname` or the wire's id `a~b`. */
  readonly port: string
  /** The VLAN the frame is in at this port (the tag it carries on a wire); null when untagged. */
  readonly vlan: number | null
}

export interface BlockedAt {
  readonly node: string
  readonly port: string
  readonly vlan?: number | null
}

export interface Explanation {
  readonly from: string
  readonly to: string
  readonly reachable: boolean
  readonly hops: readonly Hop[]
  readonly blockedAt: BlockedAt | null
  readonly why: string
}

/** A guest argument that names nothing in the lab; the message says which and what exists. */
export class GuestNameError extends Error {}

/** `node:ifname`, or a guest's name meaning its first link, to the member it names. */
export function resolveGuest(lab: Lab, analysis: DomainAnalysis, name: string): DomainMember {
  const direct = analysis.members.get(name)
  if (direct) return direct
  const colon = name.indexOf(':')
  const node = colon < 0 ? name : name.slice(0, colon)
  const kind = lab.nodes[node]?.kind
  if (kind === undefined) throw new GuestNameError(`no node ${JSON.stringify(node)} in the lab`)
  if (kind !== 'container' && kind !== 'netns') {
    throw new GuestNameError(`${node} is a ${kind}, not a guest (a container or netns)`)
  }
  const own = [...analysis.members.values()]
    .filter((m) => m.guest === node)
    .sort((a, b) => a.linkIndex - b.linkIndex)
  if (own.length === 0) throw new GuestNameError(`${node} has no link to a bridge`)
  if (colon < 0) return own[0]!
  throw new GuestNameError(
    `${node} has no interface ${JSON.stringify(name.slice(colon + 1))} (it has ${own.map((m) => m.name).join(', ')})`,
  )
}

const vlanOrNull = (v: number): number | null => (v === UNTAGGED ? null : v)
const vlanWords = (v: number): string => (v === UNTAGGED ? 'untagged' : `VLAN ${v}`)
const inVlan = (v: number): string => (v === UNTAGGED ? 'untagged' : `in VLAN ${v}`)

interface Side {
  readonly member: DomainMember
  readonly guest: string
  readonly ifname: string
  /** The bridge's VLAN its frames land in. */
  readonly vlan: number
}

interface WireEdge {
  readonly wire: WireLink
  readonly id: string
  /** The ends' modes, seen from `from`: [from's end, to's end]. */
  readonly modes: readonly [PortMode, PortMode]
  readonly from: string
  readonly to: string
}

/** The other end's VLANs a frame in `vlan` on `edge.from` arrives in, with the tag it crossed with. */
function crossings(
  edge: WireEdge,
  vlan: number,
  vlans: ReadonlySet<number>,
): { label: number; vlan: number }[] {
  const out: { label: number; vlan: number }[] = []
  for (const label of labelsToTry(edge.modes[0], edge.modes[1], vlans)) {
    if (internalVlan(edge.modes[0], label) !== vlan) continue
    const there = internalVlan(edge.modes[1], label)
    if (there !== null && !out.some((c) => c.vlan === there)) out.push({ label, vlan: there })
  }
  // Prefer staying in the same VLAN: a native mismatch's translation is the exception.
  return out.sort((a, b) => Number(b.vlan === vlan) - Number(a.vlan === vlan))
}

function wireEdges(lab: Lab): Map<string, WireEdge[]> {
  const filters = filteringBridges(lab)
  const ids = linkIds(lab.links ?? [])
  const byBridge = new Map<string, WireEdge[]>()
  const add = (edge: WireEdge) => {
    const list = byBridge.get(edge.from) ?? []
    list.push(edge)
    byBridge.set(edge.from, list)
  }
  ;(lab.links ?? []).forEach((link, index) => {
    if (!isWire(link) || isGuestPair(lab, link)) return
    const [a, b] = link.between
    if (lab.nodes[a] === undefined || lab.nodes[b] === undefined) return
    const ma = wireEndMode(lab, link, 0, filters)
    const mb = wireEndMode(lab, link, 1, filters)
    const id = ids[index]!
    add({ wire: link, id, modes: [ma, mb], from: a, to: b })
    add({ wire: link, id, modes: [mb, ma], from: b, to: a })
  })
  return byBridge
}

/** The shortest chain of bridges from `a` to `b` over any wire, whatever it carries. */
function bridgePath(edges: Map<string, WireEdge[]>, a: string, b: string): string[] | null {
  const parent = new Map<string, string | null>([[a, null]])
  const queue = [a]
  while (queue.length > 0) {
    const at = queue.shift()!
    if (at === b) break
    for (const e of edges.get(at) ?? []) {
      if (parent.has(e.to)) continue
      parent.set(e.to, at)
      queue.push(e.to)
    }
  }
  if (!parent.has(b)) return null
  const path = [b]
  for (let at = parent.get(b); at != null; at = parent.get(at)) path.unshift(at)
  return path
}

/** A path of (bridge, VLAN) steps from a's vertex to b's, when they share a domain. */
function domainPath(
  edges: Map<string, WireEdge[]>,
  vlans: ReadonlySet<number>,
  start: { bridge: string; vlan: number },
  goal: { bridge: string; vlan: number },
): Hop[] {
  const key = (bridge: string, vlan: number) => `${bridge}/${vlan}`
  const parent = new Map<string, { prev: string; hops: Hop[] } | null>([
    [key(start.bridge, start.vlan), null],
  ])
  const queue = [start]
  const goalKey = key(goal.bridge, goal.vlan)
  while (queue.length > 0 && !parent.has(goalKey)) {
    const at = queue.shift()!
    for (const edge of edges.get(at.bridge) ?? []) {
      for (const c of crossings(edge, at.vlan, vlans)) {
        const k = key(edge.to, c.vlan)
        if (parent.has(k)) continue
        parent.set(k, {
          prev: key(at.bridge, at.vlan),
          hops: [
            { node: edge.from, port: edge.id, vlan: vlanOrNull(c.label) },
            { node: edge.to, port: edge.id, vlan: vlanOrNull(c.vlan) },
          ],
        })
        queue.push({ bridge: edge.to, vlan: c.vlan })
      }
    }
  }
  const out: Hop[] = []
  for (let step = parent.get(goalKey); step; step = parent.get(step.prev)) out.unshift(...step.hops)
  return out
}

/** Why a wire does not take a frame in `vlan` from `edge.from` across, in one sentence. */
function blockedSentence(edge: WireEdge, vlan: number): string {
  const { wire, id } = edge
  const native = wire.native
  if (Array.isArray(native) && native[0] !== native[1] && native.includes(vlan)) {
    return `native VLAN mismatch on the wire ${id}: ${native[0]} on ${wire.between[0]} but ${native[1]} on ${wire.between[1]}, so ${vlanWords(vlan)} does not cross it`
  }
  if (wire.vlan !== undefined) {
    return `the wire ${id} is an access link of VLAN ${wire.vlan}, it does not carry ${vlanWords(vlan)}`
  }
  if (wire.trunk !== undefined) {
    return `the trunk ${id} does not carry ${vlanWords(vlan)} (it carries ${wire.trunk.join(', ')})`
  }
  return `the wire ${id} does not carry ${vlanWords(vlan)}`
}

function subnetsOf(m: DomainMember): string {
  if (m.dhcp) return `${m.name} takes its address by DHCP`
  if (m.addresses.length === 0) return `${m.name} has no address`
  return [...new Set(m.addresses.map((a) => a.subnet))].join(', ')
}

export function explain(
  lab: Lab,
  fromName: string,
  toName: string,
  analysis = broadcastDomains(lab),
): Explanation {
  const side = (name: string): Side => {
    const member = resolveGuest(lab, analysis, name)
    const link = memberLink(lab, member)
    // An end of a veth between two guests meets only the other end, untagged.
    const vlan =
      member.end !== undefined
        ? UNTAGGED
        : (internalVlan(guestPortMode(lab, link, filteringBridges(lab)), UNTAGGED) ?? UNTAGGED)
    return { member, guest: member.guest, ifname: member.ifname, vlan }
  }
  const a = side(fromName)
  const b = side(toName)
  const from = a.member.name
  const to = b.member.name
  const sameDomain = analysis.domainOf.get(from) === analysis.domainOf.get(to)
  const shared = a.member.addresses.find((x) => b.member.addresses.some((y) => y.subnet === x.subnet))

  const hops: Hop[] = [
    { node: a.guest, port: a.ifname, vlan: null },
    { node: a.member.bridge, port: from, vlan: vlanOrNull(a.vlan) },
  ]
  const arrive = () => {
    hops.push({ node: b.member.bridge, port: to, vlan: vlanOrNull(b.vlan) })
    hops.push({ node: b.guest, port: b.ifname, vlan: null })
  }
  const answer = (reachable: boolean, blockedAt: BlockedAt | null, why: string): Explanation => ({
    from,
    to,
    reachable,
    hops,
    blockedAt,
    why,
  })

  // A link set down (`state: down`, or seen down on the machine) cuts its guest off: say so first.
  for (const side of [a, b]) {
    if (!sameDomain && side.member.end === undefined && memberLink(lab, side.member).state === 'down')
      return answer(
        false,
        { node: side.member.bridge, port: side.member.name, vlan: vlanOrNull(side.vlan) },
        `link down: ${side.member.name} is set down`,
      )
  }

  const edges = wireEdges(lab)
  const vlans = labVlans(lab)
  const path = bridgePath(edges, a.member.bridge, b.member.bridge)
  if (!sameDomain && path === null) {
    return answer(
      false,
      { node: a.member.bridge, port: from, vlan: vlanOrNull(a.vlan) },
      `no wire joins ${a.member.bridge} (${from}) to ${b.member.bridge} (${to})`,
    )
  }
  if (!sameDomain && a.vlan !== b.vlan) {
    return answer(
      false,
      { node: b.member.bridge, port: to, vlan: vlanOrNull(b.vlan) },
      `${to} is ${inVlan(b.vlan)}, ${from} ${inVlan(a.vlan)}`,
    )
  }

  if (sameDomain) {
    hops.push(
      ...domainPath(
        edges,
        vlans,
        { bridge: a.member.bridge, vlan: a.vlan },
        { bridge: b.member.bridge, vlan: b.vlan },
      ),
    )
    arrive()
    if (!shared) {
      return answer(
        false,
        { node: b.guest, port: b.ifname, vlan: null },
        `same domain, but ${subnetsOf(a.member)} vs ${subnetsOf(b.member)}`,
      )
    }
    const native = hops.find(
      (h, i) =>
        i > 0 &&
        h.port === hops[i - 1]!.port &&
        h.port.includes('~') &&
        h.vlan !== hops[i - 1]!.vlan &&
        hops[i - 1]!.vlan === null,
    )
    const how = native
      ? ` (untagged across ${native.port}: a native VLAN mismatch carries it into ${vlanWords(native.vlan ?? UNTAGGED)})`
      : ''
    return answer(
      true,
      null,
      `${from} reaches ${to}: same broadcast domain ${analysis.domainOf.get(from)}, subnet ${shared.subnet}${how}`,
    )
  }

  // Walk the shortest chain of bridges carrying the frame's VLAN, wire by wire.
  let vlan = a.vlan
  let translated: { edge: WireEdge; from: number; to: number } | null = null
  const chain = path ?? [a.member.bridge]
  for (let i = 0; i + 1 < chain.length; i++) {
    const options = (edges.get(chain[i]!) ?? []).filter((e) => e.to === chain[i + 1])
    const usable = options
      .filter((edge) => edge.wire.state !== 'down')
      .map((edge) => ({ edge, cross: crossings(edge, vlan, vlans) }))
    const pick = usable.find((u) => u.cross[0]?.vlan === vlan) ?? usable.find((u) => u.cross.length > 0)
    const down = options.find((edge) => edge.wire.state === 'down')
    if (!pick && down)
      return answer(
        false,
        { node: down.from, port: down.id, vlan: vlanOrNull(vlan) },
        `link down: the wire ${down.id} is set down`,
      )
    if (!pick) {
      const edge = options[0]!
      return answer(
        false,
        { node: edge.from, port: edge.id, vlan: vlanOrNull(vlan) },
        blockedSentence(edge, vlan),
      )
    }
    const { edge, cross } = pick
    const next = cross[0]!
    hops.push({ node: edge.from, port: edge.id, vlan: vlanOrNull(next.label) })
    hops.push({ node: edge.to, port: edge.id, vlan: vlanOrNull(next.vlan) })
    if (next.vlan !== vlan) translated = { edge, from: vlan, to: next.vlan }
    vlan = next.vlan
  }
  if (translated) {
    const { edge } = translated
    return answer(
      false,
      { node: edge.to, port: edge.id, vlan: vlanOrNull(translated.to) },
      `native VLAN mismatch on the wire ${edge.id}: frames of ${vlanWords(translated.from)} leave ${edge.from} untagged and land in ${vlanWords(translated.to)} on ${edge.to}, not in ${to}'s ${vlanWords(b.vlan)}`,
    )
  }
  // The shortest chain carried the VLAN yet the domains differ: only a longer detour could say more.
  return answer(
    false,
    { node: b.member.bridge, port: to, vlan: vlanOrNull(b.vlan) },
    `nothing carries ${vlanWords(a.vlan)} from ${a.member.bridge} to ${to}`,
  )
}
