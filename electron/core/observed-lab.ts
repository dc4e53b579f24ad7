// The lab as the kernel and OVS have it: each guest interface followed through its veth to the
// bridge it really sits on, and each veth cable between two bridges (on one host or across
// simulated hosts), with the tags, trunks and addresses they really have. Fed to the same
// broadcast-domain code as the drawing, so the two can be compared.

import type { Lab, LabLink } from '../../shared/lab/schema.ts'
import { parseMark } from '../../shared/plan/device-names.ts'
import type {
  Observed,
  ObservedHost,
  ObservedInterface,
  ObservedOvsPort,
} from '../../shared/plan/observed.ts'

interface Port {
  readonly host: ObservedHost
  readonly device: ObservedInterface
  readonly bridge: string
  readonly ovs: ObservedOvsPort | undefined
}

/** The bridge a device is a port of, on its host. */
function portOf(host: ObservedHost, device: ObservedInterface): Port | null {
  const ovs = host.ovs?.ports.find((p) => p.name === device.name)
  const bridge = ovs?.bridge || device.master
  return bridge ? { host, device, bridge, ovs } : null
}

/** The VLAN settings of a wire end, in the lab's words. */
function wireSettings(
  port: ObservedOvsPort | undefined,
): Partial<{ vlan: number; trunk: number[]; native: number }> {
  if (!port) return {}
  if (port.vlanMode === 'native-untagged' && port.tag !== null) {
    return { native: port.tag, ...(port.trunks.length ? { trunk: [...port.trunks] } : {}) }
  }
  if (port.tag !== null) return { vlan: port.tag }
  return port.trunks.length ? { trunk: [...port.trunks] } : {}
}

export function observedLab(lab: Lab, observed: Observed): Lab {
  const nodes: Lab['nodes'] = {}
  const links: LabLink[] = []
  const hosts = Object.values(observed.hosts)
  const addBridge = (port: Port) => {
    nodes[port.bridge] ??= port.ovs ? { kind: 'ovs-bridge' } : { kind: 'linux-bridge' }
  }
  const pairSeen = new Set<ObservedInterface>()
  for (const host of hosts) {
    for (const guest of Object.values(host.guests)) {
      if (!guest.exists) continue
      for (const inside of guest.interfaces) {
        if (inside.kind === 'macvlan') {
          // A macvlan joins the LAN of the NIC it sits on: that NIC is an uplink of the picture.
          const nic = host.interfaces.find((h) => h.ifindex === inside.parentIfindex)
          if (!nic) continue
          nodes[nic.name] ??= { kind: 'uplink', interface: nic.name }
          nodes[guest.node] ??= { kind: guest.kind }
          links.push({
            guest: guest.node,
            to: nic.name,
            ifname: inside.name,
            ...(inside.addresses.length > 0 ? { ip: [...inside.addresses] } : {}),
          })
          continue
        }
        if (inside.peerIfindex === null) continue
        // ifindexes are per namespace: the host end must point back at this interface too.
        const hostEnd = host.interfaces.find(
          (h) => h.ifindex === inside.peerIfindex && h.peerIfindex === inside.ifindex,
        )
        const port = hostEnd ? portOf(host, hostEnd) : null
        if (!hostEnd && !pairSeen.has(inside)) {
          // A veth straight into another guest (the lab's `between: [guestA, guestB]`).
          for (const other of Object.values(host.guests)) {
            const peer = other.interfaces.find(
              (x) => x.ifindex === inside.peerIfindex && x.peerIfindex === inside.ifindex && x !== inside,
            )
            if (!other.exists || other === guest || !peer || peer.kind !== 'veth') continue
            pairSeen.add(inside).add(peer)
            nodes[guest.node] ??= { kind: guest.kind }
            nodes[other.node] ??= { kind: other.kind }
            links.push({
              between: [guest.node, other.node],
              ifnames: [inside.name, peer.name],
              ips: [[...inside.addresses], [...peer.addresses]],
            })
            break
          }
        }
        if (!port) continue
        addBridge(port)
        nodes[guest.node] ??= { kind: guest.kind }
        links.push({
          guest: guest.node,
          to: port.bridge,
          ifname: inside.name,
          ...(inside.addresses.length > 0 ? { ip: [...inside.addresses] } : {}),
          ...(port.ovs?.tag !== null && port.ovs?.tag !== undefined ? { vlan: port.ovs.tag } : {}),
          // Either end set down (by hand, or by `exercise break`) cuts the guest off, as `state: down` would.
          ...(!inside.adminUp || !hostEnd!.adminUp ? { state: 'down' as const } : {}),
        })
      }
    }
  }
  // Cables: a bridge port whose veth peer is a bridge port too, on this host or another.
  const seen = new Set<ObservedInterface>()
  for (const host of hosts) {
    for (const device of host.interfaces) {
      if (device.kind !== 'veth' || device.peerIfindex === null || seen.has(device)) continue
      const a = portOf(host, device)
      if (!a) continue
      for (const other of hosts) {
        const peer = other.interfaces.find(
          (x) => x.ifindex === device.peerIfindex && x.peerIfindex === device.ifindex && x !== device,
        )
        const b = peer ? portOf(other, peer) : null
        if (!b || !peer) continue
        seen.add(device).add(peer)
        addBridge(a)
        addBridge(b)
        // Each end speaks for itself; the drawing's one setting is that of the first end.
        const settingsA = wireSettings(a.ovs)
        const settingsB = wireSettings(b.ovs)
        const native =
          settingsA.native !== undefined &&
          settingsB.native !== undefined &&
          settingsA.native !== settingsB.native
        // A tag passes only where both ends let it: two trunk lists carry what they share.
        const trunk =
          settingsA.trunk && settingsB.trunk
            ? settingsA.trunk.filter((v) => settingsB.trunk!.includes(v))
            : undefined
        links.push({
          between: [a.bridge, b.bridge],
          ...(a.ovs ? settingsA : settingsB),
          ...(trunk ? { trunk } : {}),
          ...(native ? { native: [settingsA.native!, settingsB.native!] as [number, number] } : {}),
          ...(!device.adminUp || !peer.adminUp ? { state: 'down' as const } : {}),
        })
        break
      }
    }
  }
  // Tunnels: the two VXLAN ends of one wire carry the same mark, one on each host.
  links.push(...tunnelLinks(tunnelEnds(observed), nodes))
  return { patchbay: 1, name: lab.name, nodes, links }
}

