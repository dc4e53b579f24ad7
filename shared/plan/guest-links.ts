// Guest links: a container or netns guest on a bridge (a veth, guest-veth.ts) or on a host NIC
// (a macvlan or the NIC itself, guest-nic.ts), its DHCP client after (dhcp.ts). Each mode
// configures the guest's end alike (guest-config.ts).
import { nodeHost } from '../lab/normalize.ts'
import type { GuestLink } from '../lab/schema.ts'
import { emptyPart, type PlanContext, type PlanPart } from './context.ts'
import { planDhcpClient } from './dhcp.ts'
import { guestLinkScope } from './guest-link-scope.ts'
import { planDirectPhysLink, planMacvlanLink } from './guest-nic.ts'
import { planVethLink } from './guest-veth.ts'
import { unreadableProblem } from './guests.ts'

export interface GuestLinkPlanOptions {
  /** The pipework line a link stands for, shown beside its ops. */
  readonly pipeworkLine?: (link: GuestLink) => string | null
}

export function planGuestLinks(ctx: PlanContext, options: GuestLinkPlanOptions = {}): PlanPart {
  const part = emptyPart()
  ;(ctx.lab.links ?? []).forEach((link, index) => {
    if (!('guest' in link)) return
    const guestNode = ctx.lab.nodes[link.guest]
    const to = ctx.lab.nodes[link.to]
    if (!guestNode || !to || nodeHost(guestNode) !== ctx.host) return
    if (guestNode.kind !== 'container' && guestNode.kind !== 'netns') return
    const seen = ctx.observed.guests[link.guest]
    if (seen?.unreadable !== undefined) {
      part.problems.push(unreadableProblem(seen, `links[${index}]`, `link ${ctx.linkIds[index]!}`))
      return
    }
    const scope = guestLinkScope({
      ctx,
      link,
      index,
      guestKind: guestNode.kind,
      pipework: options.pipeworkLine?.(link) ?? null,
    })
    if (to.kind === 'uplink' && link.directPhys) planDirectPhysLink(scope, part, to)
    else if (to.kind === 'uplink') planMacvlanLink(scope, part, to)
    else planVethLink(scope, part)
    planDhcpClient(scope, part)
  })
  return part
}
