// Stepping a frame through a drawing, one hop at a time, without the machine: an ARP request
// (broadcast) flooded from a guest, or a unicast frame to another guest. Each step is the set of
// links the frame is on at that moment, with its 802.1Q tag on the wire and what the receiving end
// does with it (takes it into a VLAN, hands it to a guest, drops it). Port modes are those of
// ports.ts; what leaves a port is what a real switch sends: the native VLAN untagged, other trunk
// VLANs tagged, an access VLAN untagged.
import { linkIds } from '../lab/normalize.ts'
import { type GuestLink, isGuestLink, isWire, type Lab } from '../lab/schema.ts'
import {
  broadcastDomains,
  type DomainAnalysis,
  filteringBridges,
  guestPortMode,
  UNTAGGED,
  wireEndMode,
} from './domains.ts'
import { resolveGuest } from './explain.ts'
import { internalVlan, type PortMode } from './ports.ts'

/**
 * What the receiving end does with the frame: a bridge takes it into a VLAN and floods it on
 * (`forwarded`), a guest hears it (`delivered`) or, for a unicast not addressed to it, discards it
 * (`ignored`), the port refuses it (`dropped`), or the bridge already flooded this VLAN (`looped`).
 */
export type FrameFate = 'forwarded' | 'delivered' | 'ignored' | 'dropped' | 'looped'

export interface FrameMove {
  /** The link the frame crosses (the canvas's link id). */
  readonly linkId: string
  readonly from: string
  readonly to: string
  /** The 802.1Q tag it carries on this link; null when untagged. */
  readonly tag: number | null
  /** The VLAN the receiving bridge puts it in (null: untagged space, or a guest). */
  readonly vlan: number | null
  readonly fate: FrameFate
  /** The guest interface (`guest:ifname`) at the receiving end, when it is a guest. */
  readonly member?: string
  /** One sentence: what happens at the receiving end and why. */
  readonly why: string
}

export interface FrameStep {
  readonly moves: readonly FrameMove[]
}

export interface Simulation {
  readonly kind: 'broadcast' | 'unicast'
  readonly from: string
  readonly to: string | null
  readonly steps: readonly FrameStep[]
  /** Guest interfaces that heard the frame (a broadcast), or the one it was for, if it arrived. */
  readonly reached: readonly string[]
  /** The outcome in one sentence. */
  readonly why: string
}

interface Port {
  readonly linkId: string
  /** The node at the other end. */
  readonly peer: string
  readonly here: PortMode
  readonly there: PortMode
  /** A guest port: the guest's interface. */
  readonly member?: string
}

const tagOf = (label: number): number | null => (label === UNTAGGED ? null : label)
const vlanText = (v: number): string => (v === UNTAGGED ? 'its untagged space' : `VLAN ${v}`)

/** The labels a port sends a frame of its bridge's VLAN `v` with: none when the port is not in it. */
export function egressLabels(mode: PortMode, v: number): number[] {
  switch (mode.kind) {
    case 'transparent':
      return [v]
    case 'access':
      return mode.vlan === v ? [UNTAGGED] : []
    case 'trunk':
      if (mode.native === v) return [UNTAGGED]
      if (v === UNTAGGED) return mode.native === null && mode.allowed === 'all' ? [UNTAGGED] : []
      return mode.allowed === 'all' || mode.allowed.has(v) ? [v] : []
  }
}

/** Why a port refuses a frame with this label, in words. */
function refusal(node: string, linkId: string, mode: PortMode, label: number): string {
  if (mode.kind === 'access') {
    return `${node} drops it: its end of ${linkId} is an access port of VLAN ${mode.vlan}, the frame is tagged ${label}`
  }
  if (label === UNTAGGED) {
    return `${node} drops it: its end of ${linkId} is a trunk without a native VLAN, the frame is untagged`
  }
  const carries =
    mode.kind === 'trunk' && mode.allowed !== 'all' ? ` (it carries ${[...mode.allowed].join(', ')})` : ''
  return `${node} drops it: its end of ${linkId} does not carry VLAN ${label}${carries}`
}

