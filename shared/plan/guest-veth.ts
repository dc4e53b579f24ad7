// A guest on a bridge by a veth, as pipework does it: the guest end born inside the guest with its
// final name (no rename step, no window where it sits in the host), the host end marked and plugged
// into the bridge, then the guest end addressed, routed and up. A made link is repaired in place.
import { resolveMac } from '../lab/mac.ts'
import { hostIp, ovsExec, type PlanPart } from './context.ts'
import { linkMark, parseMark } from './device-names.ts'
import { configureGuest } from './guest-config.ts'
import { type GuestLinkScope, guestNetnsArg, ifnameTaken, usedAsIs } from './guest-link-scope.ts'
import type { ObservedInterface } from './observed.ts'
import { type Op, Phase } from './op.ts'
import { accessPort, addPortExecs, stalePortOps } from './ovs-ports.ts'

/** The kind of node the link's bridge is. */
const bridgeKind = (scope: GuestLinkScope) => scope.ctx.lab.nodes[scope.link.to]?.kind

export function planVethLink(scope: GuestLinkScope, part: PlanPart): void {
  const { ctx, linkId, op, hostEnd, guestSide } = scope
  const hostSide = ctx.observed.interfaces.find((i) => i.name === hostEnd)
  const mark = parseMark(hostSide?.alias)
  const intact = hostSide && guestSide && guestSide.peerIfindex === hostSide.ifindex
  if (hostSide && guestSide && mark === null && intact && hostSide.peerIfindex === guestSide.ifindex) {
    // A cable someone made by hand or with pipework, exactly where the lab says (a discovered lab):
    // used as it is. It is not the lab's to change; `patchbay adopt` makes it so.
    usedAsIs(scope, part, repairVeth(scope, hostSide, guestSide))
    return
  }
  if (hostSide && !(mark?.lab === ctx.lab.name && mark.kind === 'link' && mark.id === linkId)) {
    part.problems.push({
      kind: 'conflict',
      field: scope.field,
      message: `link ${linkId}: the host interface ${hostEnd} already exists and is not this lab's; set hostIfname to another name`,
    })
    return
  }
  if (guestSide && !intact) {
    part.problems.push(ifnameTaken(scope))
    return
  }
  if (hostSide && !intact) {
    // The guest end vanished (its namespace went away): the host end is a leftover, make it again.
    part.ops.push(
      op({
        action: 'veth.delete',
        phase: Phase.removeLinks,
        exec: { tool: 'ip', target: hostIp(ctx), line: ['link', 'del', hostEnd] },
        inverse: null,
        why: `the guest end of ${linkId} is gone; its host end ${hostEnd} is stale`,
        implies: 'drifted',
      }),
    )
  }
  if (!intact) {
    part.ops.push(...stalePortOps(ctx, hostEnd, linkId))
    part.ops.push(...createVeth(scope))
    return
  }
  part.ops.push(...repairVeth(scope, hostSide, guestSide))
}

function createVeth(scope: GuestLinkScope): Op[] {
  const { ctx, link, linkId, ifname, op, hostEnd } = scope
  const host = hostIp(ctx)
  const mtu = link.mtu !== undefined ? ['mtu', String(link.mtu)] : []
  const mac = link.mac !== undefined ? ['address', resolveMac(link.mac)] : []
  const ops: Op[] = [
    op({
      action: 'veth.create',
      phase: Phase.cables,
      exec: {
        tool: 'ip',
        target: host,
        line: [
          'link',
          'add',
          hostEnd,
          ...mtu,
          'type',
          'veth',
          'peer',
          'name',
          ifname,
          ...mac,
          ...mtu,
          'netns',
          guestNetnsArg(scope),
        ],
      },
      inverse: { tool: 'ip', target: host, line: ['link', 'del', hostEnd] },
      why: `${link.guest} needs ${ifname} on ${link.to}`,
      implies: 'missing',
    }),
    op({
      action: 'veth.configure',
      phase: Phase.cables,
      exec: {
        tool: 'ip',
        target: host,
        line: [
          'link',
          'set',
          hostEnd,
          ...(bridgeKind(scope) === 'linux-bridge' ? ['master', link.to] : []),
          'up',
          'alias',
          linkMark(ctx.lab.name, linkId),
        ],
      },
      inverse: null,
      why: `mark ${hostEnd} as lab ${ctx.lab.name}'s and bring it up`,
      implies: 'drifted',
    }),
  ]
  if (bridgeKind(scope) === 'ovs-bridge') ops.push(addPort(scope))
  if (bridgeKind(scope) === 'linux-bridge' && link.vlan !== undefined) ops.push(...bridgeVlan(scope))
  ops.push(...configureGuest(scope, null))
  return ops
}

