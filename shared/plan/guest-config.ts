// Guest configuration: the guest end's MAC, MTU, addresses, state and default routes, whatever
// the link's mode. Made new (have = null), everything is set; seen, only what differs is fixed.
import { addressFamily, canonicalAddress } from '../lab/addresses.ts'
import { resolveMac } from '../lab/mac.ts'
import { gateways, staticAddresses } from '../lab/normalize.ts'
import { cidrKey } from './cidr-key.ts'
import type { GuestLinkScope } from './guest-link-scope.ts'
import type { ObservedInterface } from './observed.ts'
import { type Op, Phase, pidPlaceholder } from './op.ts'

/** Guest-side settings; with `have`, only those that differ from it. */
export function configureGuest(scope: GuestLinkScope, have: ObservedInterface | null): Op[] {
  const { ctx, link, linkId, ifname, guestTarget, seen, op } = scope
  const ops: Op[] = []
  const target = guestTarget
  const addresses = staticAddresses(link)
  const node = ctx.lab.nodes[link.guest]
  const ipv6Off =
    !have &&
    target.kind === 'container' &&
    node?.kind === 'container' &&
    node.image === undefined &&
    addresses.some((a) => a.family === 6)
  // The guest's end needs only the cable: it is set up while the host's end joins its bridge (the
  // ports phase), unless Docker's IPv6 switch must be turned on first, in that same phase.
  const phase = ipv6Off ? Phase.configure : Phase.ports
  if (ipv6Off) {
    // Docker turns IPv6 off in a container's namespace; the lab's own containers are made
    // with it on, a user's container gets it on for this one interface.
    ops.push(
      op({
        action: 'guest.configure',
        phase: Phase.ports,
        exec: {
          tool: 'cmd',
          argv: [
            'nsenter',
            '-t',
            pidPlaceholder(target.name),
            '-n',
            'sysctl',
            '-q',
            '-w',
            `net.ipv6.conf.${ifname}.disable_ipv6=0`,
          ],
        },
        inverse: null,
        why: `${link.guest} is a Docker container, which has IPv6 off`,
        implies: 'drifted',
        suffix: ':ipv6',
      }),
    )
  }
  const haveAddresses = new Set(have?.addresses ?? [])
  if (have && link.mac !== undefined && have.mac !== resolveMac(link.mac)) {
    ops.push(
      op({
        action: 'guest.configure',
        phase: phase,
        exec: {
          tool: 'ip',
          target,
          line: ['link', 'set', ifname, 'address', resolveMac(link.mac)],
        },
        inverse: null,
        why: `${linkId} has MAC ${have.mac}, the lab says ${resolveMac(link.mac)}`,
        implies: 'drifted',
        suffix: ':mac',
      }),
    )
  }
  if (have && link.mtu !== undefined && have.mtu !== link.mtu) {
    ops.push(
      op({
        action: 'guest.configure',
        phase: phase,
        exec: { tool: 'ip', target, line: ['link', 'set', ifname, 'mtu', String(link.mtu)] },
        inverse: null,
        why: `${linkId} has MTU ${have.mtu}, the lab says ${link.mtu}`,
        implies: 'drifted',
        suffix: ':mtu',
      }),
    )
  }
  for (const address of addresses) {
    if (haveAddresses.has(cidrKey(address))) continue
    // nodad: a lab's IPv6 address is usable at once instead of after duplicate detection.
    const extra = address.family === 4 ? ['brd', '+'] : ['nodad']
    ops.push(
      op({
        action: 'address.add',
        phase: phase,
        exec: { tool: 'ip', target, line: ['addr', 'add', address.text, ...extra, 'dev', ifname] },
        inverse: have ? { tool: 'ip', target, line: ['addr', 'del', address.text, 'dev', ifname] } : null,
        why: `${linkId} should have ${address.text}`,
        implies: 'drifted',
        suffix: `:${address.text}`,
      }),
    )
  }
  if (have) {
    const want = new Set(addresses.map(cidrKey))
    for (const extra of have.addresses) {
      if (want.has(extra) || link.ip === 'dhcp') continue
      ops.push(
        op({
          action: 'address.delete',
          phase: phase,
          exec: { tool: 'ip', target, line: ['addr', 'del', extra, 'dev', ifname] },
          inverse: { tool: 'ip', target, line: ['addr', 'add', extra, 'dev', ifname] },
          why: `${linkId} has ${extra}, which the lab does not name`,
          implies: 'drifted',
          suffix: `:${extra}`,
        }),
      )
    }
  }
  if (!have?.adminUp) {
    ops.push(
      op({
        action: 'guest.configure',
        phase: phase,
        exec: { tool: 'ip', target, line: ['link', 'set', ifname, 'up'] },
        inverse: null,
        why: `bring ${linkId} up`,
        implies: 'down',
        suffix: ':up',
      }),
    )
  }
  for (const gateway of gateways(link)) {
    const family = addressFamily(gateway)
    const route = seen?.routes.find((r) => r.family === family)
    if (
      have &&
      route &&
      canonicalAddress(route.gateway) === canonicalAddress(gateway) &&
      route.dev === ifname
    )
      continue
    ops.push(
      op({
        action: 'guest.configure',
        phase: phase,
        exec: {
          tool: 'ip',
          target,
          line: ['route', 'replace', 'default', 'via', gateway, 'dev', ifname],
        },
        inverse: null,
        why: `${link.guest}'s default route goes via ${gateway}`,
        implies: 'drifted',
        suffix: `:gw${family}`,
      }),
    )
  }
  return ops
}