function portsByNode(lab: Lab, analysis: DomainAnalysis): Map<string, Port[]> {
  const filters = filteringBridges(lab)
  const ids = linkIds(lab.links ?? [])
  const memberOfLink = new Map([...analysis.members.values()].map((m) => [m.linkIndex, m.name]))
  const ports = new Map<string, Port[]>()
  const add = (node: string, port: Port) => ports.set(node, [...(ports.get(node) ?? []), port])
  ;(lab.links ?? []).forEach((link, index) => {
    const linkId = ids[index]!
    if (isGuestLink(link)) {
      const member = memberOfLink.get(index)
      if (member === undefined) return
      const mode = guestPortMode(lab, link, filters)
      // The guest's own interface is not VLAN-aware: it sends and takes untagged frames only.
      const nic: PortMode = { kind: 'access', vlan: UNTAGGED }
      add(link.to, { linkId, peer: link.guest, here: mode, there: nic, member })
    } else if (isWire(link)) {
      const [a, b] = link.between
      if (lab.nodes[a] === undefined || lab.nodes[b] === undefined) return
      const ma = wireEndMode(lab, link, 0, filters)
      const mb = wireEndMode(lab, link, 1, filters)
      add(a, { linkId, peer: b, here: ma, there: mb })
      add(b, { linkId, peer: a, here: mb, there: ma })
    }
  })
  return ports
}

interface Flood {
  readonly steps: FrameStep[]
  /** Each move's parent move (the one whose arrival flooded it), to trace a unicast's path back. */
  readonly parent: Map<FrameMove, FrameMove | null>
}

/** Floods a frame from guest interface `from` across the drawing, every port of each VLAN it reaches. */
function flood(lab: Lab, analysis: DomainAnalysis, from: string, target: string | null): Flood {
  const source = resolveGuest(lab, analysis, from)
  const link = lab.links![source.linkIndex] as GuestLink
  const ports = portsByNode(lab, analysis)
  const mode = guestPortMode(lab, link, filteringBridges(lab))
  const landsIn = internalVlan(mode, UNTAGGED) ?? UNTAGGED
  const first: FrameMove = {
    linkId: source.linkId,
    from: link.guest,
    to: source.bridge,
    tag: null,
    vlan: tagOf(landsIn),
    fate: 'forwarded',
    why: `${source.name} sends it untagged; ${source.bridge} takes it into ${vlanText(landsIn)}`,
  }
  const parent = new Map<FrameMove, FrameMove | null>([[first, null]])
  const steps: FrameStep[] = [{ moves: [first] }]
  const flooded = new Set<string>([`${source.bridge}/${landsIn}`])
  let frontier: { move: FrameMove; node: string; vlan: number }[] = [
    { move: first, node: source.bridge, vlan: landsIn },
  ]
  while (frontier.length > 0) {
    const moves: FrameMove[] = []
    const next: typeof frontier = []
    for (const at of frontier) {
      for (const port of ports.get(at.node) ?? []) {
        if (port.linkId === at.move.linkId) continue // never back out of the port it came in on
        for (const label of egressLabels(port.here, at.vlan)) {
          const move = arrive(at.node, at.vlan, port, label, target, flooded)
          parent.set(move, at.move)
          moves.push(move)
          if (move.fate === 'forwarded') next.push({ move, node: port.peer, vlan: move.vlan ?? UNTAGGED })
        }
      }
    }
    if (moves.length > 0) steps.push({ moves })
    frontier = next
  }
  return { steps, parent }
}

