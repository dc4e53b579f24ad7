// A guest on a host NIC, as pipework's physical-NIC modes do it: a macvlan on the NIC (on an
// 802.1Q sub-interface for a VLAN), or with --direct-phys the NIC itself moved into the guest.
// Either is born inside the guest with its final name and marked there: it has no host end.
import { resolveMac } from '../lab/mac.ts'
import type { LabNode } from '../lab/schema.ts'
import { hostIp, type PlanPart } from './context.ts'
import { fitIfname, linkMark, nodeMark, parseMark, physMark } from './device-names.ts'
import { configureGuest } from './guest-config.ts'
import { type GuestLinkScope, guestNetnsArg, ifnameTaken, usedAsIs } from './guest-link-scope.ts'
import { Phase } from './op.ts'
import { findNic } from './uplinks.ts'

type Uplink = Extract<LabNode, { kind: 'uplink' }>

/** The 802.1Q sub-interface pipework puts a tagged macvlan on: `eth0.100`. */
export const vlanSubinterface = (labName: string, nic: string, vlan: number): string =>
  fitIfname(`${nic}.${vlan}`, labName)

/**
 * pipework's physical-NIC mode: a macvlan (bridge mode) on the NIC, tagged through an 802.1Q
 * sub-interface when the link has a VLAN, born inside the guest with its final name.
 */
export function planMacvlanLink(scope: GuestLinkScope, part: PlanPart, uplink: Uplink): void {
  const { ctx, link, field, linkId, ifname, guestTarget, guestSide, op } = scope
  const caps = ctx.observed.capabilities
  if (!caps.macvlan) {
    part.problems.push({
      kind: 'capability',
      field,
      message: `link ${linkId} needs a macvlan on ${link.to}, and this kernel has no macvlan support`,
    })
    return
  }
  const nic = findNic(ctx.observed, uplink)
  if (!nic) {
    part.problems.push({
      kind: 'conflict',
      field,
      message: `link ${linkId}: host ${ctx.host} has no NIC ${uplink.interface ?? `with MAC ${uplink.mac}`}`,
    })
    return
  }
  const vlan = link.vlan
  if (vlan !== undefined && !caps.vlan8021q) {
    part.problems.push({
      kind: 'capability',
      field,
      message: `link ${linkId} needs VLAN ${vlan} on ${nic} as the 802.1Q sub-interface ${nic}.${vlan}, and this kernel has no 802.1Q support (module 8021q)`,
    })
    return
  }
  const mark = parseMark(guestSide?.alias)
  const nicIndex = ctx.observed.interfaces.find((i) => i.name === nic)?.ifindex
  if (
    guestSide?.kind === 'macvlan' &&
    mark === null &&
    vlan === undefined &&
    guestSide.parentIfindex === nicIndex
  ) {
    // A macvlan made by hand or by pipework on this very NIC (a discovered lab): used as it is.
    usedAsIs(scope, part, configureGuest(scope, guestSide))
    return
  }
  const ours =
    guestSide?.kind === 'macvlan' && mark?.kind === 'link' && mark.lab === ctx.lab.name && mark.id === linkId
  if (guestSide && !ours) {
    part.problems.push(ifnameTaken(scope))
    return
  }
  if (ours) {
    part.ops.push(...configureGuest(scope, guestSide))
    return
  }
  const host = hostIp(ctx)
  const parent = vlan === undefined ? nic : vlanSubinterface(ctx.lab.name, nic, vlan)
  if (!ctx.observed.interfaces.find((i) => i.name === nic)?.adminUp) {
    part.ops.push(
      op({
        action: 'guest.configure',
        phase: Phase.cables,
        exec: { tool: 'ip', target: host, line: ['link', 'set', nic, 'up'] },
        inverse: null,
        why: `the NIC ${nic} under ${linkId} is down`,
        implies: 'drifted',
        suffix: ':nic',
      }),
    )
  }
  if (vlan !== undefined && !ctx.observed.interfaces.some((i) => i.name === parent)) {
    // Shared by every link on this NIC and VLAN; the plan keeps one of these.
    part.ops.push({
      ...op({
        action: 'vlan.create',
        phase: Phase.cables,
        exec: {
          tool: 'ip',
          target: host,
          line: ['link', 'add', 'link', nic, 'name', parent, 'type', 'vlan', 'id', String(vlan)],
        },
        inverse: { tool: 'ip', target: host, line: ['link', 'del', parent] },
        why: `VLAN ${vlan} on ${nic} is the 802.1Q sub-interface ${parent}`,
        implies: 'drifted',
      }),
      id: `vlan.create:${ctx.host}:${parent}`,
    })
    part.ops.push({
      ...op({
        action: 'vlan.create',
        phase: Phase.cables,
        exec: {
          tool: 'ip',
          target: host,
          line: ['link', 'set', parent, 'up', 'alias', nodeMark(ctx.lab.name, `vlan:${parent}`)],
        },
        inverse: null,
        why: `mark ${parent} as lab ${ctx.lab.name}'s`,
        implies: 'drifted',
      }),
      id: `vlan.mark:${ctx.host}:${parent}`,
    })
  }
  const mtu = link.mtu !== undefined ? ['mtu', String(link.mtu)] : []
  const mac = link.mac !== undefined ? ['address', resolveMac(link.mac)] : []
  part.ops.push(
    op({
      action: 'macvlan.create',
      phase: Phase.cables,
      exec: {
        tool: 'ip',
        target: host,
        line: [
          'link',
          'add',
          'link',
          parent,
          'name',
          ifname,
          ...mac,
          ...mtu,
          'netns',
          guestNetnsArg(scope),
          'type',
          'macvlan',
          'mode',
          'bridge',
        ],
      },
      inverse: { tool: 'ip', target: guestTarget, line: ['link', 'del', ifname] },
      why: `${link.guest} needs ${ifname} as a macvlan on ${parent}`,
      implies: 'missing',
    }),
    op({
      action: 'guest.configure',
      phase: Phase.ports,
      exec: {
        tool: 'ip',
        target: guestTarget,
        line: ['link', 'set', ifname, 'alias', linkMark(ctx.lab.name, linkId)],
      },
      inverse: null,
      why: `mark ${linkId} as lab ${ctx.lab.name}'s`,
      implies: 'drifted',
      suffix: ':mark',
    }),
    ...configureGuest(scope, null),
  )
}