/** The host end as an OVS port: an access port of the link's VLAN, or untagged. */
function addPort(scope: GuestLinkScope): Op {
  const { ctx, link, linkId, op, hostEnd } = scope
  return op({
    action: 'ovs.port.add',
    phase: Phase.ports,
    ...addPortExecs({ ctx, bridge: link.to, port: hostEnd, settings: accessPort(link.vlan), linkId }),
    why:
      link.vlan !== undefined
        ? `access port of VLAN ${link.vlan} on ${link.to}`
        : `untagged port on ${link.to}`,
    implies: 'drifted',
  })
}

/** An access port on a VLAN-filtering Linux bridge: the VLAN untagged as PVID, out of default VLAN 1. */
function bridgeVlan(scope: GuestLinkScope): Op[] {
  const { link, op, hostEnd } = scope
  const vlan = link.vlan!
  const ops = [
    op({
      action: 'bridge.vlan',
      phase: Phase.ports,
      exec: {
        tool: 'bridge',
        line: ['vlan', 'add', 'vid', String(vlan), 'dev', hostEnd, 'pvid', 'untagged'],
      },
      inverse: null,
      why: `access port of VLAN ${vlan} on ${link.to}`,
      implies: 'drifted',
      suffix: ':vid',
    }),
  ]
  if (vlan !== 1) {
    ops.push(
      op({
        action: 'bridge.vlan',
        phase: Phase.ports,
        exec: { tool: 'bridge', line: ['vlan', 'del', 'vid', '1', 'dev', hostEnd] },
        inverse: null,
        why: `keep ${hostEnd} out of the bridge's default VLAN 1`,
        implies: 'drifted',
        suffix: ':vid1',
      }),
    )
  }
  return ops
}

/** The link exists: put back whatever drifted from the lab. */
function repairVeth(scope: GuestLinkScope, hostSide: ObservedInterface, guestSide: ObservedInterface): Op[] {
  const { ctx, link, op, hostEnd } = scope
  const ops: Op[] = []
  const host = hostIp(ctx)
  if (bridgeKind(scope) === 'ovs-bridge') {
    const port = ctx.observed.ovs?.ports.find((p) => p.name === hostEnd)
    if (!port || port.bridge !== link.to) {
      if (port)
        ops.push(
          op({
            action: 'ovs.port.delete',
            phase: Phase.removeLinks,
            exec: ovsExec(ctx, ['--if-exists', 'del-port', port.bridge, hostEnd]),
            inverse: null,
            why: `${hostEnd} is on ${port.bridge}, the lab says ${link.to}`,
            implies: 'drifted',
          }),
        )
      ops.push(addPort(scope))
    } else if ((port.tag ?? undefined) !== link.vlan) {
      const set =
        link.vlan !== undefined
          ? ['set', 'port', hostEnd, `tag=${link.vlan}`]
          : ['remove', 'port', hostEnd, 'tag', String(port.tag)]
      const back =
        port.tag !== null
          ? ['set', 'port', hostEnd, `tag=${port.tag}`]
          : ['remove', 'port', hostEnd, 'tag', String(link.vlan)]
      ops.push(
        op({
          action: 'ovs.port.set',
          phase: Phase.ports,
          exec: ovsExec(ctx, set),
          inverse: ovsExec(ctx, back),
          why: `${hostEnd} has VLAN ${port.tag ?? 'none'}, the lab says ${link.vlan ?? 'none'}`,
          implies: 'drifted',
        }),
      )
    }
  } else if (hostSide.master !== link.to) {
    ops.push(
      op({
        action: 'veth.configure',
        phase: Phase.ports,
        exec: { tool: 'ip', target: host, line: ['link', 'set', hostEnd, 'master', link.to] },
        inverse: null,
        why: `${hostEnd} is not a port of ${link.to}`,
        implies: 'drifted',
        suffix: ':master',
      }),
    )
  }
  if (!hostSide.adminUp) {
    ops.push(
      op({
        action: 'veth.configure',
        phase: Phase.cables,
        exec: { tool: 'ip', target: host, line: ['link', 'set', hostEnd, 'up'] },
        inverse: null,
        why: `${hostEnd} is down`,
        implies: 'down',
        suffix: ':up',
      }),
    )
  }
  ops.push(...configureGuest(scope, guestSide))
  return ops
}
