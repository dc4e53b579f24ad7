// What the planner knows of one guest link while it plans it, whatever its mode (veth, macvlan,
// direct-phys): its names, where the guest's commands run, what is seen there, and its op factory.
import { guestIfname } from '../lab/normalize.ts'
import type { GuestLink } from '../lab/schema.ts'
import type { PlanContext, PlanPart, PlanProblem } from './context.ts'
import { containerName, guestHostEnd } from './device-names.ts'
import type { ObservedGuest, ObservedInterface } from './observed.ts'
import { type IpTarget, ipTargetOf, linkOps, pidPlaceholder } from './op.ts'

export interface GuestLinkScope {
  readonly ctx: PlanContext
  readonly link: GuestLink
  /** Where problems of this link point: `links[<index>]`. */
  readonly field: string
  readonly linkId: string
  /** The veth's end on the host (unused by macvlan and direct-phys, which have none). */
  readonly hostEnd: string
  /** The interface's name inside the guest. */
  readonly ifname: string
  readonly guestTarget: IpTarget
  /** The guest as observed, if it is there. */
  readonly seen: ObservedGuest | undefined
  /** The guest's interface of this link's name, if there is one. */
  readonly guestSide: ObservedInterface | undefined
  readonly op: ReturnType<typeof linkOps>
}

export interface GuestLinkSource {
  readonly ctx: PlanContext
  readonly link: GuestLink
  readonly index: number
  readonly guestKind: 'container' | 'netns'
  /** The pipework line the link stands for, shown beside the op that makes it. */
  readonly pipework: string | null
}

export function guestLinkScope({ ctx, link, index, guestKind, pipework }: GuestLinkSource): GuestLinkScope {
  const linkId = ctx.linkIds[index]!
  const seen = ctx.observed.guests[link.guest]
  const ifname = guestIfname(link)
  return {
    ctx,
    link,
    field: `links[${index}]`,
    linkId,
    hostEnd: guestHostEnd(ctx.lab.name, link),
    ifname,
    guestTarget: ipTargetOf(
      seen?.netns ?? null,
      link.guest,
      guestKind,
      containerName(ctx.lab.name, link.guest, ctx.lab.nodes[link.guest]),
    ),
    seen,
    guestSide: seen?.interfaces.find((i) => i.name === ifname),
    op: linkOps({
      stem: linkId,
      host: ctx.host,
      linkId,
      node: link.guest,
      pipework: (action) => (action === 'veth.create' || action === 'macvlan.create' ? pipework : null),
    }),
  }
}

/** The guest's namespace as `ip link … netns` takes it: a container's pid, or the netns's name. */
export const guestNetnsArg = ({ guestTarget: t }: GuestLinkScope): string =>
  t.kind === 'container' ? pidPlaceholder(t.name) : (t as { name: string }).name

/** The command that enters the guest's namespace (the host's own binaries run there). */
export const enterGuest = ({ guestTarget: t }: GuestLinkScope): string[] =>
  t.kind === 'container'
    ? ['nsenter', '-t', pidPlaceholder(t.name), '-n']
    : ['ip', 'netns', 'exec', (t as { name: string }).name]

/** The guest has an interface of the link's name that this lab did not make. */
export const ifnameTaken = (scope: GuestLinkScope): PlanProblem => ({
  kind: 'conflict',
  field: scope.field,
  message: `link ${scope.linkId}: ${scope.link.guest} already has an interface ${scope.ifname} that this lab did not make; set ifname to another name`,
})

/**
 * A link that exists and is not the lab's: nothing to do when it is as the lab says; else one
 * problem naming what differs, since changing what the lab does not own is not the lab's to do.
 */
export function usedAsIs(scope: GuestLinkScope, part: PlanPart, wanted: readonly { why: string }[]): void {
  if (wanted.length === 0) return
  part.problems.push({
    kind: 'conflict',
    field: scope.field,
    message: `link ${scope.linkId} exists and is not this lab's (made by hand or by pipework), and it differs from the lab: ${wanted.map((op) => op.why).join('; ')}; \`patchbay adopt\` makes it the lab's`,
  })
}
