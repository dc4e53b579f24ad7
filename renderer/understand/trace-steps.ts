// A trace of real frames (the traceLab call) as steps the canvas animates the same way as a
// simulated frame: the ARP request, the ARP reply, the ping and its answer, each link crossing one
// step, with the 802.1Q tag the frame was seen with. A port the ARP request never got to on the
// path to B is the last step, marked dropped, with the trace's why.
import type { TraceReply } from '../../shared/api/contract.ts'
import type { FrameMove, FrameStep } from '../../shared/l2/frames.ts'
import { linkIds } from '../../shared/lab/normalize.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import type { Stepping } from './store.ts'

type Sighting = { node: string; port: string; vlan: number | null; frame: string }

const KIND_ORDER = ['arp-request', 'arp-reply', 'echo-request', 'echo-reply'] as const
const KIND_WORDS: Record<(typeof KIND_ORDER)[number], string> = {
  'arp-request': 'ARP request',
  'arp-reply': 'ARP reply',
  'echo-request': 'ping',
  'echo-reply': 'ping reply',
}

/** The link a port names: a wire's id, a guest link's member name, or a guest's own ifname. */
const linkOf = (s: { node: string; port: string }): string =>
  s.port.includes('~') || s.port.includes(':') ? s.port : `${s.node}:${s.port}`

export function traceStepping(reply: TraceReply, lab: Lab): Stepping {
  const ends = new Map<string, readonly [string, string]>()
  const ids = linkIds(lab.links ?? [])
  ;(lab.links ?? []).forEach((l, i) => {
    ends.set(ids[i]!, 'guest' in l ? [l.guest, l.to] : l.between)
  })
  const guestOf = (member: string) => member.slice(0, member.lastIndexOf(':'))
  const steps: FrameStep[] = []
  for (const kind of KIND_ORDER) {
    // Frames sent again (arping and ping retry) are seen again at the same ports: the first counts.
    const sender = guestOf(kind === 'arp-request' || kind === 'echo-request' ? reply.from : reply.to)
    const byLink = new Map<string, Sighting[]>()
    const seenAt = new Set<string>()
    for (const h of reply.hops) {
      if (h.kind !== kind || !h.seen || seenAt.has(`${h.node} ${h.port}`)) continue
      seenAt.add(`${h.node} ${h.port}`)
      const id = linkOf(h)
      if (!ends.has(id)) continue
      byLink.set(id, [...(byLink.get(id) ?? []), h])
    }
    for (const [linkId, sightings] of byLink) {
      const [a, b] = ends.get(linkId)!
      const first = sightings[0]!
      let from = first.node
      // Seen only at one end of a guest link: it goes away from the guest when the guest sent it.
      if (sightings.length === 1 && !linkId.includes('~')) from = a === sender ? a : b
      const to = from === a ? b : a
      const toGuest = !linkId.includes('~') && to === a
      const where = sightings
        .map((s) => `${s.node}${s.vlan === null ? ' untagged' : ` tagged ${s.vlan}`}`)
        .join(', ')
      const move: FrameMove = {
        linkId,
        from,
        to,
        tag: first.vlan,
        vlan: null,
        fate: toGuest ? 'delivered' : 'forwarded',
        ...(toGuest ? { member: linkId } : {}),
        why: `${KIND_WORDS[kind]} (${first.frame}) seen at ${where}`,
      }
      steps.push({ moves: [move] })
    }
  }
  if (!reply.reached) {
    const missed = reply.path.find((p) => !p.seen)
    const id = missed ? linkOf(missed) : null
    const e = id ? ends.get(id) : undefined
    if (missed && id && e) {
      // A wire: the end it never got to; a guest link: toward the guest.
      const to = id.includes('~') ? missed.node : e[0]
      const from = to === e[0] ? e[1] : e[0]
      steps.push({
        moves: [
          {
            linkId: id,
            from,
            to,
            tag: null,
            vlan: null,
            fate: 'dropped',
            why: `never seen at ${missed.node} port ${missed.port}: the frames stopped before it`,
          },
        ],
      })
    }
  }
  return {
    source: 'traced',
    title: `real frames ${reply.from} → ${reply.to} (${reply.address})`,
    why: reply.why,
    steps,
    reached: reply.reached ? [reply.to] : [],
  }
}
