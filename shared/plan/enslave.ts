// A host NIC plugged into a bridge (the seeds' br0 + eth0, ovs0 + eth1): a wire between a bridge
// and an uplink. The NIC is the user's: it is joined to the bridge and, with promisc, made
// promiscuous, and never deleted; leaving the lab's OVS bridge or its own bridge sets it free.
import { linuxBridgeFilters } from '../lab/normalize.ts'
import type { LabNode, WireLink } from '../lab/schema.ts'
import { emptyPart, hostIp, ovsExec, type PlanContext, type PlanPart } from './context.ts'
import { OVS_LAB_KEY, OVS_LINK_KEY, OVS_PROMISC_KEY } from './device-names.ts'
import { linkOps, Phase } from './op.ts'
import { findNic } from './uplinks.ts'
import { ovsEndSettings } from './wires.ts'

export function planEnslave(
  ctx: PlanContext,
  wire: WireLink,
  index: number,
  id: string,
  bridgeEnd: 0 | 1,
  uplink: Extract<LabNode, { kind: 'uplink' }>,
): PlanPart {
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
    const words = [
      ...(settings.tag !== null ? [`tag=${settings.tag}`] : []),
      ...(settings.trunks.length ? [`trunks=${settings.trunks.join(',')}`] : []),
      ...(settings.vlanMode ? [`vlan_mode=${settings.vlanMode}`] : []),
    ]
    part.ops.push(
      op({
        action: 'ovs.port.add',
        phase: Phase.ports,
        exec: ovsExec(ctx, [
          '--may-exist',
          'add-port',
          bridge,
          nic,
          ...words,
          '--',
          'set',
          'port',
          nic,
          `external_ids:${OVS_LAB_KEY}=${ctx.lab.name}`,
          `external_ids:${OVS_LINK_KEY}=${id}`,
          ...(makesPromisc ? [`external_ids:${OVS_PROMISC_KEY}=1`] : []),
        ]),
        inverse: ovsExec(ctx, ['--if-exists', 'del-port', bridge, nic]),
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
