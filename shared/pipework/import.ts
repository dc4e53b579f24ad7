// pipework lines → a lab, deciding node kinds as pipework does: `ovs*` is an Open vSwitch bridge,
// `br*` a Linux bridge, any other host interface a NIC (macvlan), every guest an existing container.
import { DEFAULT_GUEST_IFNAME, guestIfname } from '../lab/normalize.ts'
import type { GuestLink, Lab, LabNode } from '../lab/schema.ts'
import type { AttachCommand, HostInterface } from './command.ts'
import { isPipeworkError } from './command.ts'
import { parsePipework } from './parse.ts'
import type { ScriptLine, ScriptProblem } from './script.ts'

/** The node a host interface stands for, and its name in the lab. */
export function hostInterfaceNode(hostInterface: HostInterface): { name: string; node: LabNode } {
  if ('mac' in hostInterface) {
    return {
      name: `nic-${hostInterface.mac.replaceAll(':', '').toLowerCase()}`,
      node: { kind: 'uplink', mac: hostInterface.mac },
    }
  }
  const name = hostInterface.name
  if (name.startsWith('ovs')) return { name, node: { kind: 'ovs-bridge' } }
  if (name.startsWith('br')) return { name, node: { kind: 'linux-bridge' } }
  return { name, node: { kind: 'uplink', interface: name } }
}

/** The lab link of one pipework attach (host interface named `to`). */
export function attachToLink(command: AttachCommand, to: string): GuestLink {
  const a = command.address
  return {
    guest: command.guest,
    to,
    ...(command.ifname !== DEFAULT_GUEST_IFNAME ? { ifname: command.ifname } : {}),
    ...(command.localIfname !== undefined ? { hostIfname: command.localIfname } : {}),
    ...(a.kind === 'static' ? { ip: a.cidr } : { ip: 'dhcp' as const }),
    ...(a.kind === 'static' && a.gateway !== undefined ? { gateway: a.gateway } : {}),
    ...(a.kind === 'dhcp' && a.client !== 'dhcp' ? { dhcpClient: a.client } : {}),
    ...(command.mac !== undefined ? { mac: command.mac } : {}),
    ...(command.vlan !== undefined ? { vlan: command.vlan } : {}),
    ...(command.directPhys ? { directPhys: true } : {}),
  }
}

/**
 * A second pipework line for the same guest interface: pipework itself stops there ("Link … exists
 * and is up"), but the evident intent is a second address, so it is merged when everything else
 * agrees. Anything else would be dropped silently, so it is refused with the reason instead.
 */
function withSecondAddress(first: GuestLink, next: GuestLink): GuestLink | string {
  if (first.ip === undefined || first.ip === 'dhcp' || next.ip === undefined || next.ip === 'dhcp') {
    return 'only a second static address can be added to it, not dhcp'
  }
  for (const field of ['to', 'hostIfname', 'mac', 'vlan', 'directPhys'] as const) {
    if (first[field] !== next[field]) {
      return `this line gives ${field} ${JSON.stringify(next[field] ?? null)}, that one ${JSON.stringify(first[field] ?? null)}`
    }
  }
  const gateways = [first.gateway ?? [], next.gateway ?? []].flat()
  const unique = [...new Set(gateways)]
  // One default gateway per address family, as the lab file allows.
  if (unique.filter((g) => g.includes(':')).length > 1 || unique.filter((g) => !g.includes(':')).length > 1) {
    return `it already has gateway ${[first.gateway].flat().join(', ')}`
  }
  return {
    ...first,
    ip: [...[first.ip].flat(), ...[next.ip].flat()],
    ...(unique.length > 0 ? { gateway: unique.length === 1 ? unique[0]! : unique } : {}),
  }
}

export function importPipework(
  lines: readonly ScriptLine[],
  labName: string,
): { lab: Lab; problems: ScriptProblem[] } {
  const nodes: Lab['nodes'] = {}
  const links: GuestLink[] = []
  const linkLines: number[] = []
  const problems: ScriptProblem[] = []
  for (const { line, argv } of lines) {
    const command = parsePipework(argv)
    if (isPipeworkError(command)) {
      problems.push({ line, message: `${command.field}: ${command.message}` })
      continue
    }
    if (command.kind !== 'attach') {
      problems.push({ line, message: `pipework ${command.kind} lines are not part of a lab file; left out` })
      continue
    }
    const host = hostInterfaceNode(command.hostInterface)
    const link = attachToLink(command, host.name)
    const earlier = links.findIndex((l) => l.guest === link.guest && guestIfname(l) === guestIfname(link))
    if (earlier >= 0) {
      const merged = withSecondAddress(links[earlier]!, link)
      if (typeof merged === 'string') {
        const name = `${link.guest}:${guestIfname(link)}`
        problems.push({
          line,
          message: `${name} is already attached on line ${linkLines[earlier]}: ${merged}`,
        })
        continue
      }
      links[earlier] = merged
    } else {
      links.push(link)
      linkLines.push(line)
    }
    nodes[host.name] ??= host.node
    nodes[command.guest] ??= { kind: 'container' }
  }
  return { lab: { patchbay: 1, name: labName, nodes, links }, problems }
}