/** One end of a VXLAN wire as a machine has it: the bridge it is a port of, and its VLAN settings. */
export interface TunnelEnd {
  /** The wire's id, from the mark on the tunnel device (the same on both ends). */
  readonly wire: string
  readonly bridge: string
  /** The bridge is an Open vSwitch bridge (else a Linux bridge). */
  readonly ovs: boolean
  readonly vlan?: number
  readonly trunk?: number[]
  readonly native?: number
}

/** The tunnel ends each host of an observation has: a machine of a lab has one end of each wire. */
export function tunnelEnds(observed: Observed): TunnelEnd[] {
  const ends: TunnelEnd[] = []
  for (const host of Object.values(observed.hosts)) {
    for (const device of host.interfaces) {
      const mark = parseMark(device.alias)
      const port = device.kind === 'vxlan' && mark?.kind === 'wire' ? portOf(host, device) : null
      if (port && mark)
        ends.push({
          wire: mark.id,
          bridge: port.bridge,
          ovs: port.ovs !== undefined,
          ...wireSettings(port.ovs),
        })
    }
  }
  return ends
}

/** The wires that both ends of a tunnel make (with their bridges, added to `nodes`). */
function tunnelLinks(ends: readonly TunnelEnd[], nodes: Lab['nodes']): LabLink[] {
  const byWire = new Map<string, TunnelEnd[]>()
  for (const end of ends) byWire.set(end.wire, [...(byWire.get(end.wire) ?? []), end])
  const links: LabLink[] = []
  for (const [a, b] of byWire.values()) {
    if (!a || !b) continue
    for (const end of [a, b])
      nodes[end.bridge] ??= end.ovs ? { kind: 'ovs-bridge' } : { kind: 'linux-bridge' }
    const { vlan, trunk, native } = a
    links.push({
      between: [a.bridge, b.bridge],
      ...(vlan !== undefined ? { vlan } : {}),
      ...(trunk !== undefined ? { trunk } : {}),
      ...(native !== undefined ? { native } : {}),
    })
  }
  return links
}

/**
 * A lab over machines as they have it: each machine's own observed part (observedLab of what it
 * sees), joined where a VXLAN wire's two ends (one on each machine) carry the same mark.
 */
export function joinObservedLabs(
  name: string,
  parts: readonly { readonly lab: Lab; readonly tunnels: readonly TunnelEnd[] }[],
): Lab {
  const nodes: Lab['nodes'] = {}
  const links: LabLink[] = []
  for (const part of parts) {
    Object.assign(nodes, part.lab.nodes)
    links.push(...(part.lab.links ?? []))
  }
  const ends = parts.flatMap((p) => p.tunnels)
  links.push(...tunnelLinks(ends, nodes))
  return { patchbay: 1, name, nodes, links }
}
