// A veth straight between two guests (`between: [guestA, guestB]`), as containerlab wires its
// nodes: both ends born inside their guests with their final names (the host never holds them),
// each end marked as the lab's wire end, then addressed and brought up as a guest link's end is.
// pipework has no equivalent: it only plugs a guest into a bridge or a host NIC.
import { resolveMac } from '../lab/mac.ts'
import { nodeHost } from '../lab/normalize.ts'
import { isGuestPair, isWire, type WireLink } from '../lab/schema.ts'
import { emptyPart, hostIp, type PlanContext, type PlanPart } from './context.ts'
import { type PairEnd, pairEnds, parseMark, wireMark } from './device-names.ts'
import { configureGuest } from './guest-config.ts'
import { type GuestLinkScope, guestLinkScope, guestNetnsArg, ifnameTaken } from './guest-link-scope.ts'
import { unreadableProblem } from './guests.ts'
import type { ObservedGuest, ObservedInterface } from './observed.ts'
import { linkOps, type Op, Phase } from './op.ts'

interface EndScope {
  readonly end: PairEnd
  readonly mark: 'a' | 'b'
  readonly scope: GuestLinkScope
  readonly seen: ObservedGuest | undefined
  readonly side: ObservedInterface | undefined
}

export function planGuestPairs(ctx: PlanContext): PlanPart {
  const part = emptyPart()
  ;(ctx.lab.links ?? []).forEach((link, index) => {
    if (!isWire(link) || !isGuestPair(ctx.lab, link)) return
    const nodeA = ctx.lab.nodes[link.between[0]]!
    if (nodeHost(nodeA) !== ctx.host) return
    const linkId = ctx.linkIds[index]!
    const ends: EndScope[] = []
    for (const end of pairEnds(ctx.lab.name, link)) {
      const node = ctx.lab.nodes[end.guest]!
      const seen = ctx.observed.guests[end.guest]
      if (seen?.unreadable !== undefined) {
        part.problems.push(unreadableProblem(seen, `links[${index}]`, `link ${linkId}`))
        return
      }
      const base = guestLinkScope({
        ctx,
        link: end.link,
        index,
        guestKind: node.kind as 'container' | 'netns',
        pipework: null,
      })
      // Two ends of one link: each end's ops get an id of their own (`…:a~b/a:up`).
      const scope = {
        ...base,
        op: linkOps({ stem: `${linkId}/${end.guest}`, host: ctx.host, linkId, node: end.guest }),
      }
      ends.push({ end, mark: end.end === 0 ? 'a' : 'b', scope, seen, side: scope.guestSide })
    }
    planPair(ctx, link, linkId, ends as [EndScope, EndScope], part)
  })
  return part
}

function planPair(
  ctx: PlanContext,
  link: WireLink,
  linkId: string,
  ends: [EndScope, EndScope],
  part: PlanPart,
): void {
  const ours = (e: EndScope): boolean => {
    const mark = parseMark(e.side?.alias)
    return mark?.lab === ctx.lab.name && mark.kind === 'wire' && mark.id === linkId && mark.end === e.mark
  }
  for (const e of ends) {
    if (e.side && !ours(e)) {
      part.problems.push(ifnameTaken(e.scope))
      return
    }
  }
  const [a, b] = ends
  const intact =
    a.side !== undefined &&
    b.side !== undefined &&
    a.side.peerIfindex === b.side.ifindex &&
    b.side.peerIfindex === a.side.ifindex
  if (intact) {
    part.ops.push(...configureGuest(a.scope, a.side!), ...configureGuest(b.scope, b.side!))
    return
  }
  // One end is the lab's but its peer is not the other end: a leftover, made again.
  for (const e of ends) {
    if (!e.side) continue
    part.ops.push(
      e.scope.op({
        action: 'veth.delete',
        phase: Phase.removeLinks,
        exec: { tool: 'ip', target: e.scope.guestTarget, line: ['link', 'del', e.end.ifname] },
        inverse: null,
        why: `${e.end.guest}:${e.end.ifname} no longer leads to ${e.end.peer}; it is made again`,
        implies: 'drifted',
        suffix: ':stale',
      }),
    )
  }
  part.ops.push(...createPair(ctx, link, linkId, ends))
}

function createPair(ctx: PlanContext, link: WireLink, linkId: string, [a, b]: [EndScope, EndScope]): Op[] {
  const mtu = link.mtu !== undefined ? ['mtu', String(link.mtu)] : []
  const endArgs = (e: EndScope): string[] => [
    ...(e.end.link.mac !== undefined ? ['address', resolveMac(e.end.link.mac)] : []),
    ...mtu,
    'netns',
    guestNetnsArg(e.scope),
  ]
  const ops: Op[] = [
    a.scope.op({
      action: 'veth.create',
      phase: Phase.cables,
      exec: {
        tool: 'ip',
        target: hostIp(ctx),
        line: [
          'link',
          'add',
          a.end.ifname,
          ...endArgs(a),
          'type',
          'veth',
          'peer',
          'name',
          b.end.ifname,
          ...endArgs(b),
        ],
      },
      inverse: { tool: 'ip', target: a.scope.guestTarget, line: ['link', 'del', a.end.ifname] },
      why: `${a.end.guest}:${a.end.ifname} and ${b.end.guest}:${b.end.ifname} need a veth between them (pipework has no equivalent)`,
      implies: 'missing',
    }),
  ]
  for (const e of [a, b]) {
    ops.push(
      e.scope.op({
        action: 'veth.configure',
        // Not with the cable: ops of one phase on different targets run side by side.
        phase: Phase.ports,
        exec: {
          tool: 'ip',
          target: e.scope.guestTarget,
          line: ['link', 'set', e.end.ifname, 'alias', wireMark(ctx.lab.name, linkId, e.mark)],
        },
        inverse: null,
        why: `mark ${e.end.guest}:${e.end.ifname} as lab ${ctx.lab.name}'s`,
        implies: 'drifted',
        suffix: ':mark',
      }),
      ...configureGuest(e.scope, null),
    )
  }
  return ops
}
