// Defaults and derived names that every consumer of a lab agrees on. The lab file keeps what the
// user wrote; these functions say what it means.
import { type Cidr, parseCidr } from './addresses.ts'
import { type GuestLink, isGuestLink, isWire, type Lab, type LabLink, type LabNode } from './schema.ts'

/** pipework's default name for the interface inside the guest. */
export const DEFAULT_GUEST_IFNAME = 'eth1'
export const LOCAL_HOST = 'local'

export const guestIfname = (link: GuestLink): string => link.ifname ?? DEFAULT_GUEST_IFNAME

export const nodeHost = (node: Pick<LabNode, 'host'>): string => node.host ?? LOCAL_HOST

/** `test1:eth1`: how domains, verify and the canvas name a guest interface. */
export const memberName = (link: GuestLink): string => `${link.guest}:${guestIfname(link)}`

/** Parsed static addresses of a guest link (none for dhcp or no ip). */
export function staticAddresses(link: GuestLink): Cidr[] {
  if (link.ip === undefined || link.ip === 'dhcp') return []
  // A plain loop: domains call this for every link of a lab on every edit.
  if (!Array.isArray(link.ip)) {
    const cidr = parseCidr(link.ip)
    return typeof cidr === 'string' ? [] : [cidr]
  }
  const out: Cidr[] = []
  for (const text of link.ip) {
    const cidr = parseCidr(text)
    if (typeof cidr !== 'string') out.push(cidr)
  }
  return out
}

/** Host addresses configured on a bridge itself (`ip:` on a bridge node). */
export function bridgeAddresses(node: LabNode): Cidr[] {
  if ((node.kind !== 'ovs-bridge' && node.kind !== 'linux-bridge') || node.ip === undefined) return []
  const texts = Array.isArray(node.ip) ? node.ip : [node.ip]
  return texts.map(parseCidr).filter((c): c is Cidr => typeof c !== 'string')
}

export const gateways = (link: GuestLink): string[] =>
  link.gateway === undefined ? [] : Array.isArray(link.gateway) ? link.gateway : [link.gateway]

function wireIdBase(link: LabLink): string {
  if (isGuestLink(link)) return memberName(link)
  if (isWire(link)) {
    const [a, b] = link.between
    return link.via === 'vxlan' ? `${a}~${b}~vxlan${link.vni ?? ''}` : `${a}~${b}`
  }
  return 'link'
}

/**
 * Stable ids for every link: `test1:eth1` for a guest link, `ovs1~ovs2` for a wire (`#2`, `#3` for
 * parallel wires). Live state, status and the canvas key links by these.
 */
export function linkIds(links: readonly LabLink[]): string[] {
  const seen = new Map<string, number>()
  return links.map((link) => {
    const base = wireIdBase(link)
    const count = (seen.get(base) ?? 0) + 1
    seen.set(base, count)
    return count === 1 ? base : `${base}#${count}`
  })
}

/** A Linux bridge filters VLANs when asked to, or as soon as any of its links carries a VLAN. */
export function linuxBridgeFilters(lab: Lab, bridge: string): boolean {
  const node = lab.nodes[bridge]
  if (node?.kind !== 'linux-bridge') return false
  if (node.vlanFiltering !== undefined) return node.vlanFiltering
  return linuxBridgeVlanLinks(lab, bridge).length > 0
}

/** Indices of links that need VLAN filtering on `bridge`. */
export function linuxBridgeVlanLinks(lab: Lab, bridge: string): number[] {
  const out: number[] = []
  ;(lab.links ?? []).forEach((link, index) => {
    if (isGuestLink(link) && link.to === bridge && link.vlan !== undefined) out.push(index)
    if (isWire(link) && link.between.includes(bridge)) {
      if (link.vlan !== undefined || link.trunk !== undefined || link.native !== undefined) out.push(index)
    }
  })
  return out
}
