// Bridges: Linux bridges and Open vSwitch bridges, created if absent and marked as the lab's. A bridge
// that was there before the lab is used as it is and never deleted.
import { bridgeAddresses, linuxBridgeFilters, nodeHost } from '../lab/normalize.ts'
import { cidrKey } from './cidr-key.ts'
import { emptyPart, hostIp, ovsExec, type PlanContext, type PlanPart } from './context.ts'
import { nodeMark, OVS_LAB_KEY } from './device-names.ts'
import { ACTION_EFFECT, type Op, Phase } from './op.ts'

/** The OVS datapath a lab's bridges get on this host: the kernel's when it has one, else userspace. */
export const ovsDatapath = (ctx: PlanContext): 'system' | 'netdev' =>
  ctx.observed.capabilities.ovsKernelDatapath ? 'system' : 'netdev'

export function planBridges(ctx: PlanContext): PlanPart {
  const part = emptyPart()
  const host = hostIp(ctx)
  for (const [name, node] of Object.entries(ctx.lab.nodes)) {
    if (nodeHost(node) !== ctx.host) continue
    if (node.kind !== 'linux-bridge' && node.kind !== 'ovs-bridge') continue
    const device = ctx.observed.interfaces.find((i) => i.name === name)
    const op = (id: string, fields: Omit<Op, 'id' | 'host' | 'pipework' | 'node' | 'effect'>): Op => ({
      id: `${id}:${name}`,
      host: ctx.host,
      pipework: null,
      node: name,
      effect: ACTION_EFFECT[fields.action],
      ...fields,
    })

    if (node.kind === 'linux-bridge') {
      const filtering = linuxBridgeFilters(ctx.lab, name)
      if (filtering && !ctx.observed.capabilities.bridgeVlanFiltering) {
        part.problems.push({
          kind: 'capability',
          field: `nodes.${name}`,
          message: `Linux bridge ${name} needs VLAN filtering for its VLANs, and this kernel has no bridge VLAN filtering; use an ovs-bridge for VLANs here`,
        })
        continue
      }
      if (device && device.kind !== 'bridge') {
        part.problems.push({
          kind: 'conflict',
          field: `nodes.${name}`,
          message: `${name} exists on the host as a ${device.kind ?? 'plain'} device, not a Linux bridge`,
        })
        continue
      }
      if (!device) {
        part.ops.push(
          op('bridge.create', {
            phase: Phase.bridges,
            action: 'bridge.create',
            exec: {
              tool: 'ip',
              target: host,
              line: ['link', 'add', name, 'type', 'bridge', ...(filtering ? ['vlan_filtering', '1'] : [])],
            },
            inverse: { tool: 'ip', target: host, line: ['link', 'del', name] },
            why: `Linux bridge ${name} does not exist`,
          }),
          op('bridge.mark', {
            phase: Phase.bridges,
            action: 'bridge.configure',
            exec: {
              tool: 'ip',
              target: host,
              line: ['link', 'set', name, 'up', 'alias', nodeMark(ctx.lab.name, name)],
            },
            inverse: null,
            why: `mark ${name} as made by lab ${ctx.lab.name} and bring it up`,
          }),
        )
      } else if (!device.adminUp) {
        part.ops.push(
          op('bridge.up', {
            phase: Phase.bridges,
            action: 'bridge.configure',
            exec: { tool: 'ip', target: host, line: ['link', 'set', name, 'up'] },
            inverse: null,
            why: `${name} is down`,
          }),
        )
      }
    } else {
      const existing = ctx.observed.ovs?.bridges.find((b) => b.name === name)
      // A simulated host gets its own OVS from this very plan (hosts.ts).
      if (!ctx.observed.ovs && !ctx.place.ovsDb) {
        part.problems.push({
          kind: 'capability',
          field: `nodes.${name}`,
          message: `${name} is an Open vSwitch bridge, and Open vSwitch is not running on host ${ctx.host}`,
        })
        continue
      }
      if (!existing) {
        const datapath =
          node.datapath === 'system' || node.datapath === 'netdev' ? node.datapath : ovsDatapath(ctx)
        if (datapath === 'system' && !ctx.observed.capabilities.ovsKernelDatapath) {
          part.problems.push({
            kind: 'capability',
            field: `nodes.${name}.datapath`,
            message: `${name} asks for the kernel datapath, and this kernel has no openvswitch module; use datapath: netdev or auto`,
          })
          continue
        }
        part.ops.push(
          op('ovs.bridge.create', {
            phase: Phase.bridges,
            action: 'ovs.bridge.create',
            exec: ovsExec(ctx, [
              '--may-exist',
              'add-br',
              name,
              '--',
              'set',
              'bridge',
              name,
              `datapath_type=${datapath}`,
              `external_ids:${OVS_LAB_KEY}=${ctx.lab.name}`,
            ]),
            inverse: ovsExec(ctx, ['--if-exists', 'del-br', name]),
            why: `OVS bridge ${name} does not exist (datapath ${datapath}${datapath === 'netdev' ? ': this kernel has no OVS module' : ''})`,
          }),
        )
      }
      if (!device?.adminUp && bridgeAddresses(node).length > 0) {
        part.ops.push(
          op('bridge.up', {
            phase: Phase.configure,
            action: 'bridge.configure',
            exec: { tool: 'ip', target: host, line: ['link', 'set', name, 'up'] },
            inverse: null,
            why: `${name}'s own interface carries the host's address`,
          }),
        )
      }
    }

    const have = new Set(device?.addresses ?? [])
    for (const address of bridgeAddresses(node)) {
      if (have.has(cidrKey(address))) continue
      part.ops.push(
        op(`address.add:${address.text}`, {
          phase: Phase.configure,
          action: 'address.add',
          exec: {
            tool: 'ip',
            target: host,
            line: ['addr', 'add', address.text, ...(address.family === 4 ? ['brd', '+'] : []), 'dev', name],
          },
          inverse: { tool: 'ip', target: host, line: ['addr', 'del', address.text, 'dev', name] },
          why: `${name} should have the host address ${address.text}`,
        }),
      )
    }
  }
  return part
}
