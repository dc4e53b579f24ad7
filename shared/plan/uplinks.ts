// A simulated host's NICs (uplink nodes) carry the host's own addresses, e.g. the underlay a VXLAN
// tunnel starts from. Real NICs of this machine are never addressed by a lab (validate.ts).

import { parseCidr } from '../lab/addresses.ts'
import { nodeHost } from '../lab/normalize.ts'
import type { LabNode } from '../lab/schema.ts'
import { cidrKey } from './cidr-key.ts'
import { emptyPart, hostIp, type PlanContext, type PlanPart } from './context.ts'
import type { ObservedHost } from './observed.ts'
import { Phase } from './op.ts'

export function planUplinkAddresses(ctx: PlanContext): PlanPart {
  const part = emptyPart()
  for (const [name, node] of Object.entries(ctx.lab.nodes)) {
    if (node.kind !== 'uplink' || node.ip === undefined || nodeHost(node) !== ctx.host || !node.interface)
      continue
    const nic = node.interface
    const device = ctx.observed.interfaces.find((i) => i.name === nic)
    const cabled = (ctx.lab.links ?? []).some((l) => 'between' in l && l.between.includes(name))
    if (!device && !cabled) {
      part.problems.push({
        kind: 'conflict',
        field: `nodes.${name}`,
        message: `uplink ${name}: host ${ctx.host} has no NIC ${nic}, and no wire of the lab makes one`,
      })
      continue
    }
    for (const text of [node.ip].flat()) {
      const cidr = parseCidr(text)
      if (typeof cidr === 'string' || device?.addresses.includes(cidrKey(cidr))) continue
      const target = hostIp(ctx)
      part.ops.push({
        id: `address.add:${name}:${text}`,
        host: ctx.host,
        phase: Phase.configure,
        action: 'address.add',
        effect: 'create',
        exec: {
          tool: 'ip',
          target,
          line: ['addr', 'add', text, ...(cidr.family === 6 ? ['nodad'] : []), 'dev', nic],
        },
        inverse: { tool: 'ip', target, line: ['addr', 'del', text, 'dev', nic] },
        pipework: null,
        why: `host ${ctx.host}'s NIC ${nic} should have ${text}`,
        node: name,
      })
    }
  }
  return part
}

/** The NIC an uplink names on its host (by interface name, or by MAC for pipework's `mac:`), if there. */
export function findNic(observed: ObservedHost, uplink: Extract<LabNode, { kind: 'uplink' }>): string | null {
  const nic =
    uplink.interface ??
    observed.interfaces.find((i) => i.mac.toLowerCase() === uplink.mac?.toLowerCase())?.name
  return nic && observed.interfaces.some((i) => i.name === nic) ? nic : null
}