/** pipework --direct-phys: the NIC itself moves into the guest, renamed; destroy gives it back. */
export function planDirectPhysLink(scope: GuestLinkScope, part: PlanPart, uplink: Uplink): void {
  const { ctx, link, field, linkId, ifname, guestTarget, guestSide, op } = scope
  const mark = parseMark(guestSide?.alias)
  if (mark?.kind === 'phys' && mark.lab === ctx.lab.name && mark.id === linkId) {
    part.ops.push(...configureGuest(scope, guestSide ?? null))
    return
  }
  if (guestSide) {
    part.problems.push(ifnameTaken(scope))
    return
  }
  const nic = findNic(ctx.observed, uplink)
  if (!nic) {
    part.problems.push({
      kind: 'conflict',
      field,
      message: `link ${linkId}: host ${ctx.host} has no NIC ${uplink.interface ?? `with MAC ${uplink.mac}`} to move into ${link.guest}`,
    })
    return
  }
  const rename = nic === ifname ? [] : ['name', ifname]
  part.ops.push(
    op({
      action: 'macvlan.create',
      phase: Phase.cables,
      exec: {
        tool: 'ip',
        target: hostIp(ctx),
        line: ['link', 'set', nic, 'netns', guestNetnsArg(scope)],
      },
      inverse: {
        tool: 'ip',
        target: guestTarget,
        line: ['link', 'set', ifname, 'name', nic, 'netns', ctx.place.netns ?? '1'],
      },
      why: `the NIC ${nic} itself moves into ${link.guest} (--direct-phys)`,
      implies: 'missing',
    }),
    op({
      action: 'guest.configure',
      phase: Phase.ports,
      exec: {
        tool: 'ip',
        target: guestTarget,
        line: ['link', 'set', nic, ...rename, 'alias', physMark(ctx.lab.name, linkId, nic)],
      },
      inverse: null,
      why: `${nic} is ${linkId} now, marked to be given back`,
      implies: 'drifted',
      suffix: ':mark',
    }),
    ...configureGuest(scope, null),
  )
}
