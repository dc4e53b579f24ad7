// Where frames of a lab can be captured: for every port of the lab, the namespace it lives in, the
// device's name there, and the node, port and link of the lab it belongs to. Derived from the
// planner's own naming (shared/plan/device-names.ts), so a capture finds exactly the device apply
// made; only a container's pid comes from an observation, since Docker picks it.
import { guestIfname, LOCAL_HOST, linkIds, nodeHost } from '../../shared/lab/normalize.ts'
import { type GuestLink, isGuestLink, isWire, type Lab, type WireLink } from '../../shared/lab/schema.ts'
import {
  containerName,
  guestHostEnd,
  simulatedHostNetns,
  wireDevices,
} from '../../shared/plan/device-names.ts'
import type { Observed } from '../../shared/plan/observed.ts'

/** The network namespace a port's device is in. */
export type PortNamespace =
  /** The machine's own namespace. */
  | { readonly kind: 'host' }
  /** A simulated host's namespace (`<lab>.<host>`). */
  | { readonly kind: 'simulated-host'; readonly host: string; readonly netns: string }
  /** A netns guest's named namespace. */
  | { readonly kind: 'netns'; readonly name: string }
  /** A container's namespace: its process's, when the container was seen running (else pid null). */
  | { readonly kind: 'container'; readonly name: string; readonly pid: number | null }

export type PortRole =
  /** The guest's own interface, inside the guest. */
  | 'guest'
  /** The host end of a guest's veth: a port of the bridge. */
  | 'bridge-port'
  /** One end of a veth wire between two bridges. */
  | 'wire-end'
  /** A VXLAN device carrying a wire between two hosts. */
  | 'tunnel'
  /** A simulated host's NIC that is one end of the cable between two simulated hosts. */
  | 'cable'
  /** A host NIC the lab uses (macvlan parent, enslaved to a bridge, underlay). */
  | 'uplink'
  /** A bridge's own interface (OVS internal port, Linux bridge device). */
  | 'bridge'

export interface LabPort {
  /** Unique in the lab: `<node>/<port>` as explain names hops, `<node>/.` for a bridge itself. */
  readonly id: string
  /** The lab host (`local` or a simulated host) whose machine or namespace holds the device. */
  readonly host: string
  readonly namespace: PortNamespace
  /** The device's name in its namespace. */
  readonly device: string
  /** The node the port belongs to: the guest for `guest`, the bridge for its ports, the uplink for a NIC. */
  readonly node: string
  /** As explain's hops name it: the guest's ifname, or on a bridge the link id (`g:eth1`, `a~b`). */
  readonly port: string
  readonly linkId: string | null
  readonly role: PortRole
  /** The lab made the device (false: a NIC of the machine the lab only uses). */
  readonly owned: boolean
}

/** The namespace of a host's own devices. */
export function hostNamespace(lab: Lab, host: string): PortNamespace {
  return host !== LOCAL_HOST && lab.hosts?.[host]?.netns
    ? { kind: 'simulated-host', host, netns: simulatedHostNetns(lab.name, host) }
    : { kind: 'host' }
}

/** The namespace a guest's interfaces are in: a container's pid comes from the observation. */
export function guestNamespace(lab: Lab, guest: string, observed?: Observed): PortNamespace | null {
  const node = lab.nodes[guest]
  if (node?.kind === 'netns') return { kind: 'netns', name: guest }
  if (node?.kind !== 'container') return null
  const seen = observed?.hosts[nodeHost(node)]?.guests[guest]
  const pid = seen?.running && seen.netns?.kind === 'pid' ? seen.netns.pid : null
  return { kind: 'container', name: containerName(lab.name, guest, node), pid }
}

/**
 * The argv prefix that runs a command inside a port's namespace (nothing for the machine's own),
 * or null for a container not seen running.
 */
export function enterNamespace(ns: PortNamespace): string[] | null {
  switch (ns.kind) {
    case 'host':
      return []
    case 'simulated-host':
      return ['ip', 'netns', 'exec', ns.netns]
    case 'netns':
      return ['ip', 'netns', 'exec', ns.name]
    case 'container':
      return ns.pid === null ? null : ['nsenter', '-t', String(ns.pid), '-n']
  }
}

/**
 * Every port of the lab where frames can be captured, in the lab's order: bridges first, then each
 * link's ports from the guest (or the wire's first end) onwards.
 */
