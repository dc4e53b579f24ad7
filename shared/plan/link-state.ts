// `state: down` on a link: both ends administratively down. The link's planners bring devices up
// as they make or repair them; here, for a link the lab wants down, the plain "bring it up" repairs
// are dropped and a last step sets each end that is up (or is being made) down.
import { guestIfname, nodeHost } from '../lab/normalize.ts'
import type { Lab } from '../lab/schema.ts'
import { hostIp, type PlanContext } from './context.ts'
import { containerName, guestHostEnd, wireDevices } from './device-names.ts'
import type { ObservedInterface } from './observed.ts'
import { type IpTarget, ipTargetOf, linkOps, type Op, Phase } from './op.ts'

interface End {
  readonly ctx: PlanContext
  readonly target: IpTarget
  readonly device: string
  readonly seen: ObservedInterface | undefined
}

/** The devices of a link the lab made, each with where its `ip` line runs. */
function linkEnds(lab: Lab, index: number, ctxOf: Map<string, PlanContext>): End[] {
  const link = lab.links![index]!
  const hostOf = (node: string) => {
    const n = lab.nodes[node]
    return n ? ctxOf.get(nodeHost(n)) : undefined
  }
  if ('between' in link) {
    const names = wireDevices(lab, link)
    return ([0, 1] as const).flatMap((i) => {
      const ctx = hostOf(link.between[i])
      if (!ctx) return []
      const seen = ctx.observed.interfaces.find((x) => x.name === names[i])
      return [{ ctx, target: hostIp(ctx), device: names[i], seen }]
    })
  }
  const ctx = hostOf(link.guest)
  const guest = lab.nodes[link.guest]
  if (!ctx || !guest || (guest.kind !== 'container' && guest.kind !== 'netns')) return []
  const seenGuest = ctx.observed.guests[link.guest]
  if (seenGuest?.unreadable !== undefined) return []
  const ifname = guestIfname(link)
  const ends: End[] = [
    {
      ctx,
      target: ipTargetOf(
        seenGuest?.netns ?? null,
        link.guest,
        guest.kind,
        containerName(lab.name, link.guest, guest),
      ),
      device: ifname,
      seen: seenGuest?.interfaces.find((x) => x.name === ifname),
    },
  ]
  if (lab.nodes[link.to]?.kind !== 'uplink') {
    const hostEnd = guestHostEnd(lab.name, link)
    ends.push({
      ctx,
      target: hostIp(ctx),
      device: hostEnd,
      seen: ctx.observed.interfaces.find((x) => x.name === hostEnd),
    })
  }
  return ends
}

/** `ip link set DEV up` and nothing else: the repair of a device found down. */
const bringsUp = (op: Op): boolean =>
  op.exec.tool === 'ip' &&
  op.exec.line.length === 4 &&
  op.exec.line[0] === 'link' &&
  op.exec.line[1] === 'set' &&
  op.exec.line[3] === 'up'

export function withAdminState(lab: Lab, ctxs: readonly PlanContext[], ops: readonly Op[]): Op[] {
  const ctxOf = new Map(ctxs.map((c) => [c.host, c]))
  const downIds = new Map<string, number>()
  ;(lab.links ?? []).forEach((link, index) => {
    const id = ctxs[0]?.linkIds[index]
    if (link.state === 'down' && id !== undefined) downIds.set(id, index)
  })
  if (downIds.size === 0) return [...ops]
  const out = ops.filter((op) => !(op.linkId !== undefined && downIds.has(op.linkId) && bringsUp(op)))
  for (const [linkId, index] of downIds) {
    // A device being made comes up with it; one that is there and up is set down.
    const made = ops.some((op) => op.linkId === linkId && op.implies === 'missing')
    for (const end of linkEnds(lab, index, ctxOf)) {
      if (!made && !end.seen?.adminUp) continue
      const op = linkOps({ stem: `${linkId}:${end.device}`, host: end.ctx.host, linkId })
      out.push(
        op({
          action: 'link.down',
          phase: Phase.adminDown,
          exec: { tool: 'ip', target: end.target, line: ['link', 'set', end.device, 'down'] },
          inverse: { tool: 'ip', target: end.target, line: ['link', 'set', end.device, 'up'] },
          why: made
            ? `${linkId} is made down: the lab says state: down`
            : `${end.device} is up; the lab says ${linkId} is state: down`,
          implies: 'drifted',
        }),
      )
    }
  }
  return out
}