/** The frame leaves `node` in VLAN `vlan` through `port` with `label`: what the far end does. */
function arrive(
  node: string,
  vlan: number,
  port: Port,
  label: number,
  target: string | null,
  flooded: Set<string>,
): FrameMove {
  const base = { linkId: port.linkId, from: node, to: port.peer, tag: tagOf(label) }
  const there = internalVlan(port.there, label)
  if (port.member !== undefined) {
    if (there === null)
      return {
        ...base,
        vlan: null,
        fate: 'dropped',
        member: port.member,
        why: `${port.member} cannot take a frame tagged ${label}: its interface has no VLANs`,
      }
    const popped = vlan === UNTAGGED ? 'untagged' : `out of an access port of VLAN ${vlan}, untagged`
    if (target !== null && target !== port.member) {
      return {
        ...base,
        vlan: null,
        fate: 'ignored',
        member: port.member,
        why: `${port.member} gets it (${popped}) but it is not for its MAC: discarded`,
      }
    }
    return {
      ...base,
      vlan: null,
      fate: 'delivered',
      member: port.member,
      why: `${port.member} hears it (${popped})`,
    }
  }
  const how = label === UNTAGGED ? 'untagged' : `tagged ${label}`
  if (there === null)
    return {
      ...base,
      vlan: null,
      fate: 'dropped',
      why: `${how} on ${port.linkId}; ${refusal(port.peer, port.linkId, port.there, label)}`,
    }
  const key = `${port.peer}/${there}`
  if (flooded.has(key)) {
    return {
      ...base,
      vlan: tagOf(there),
      fate: 'looped',
      why: `${how} on ${port.linkId}; ${port.peer} flooded ${vlanText(there)} already (a loop)`,
    }
  }
  flooded.add(key)
  const into = there === vlan ? '' : ` — it left ${node} in ${vlanText(vlan)}`
  return {
    ...base,
    vlan: tagOf(there),
    fate: 'forwarded',
    why: `${how} on ${port.linkId}; ${port.peer} takes it into ${vlanText(there)}${into}`,
  }
}

/** An ARP request from guest interface `from`: flooded to every port of its VLAN, hop by hop. */
export function simulateBroadcast(lab: Lab, from: string, analysis = broadcastDomains(lab)): Simulation {
  const { steps } = flood(lab, analysis, from, null)
  const source = steps[0]!.moves[0]!
  const name = resolveGuest(lab, analysis, from).name
  const reached = [
    ...new Set(steps.flatMap((s) => s.moves.filter((m) => m.fate === 'delivered').map((m) => m.member!))),
  ].sort()
  const dropped = steps.flatMap((s) => s.moves).filter((m) => m.fate === 'dropped').length
  const who = reached.length === 0 ? 'no other guest' : reached.join(', ')
  const drops = dropped === 0 ? '' : `; dropped at ${dropped} port${dropped === 1 ? '' : 's'}`
  return {
    kind: 'broadcast',
    from: name,
    to: null,
    steps,
    reached,
    why: `an ARP request from ${name} (${source.vlan === null ? 'untagged' : `VLAN ${source.vlan}`}) reaches ${who}${drops}`,
  }
}

/**
 * A unicast frame from `from` to `to`, once the bridges have learned where `to` is: only the hops
 * of the path. When `to` is out of the flood's reach its MAC is never learned, so the frame floods
 * as unknown unicast and every guest that gets it discards it.
 */
export function simulateUnicast(
  lab: Lab,
  from: string,
  to: string,
  analysis = broadcastDomains(lab),
): Simulation {
  const a = resolveGuest(lab, analysis, from).name
  const b = resolveGuest(lab, analysis, to).name
  const { steps, parent } = flood(lab, analysis, a, b)
  const arrival = steps.flatMap((s) => s.moves).find((m) => m.fate === 'delivered' && m.member === b)
  if (!arrival) {
    return {
      kind: 'unicast',
      from: a,
      to: b,
      steps,
      reached: [],
      why: `${b} is not in ${a}'s broadcast domain: the frame floods as unknown unicast and never reaches it`,
    }
  }
  const path: FrameMove[] = []
  for (let m: FrameMove | null | undefined = arrival; m; m = parent.get(m)) path.unshift(m)
  return {
    kind: 'unicast',
    from: a,
    to: b,
    steps: path.map((m) => ({ moves: [m] })),
    reached: [b],
    why: `${a} reaches ${b} in ${path.length} hops`,
  }
}
