// Where to watch a link's frames: which namespace, which device. Derived from the lab alone, like
// every name the planner gives (device-names.ts), so capture needs no look at the machine to know
// where to go; only a container's namespace is found at run time (by its pid, checked).
import { guestIfname, linkIds, nodeHost } from '../lab/normalize.ts'
import { isGuestLink, type Lab } from '../lab/schema.ts'
import type { HostPlace } from './context.ts'
import { containerName, guestHostEnd, wireDevices } from './device-names.ts'

/** The namespace a capture runs in. */
export type CaptureNamespace =
  /** A host of the lab: the machine's own namespace (netns null) or a simulated host's. */
  | { readonly kind: 'host'; readonly host: string; readonly netns: string | null }
  /** A netns guest's namespace, by name. */
  | { readonly kind: 'netns'; readonly name: string }
  /** A container's namespace, found by its pid when the capture starts. */
  | { readonly kind: 'container'; readonly node: string; readonly container: string }

export interface CapturePoint {
  readonly linkId: string
  readonly namespace: CaptureNamespace
  readonly device: string
  /** Why this device: said to the user before the first frame. */
  readonly why: string
}

export type CapturePointResult = { ok: true; point: CapturePoint } | { ok: false; message: string }

/**
 * The capture point of the link `linkId`. A guest link is watched at its veth's host end (the
 * guest's frames untagged, as the guest sends them); a macvlan or moved NIC has no host end, so
 * at the guest's own interface. A wire is watched at its first end, where OVS (userspace datapath)
 * and a VLAN-filtering Linux bridge send trunked frames with their 802.1Q tags in the frame; a
 * tunnel at its vxlan device (the inner frames, tags included).
 */
export function capturePoint(
  lab: Lab,
  linkId: string,
  places: Readonly<Record<string, HostPlace>>,
): CapturePointResult {
  const links = lab.links ?? []
  const ids = linkIds(links)
  const index = ids.indexOf(linkId)
  const link = links[index]
  if (index < 0 || !link) {
    const known = ids.length > 0 ? `; its links are ${ids.join(', ')}` : '; it has no links'
    return { ok: false, message: `lab ${lab.name} has no link ${JSON.stringify(linkId)}${known}` }
  }
  const hostNamespace = (host: string): CaptureNamespace => ({
    kind: 'host',
    host,
    netns: places[host]?.netns ?? null,
  })
  if (isGuestLink(link)) {
    const guest = lab.nodes[link.guest]
    const to = lab.nodes[link.to]
    if (!guest || (guest.kind !== 'container' && guest.kind !== 'netns') || !to)
      return { ok: false, message: `link ${linkId} does not join a guest to a bridge or uplink` }
    if (to.kind === 'uplink') {
      const namespace: CaptureNamespace =
        guest.kind === 'container'
          ? { kind: 'container', node: link.guest, container: containerName(lab.name, link.guest, guest) }
          : { kind: 'netns', name: link.guest }
      const mode = link.directPhys ? 'the NIC moved into the guest' : 'its macvlan in the guest'
      return {
        ok: true,
        point: { linkId, namespace, device: guestIfname(link), why: `${mode} (it has no host end)` },
      }
    }
    return {
      ok: true,
      point: {
        linkId,
        namespace: hostNamespace(nodeHost(guest)),
        device: guestHostEnd(lab.name, link),
        why: `the host end of ${link.guest}'s ${guestIfname(link)}`,
      },
    }
  }
  const first = lab.nodes[link.between[0]]
  if (!first) return { ok: false, message: `link ${linkId} names no node ${link.between[0]}` }
  const device = wireDevices(lab, link)[0]
  const tunnel = link.via === 'vxlan'
  return {
    ok: true,
    point: {
      linkId,
      namespace: hostNamespace(nodeHost(first)),
      device,
      why: tunnel
        ? `the vxlan device on ${link.between[0]}'s side (inner frames, with their VLAN tags)`
        : `the end on ${link.between[0]} (trunked frames keep their 802.1Q tags there)`,
    },
  }
}