export function locatePorts(lab: Lab, observed?: Observed): LabPort[] {
  const out: LabPort[] = []
  const add = (port: Omit<LabPort, 'id'>) => {
    const id = `${port.node}/${port.role === 'bridge' ? '.' : port.port}`
    // One device is one capture point, whatever else the lab uses it for (a cable's NIC as underlay).
    const where = JSON.stringify([port.namespace, port.device])
    if (!out.some((p) => p.id === id || JSON.stringify([p.namespace, p.device]) === where))
      out.push({ ...port, id })
  }
  const uplinksUsed = new Set<string>()
  for (const [name, node] of Object.entries(lab.nodes)) {
    if (node.kind !== 'ovs-bridge' && node.kind !== 'linux-bridge') continue
    const host = nodeHost(node)
    add({
      host,
      namespace: hostNamespace(lab, host),
      device: name,
      node: name,
      port: name,
      linkId: null,
      role: 'bridge',
      owned: true,
    })
  }
  const ids = linkIds(lab.links ?? [])
  ;(lab.links ?? []).forEach((link, index) => {
    const id = ids[index]!
    if (isGuestLink(link)) guestLinkPorts(lab, link, id, observed, add, uplinksUsed)
    else if (isWire(link)) wirePorts(lab, link, id, add, uplinksUsed)
  })
  // The NICs the lab only uses: macvlan parents, enslaved NICs, tunnel underlays.
  for (const name of uplinksUsed) {
    const node = lab.nodes[name]
    if (node?.kind !== 'uplink' || !node.interface) continue
    const host = nodeHost(node)
    add({
      host,
      namespace: hostNamespace(lab, host),
      device: node.interface,
      node: name,
      port: node.interface,
      linkId: null,
      role: 'uplink',
      owned: host !== LOCAL_HOST && lab.hosts?.[host]?.netns === true,
    })
  }
  return out
}

type Add = (port: Omit<LabPort, 'id'>) => void

function guestLinkPorts(
  lab: Lab,
  link: GuestLink,
  id: string,
  observed: Observed | undefined,
  add: Add,
  uplinksUsed: Set<string>,
): void {
  const guestNode = lab.nodes[link.guest]
  const to = lab.nodes[link.to]
  const namespace = guestNamespace(lab, link.guest, observed)
  if (!guestNode || !to || !namespace) return
  const ifname = guestIfname(link)
  add({
    host: nodeHost(guestNode),
    namespace,
    device: ifname,
    node: link.guest,
    port: ifname,
    linkId: id,
    role: 'guest',
    owned: true,
  })
  if (to.kind === 'uplink') {
    // A macvlan or the NIC itself: there is no host end; the NIC is where the LAN is seen.
    if (!link.directPhys) uplinksUsed.add(link.to)
    return
  }
  const host = nodeHost(to)
  add({
    host,
    namespace: hostNamespace(lab, host),
    device: guestHostEnd(lab.name, link),
    node: link.to,
    port: id,
    linkId: id,
    role: 'bridge-port',
    owned: true,
  })
}

function wirePorts(lab: Lab, wire: WireLink, id: string, add: Add, uplinksUsed: Set<string>): void {
  const nodes = wire.between.map((n) => lab.nodes[n])
  if (!nodes[0] || !nodes[1]) return
  const cable = nodes.every((n) => n?.kind === 'uplink')
  const nicEnd = nodes.findIndex((n) => n?.kind === 'uplink')
  if (!cable && nicEnd >= 0) {
    // A NIC enslaved to a bridge: the NIC is the bridge's port.
    const uplink = nodes[nicEnd]
    const bridge = wire.between[nicEnd === 0 ? 1 : 0]
    if (uplink?.kind !== 'uplink' || !uplink.interface) return
    const host = nodeHost(uplink)
    add({
      host,
      namespace: hostNamespace(lab, host),
      device: uplink.interface,
      node: bridge,
      port: id,
      linkId: id,
      role: 'uplink',
      owned: host !== LOCAL_HOST && lab.hosts?.[host]?.netns === true,
    })
    return
  }
  const devices = wireDevices(lab, wire)
  for (const i of [0, 1] as const) {
    const host = nodeHost(nodes[i]!)
    add({
      host,
      namespace: hostNamespace(lab, host),
      device: devices[i],
      node: wire.between[i],
      port: id,
      linkId: id,
      role: cable ? 'cable' : wire.via === 'vxlan' ? 'tunnel' : 'wire-end',
      owned: true,
    })
  }
  for (const u of wire.underlay ?? []) uplinksUsed.add(u)
}
