// A lab → the pipework lines that build the same thing, one per guest link. What pipework cannot
// say (wires, trunks, a second address or gateway, MTU, a bridge's own address) becomes a `#` comment line, so nothing is lost silently.
import {
  bridgeAddresses,
  DEFAULT_GUEST_IFNAME,
  gateways,
  guestIfname,
  staticAddresses,
} from '../lab/normalize.ts'
import { type GuestLink, isWire, type Lab } from '../lab/schema.ts'

/** The gateway that fits on the line: pipework takes one, of the first address's family. */
function lineGateway(link: GuestLink): string | undefined {
  const first = staticAddresses(link)[0]
  if (!first) return undefined
  return gateways(link).find((g) => g.includes(':') === (first.family === 6))
}

/** The pipework line for one guest link, or null when pipework cannot express it at all. */
export function pipeworkLine(lab: Lab, link: GuestLink): string | null {
  const to = lab.nodes[link.to]
  if (!to) return null
  const hostInterface = to.kind === 'uplink' ? (to.interface ?? `mac:${to.mac}`) : link.to
  const words = ['pipework']
  if (link.directPhys) words.push('--direct-phys')
  words.push(hostInterface)
  if (link.ifname !== undefined && link.ifname !== DEFAULT_GUEST_IFNAME) words.push('-i', link.ifname)
  if (link.hostIfname !== undefined) words.push('-l', link.hostIfname)
  const first = staticAddresses(link)[0]
  if (link.ip === 'dhcp') {
    words.push(link.guest, link.dhcpClient ?? 'dhcp')
  } else if (first) {
    if (first.family === 6) words.push('-a', '6')
    const gateway = lineGateway(link)
    words.push(link.guest, gateway ? `${first.text}@${gateway}` : first.text)
  } else return null // pipework needs an address or dhcp
  const macSlot = `${link.mac ?? ''}${link.vlan !== undefined ? `@${link.vlan}` : ''}`
  if (macSlot) words.push(macSlot)
  return words.join(' ')
}

export function exportPipework(lab: Lab): string[] {
  const out: string[] = []
  for (const link of lab.links ?? []) {
    if (isWire(link)) {
      const carries = link.trunk
        ? ` carrying VLANs ${link.trunk.join(',')}`
        : link.vlan
          ? ` on VLAN ${link.vlan}`
          : ''
      out.push(
        `# not expressible in pipework: a wire between ${link.between[0]} and ${link.between[1]}${carries}`,
      )
      continue
    }
    const line = pipeworkLine(lab, link)
    const name = `${link.guest}:${guestIfname(link)}`
    if (!line) {
      out.push(`# not expressible in pipework: ${name} has no address (pipework needs one, or dhcp)`)
      continue
    }
    out.push(line)
    for (const extra of staticAddresses(link).slice(1))
      out.push(`# not expressible in pipework: ${name} also has ${extra.text}`)
    if (link.mtu !== undefined) out.push(`# not expressible in pipework: ${name} has MTU ${link.mtu}`)
    for (const gateway of gateways(link).filter((g) => g !== lineGateway(link)))
      out.push(`# not expressible in pipework: ${name} also has gateway ${gateway}`)
  }
  // pipework creates bridges but never gives them an address.
  for (const [node, bridge] of Object.entries(lab.nodes)) {
    for (const cidr of bridgeAddresses(bridge))
      out.push(`# not expressible in pipework: bridge ${node} has address ${cidr.text}`)
  }
  return out
}
