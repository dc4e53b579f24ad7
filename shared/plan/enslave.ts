// A host NIC plugged into a bridge (the seeds' br0 + eth0, ovs0 + eth1): a wire between a bridge
// and an uplink. The NIC is the user's: it is joined to the bridge and, with promisc, made
// promiscuous, and never deleted; leaving the lab's OVS bridge or its own bridge sets it free.
import { linuxBridgeFilters } from '../lab/normalize.ts'
import type { LabNode, WireLink } from '../lab/schema.ts'
import { emptyPart, hostIp, type PlanContext, type PlanPart } from './context.ts'
import { linkOps, Phase } from './op.ts'
import { addPortExecs, ovsEndSettings } from './ovs-ports.ts'
import { findNic } from './uplinks.ts'

export interface EnslavedNic {
  readonly ctx: PlanContext
  /** The wire between the bridge and the uplink, and its index and id in the lab. */
  readonly wire: WireLink
  readonly index: number
  readonly id: string
  /** Which end of the wire is the bridge. */
  readonly bridgeEnd: 0 | 1
  readonly uplink: Extract<LabNode, { kind: 'uplink' }>
}

export function planEnslave({ ctx, wire, index, id, bridgeEnd, uplink }: EnslavedNic): PlanPart {
  const part = emptyPart()
  const bridge = wire.between[bridgeEnd]
  const bridgeNode = ctx.lab.nodes[bridge]
  const nic = findNic(ctx.observed, uplink)
  const device = nic ? ctx.observed.interfaces.find((i) => i.name === nic) : undefined
  if (!nic || !device) {
    part.problems.push({
      kind: 'conflict',
      field: `links[${index}]`,
      message: `wire ${id}: host ${ctx.host} has no NIC ${uplink.interface ?? `with MAC ${uplink.mac}`}`,
    })
    return part
  }
  const op = linkOps({ stem: id, host: ctx.host, linkId: id })
  const host = hostIp(ctx)
  const makesPromisc = uplink.promisc === true && !device.promisc
  if (makesPromisc) {
    part.ops.push(
      op({
        action: 'veth.configure',
        phase: Phase.cables,
        exec: { tool: 'ip', target: host, line: ['link', 'set', nic, 'promisc', 'on'] },
        inverse: { tool: 'ip', target: host, line: ['link', 'set', nic, 'promisc', 'off'] },
        why: `${nic} joins ${bridge} promiscuous`,
        implies: 'drifted',
        suffix: ':promisc',
      }),
    )
  }
  if (!device.adminUp) {
    part.ops.push(
      op({
        action: 'veth.configure',
        phase: Phase.cables,
        exec: { tool: 'ip', target: host, line: ['link', 'set', nic, 'up'] },
        inverse: null,
        why: `${nic} is down`,
        implies: 'down',
        suffix: ':up',
      }),
    )
  }
  if (bridgeNode?.kind === 'ovs-bridge') {
    const settings = ovsEndSettings(wire, bridgeEnd)
    const port = ctx.observed.ovs?.ports.find((p) => p.name === nic)
    if (port?.bridge === bridge) return part // settings drift of an enslaved NIC: left to the user's hands
    part.ops.push(
      op({
        action: 'ovs.port.add',
        phase: Phase.ports,
        ...addPortExecs({ ctx, bridge, port: nic, settings, linkId: id, madePromisc: makesPromisc }),
        why: `the NIC ${nic} joins ${bridge}`,
        implies: 'drifted',
      }),
    )
  } else if (bridgeNode?.kind === 'linux-bridge') {
    if (device.master === bridge) return part
    if (linuxBridgeFilters(ctx.lab, bridge)) {
      part.problems.push({
        kind: 'capability',
        field: `links[${index}]`,
        message: `wire ${id}: VLANs on a NIC in a Linux bridge are not applied by this version of the engine yet`,
      })
      return part
    }
    part.ops.push(
      op({
        action: 'veth.configure',
        phase: Phase.ports,
        exec: { tool: 'ip', target: host, line: ['link', 'set', nic, 'master', bridge] },
        inverse: { tool: 'ip', target: host, line: ['link', 'set', nic, 'nomaster'] },
        why: `the NIC ${nic} joins ${bridge}`,
        implies: 'drifted',
        suffix: ':master',
      }),
    )
  }
  return part
}
