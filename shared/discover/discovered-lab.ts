// What this machine holds, as a lab: its bridges, the guests plugged into them and the cables and
// NICs between them, written so that planning that lab against the same machine finds nothing to
// do (names, addresses, MACs, MTUs and gateways as they are). Everything here was read back from
// the machine, so every name passes the lab's grammar first; what a lab cannot say is named in a
// note, never written half-right.
import { inSubnet, parseCidr } from '../lab/addresses.ts'
import { checkLab } from '../lab/check.ts'
import { macProblem } from '../lab/mac.ts'
import { ifnameProblem, nodeNameProblem } from '../lab/names.ts'
import { fieldName } from '../lab/problem.ts'
import {
  type GuestLink,
  isGuestLink,
  type Lab,
  type LabLink,
  type LabNode,
  type WireLink,
} from '../lab/schema.ts'
import { guestHostEnd, parseMark, wireEnds } from '../plan/device-names.ts'
import type { ObservedGuest, ObservedHost, ObservedInterface, ObservedOvsPort } from '../plan/observed.ts'
import { ovsEndSettings, settingsFix } from '../plan/ovs-ports.ts'

export interface DiscoverOptions {
  readonly name: string
  /** Bridges Docker made for its own networks (docker0, br-…): left out unless included. */
  readonly dockerBridges: ReadonlySet<string>
  readonly includeDockerNetworks: boolean
}

export interface Discovered {
  readonly lab: Lab
  /** One sentence for each thing on the machine the lab leaves out, and why. */
  readonly notes: readonly string[]
}

/** Device kinds that are a host's own NIC (or stand for one): an uplink of the picture. */
const NIC_KINDS: ReadonlySet<string | null> = new Set([null, 'dummy', 'vlan', 'bond', 'team'])
const DEFAULT_MTU = 1500

/** A name read from the machine, as JSON, so a control character or a quote cannot hide in a note. */
const shown = (name: string): string => JSON.stringify(name)

export function discoveredLab(host: ObservedHost, options: DiscoverOptions): Discovered {
  const notes: string[] = []
  const nodes: Record<string, LabNode> = {}
  const links: LabLink[] = []
  const ovsPorts = new Map((host.ovs?.ports ?? []).map((p) => [p.name, p]))
  const ovsBridges = new Set((host.ovs?.bridges ?? []).map((b) => b.name))
  const byName = new Map(host.interfaces.map((i) => [i.name, i]))
  const toDocker = new Set<string>() // host devices on Docker's own bridges, left out

  /** Adds a node under a name the lab can carry, or says why it cannot; true when it is there. */
  const claim = (name: string, node: LabNode, what: string): boolean => {
    const problem = nodeNameProblem(name) ?? (node.kind === 'uplink' ? null : ifnameProblemOf(node, name))
    if (problem) {
      notes.push(`${what} ${shown(name)} is left out: ${problem}`)
      return false
    }
    const there = nodes[name]
    if (there && there.kind !== node.kind) {
      notes.push(`${what} ${shown(name)} is left out: the name is already the ${there.kind} ${name}`)
      return false
    }
    nodes[name] ??= node
    return true
  }

  // Bridges: every Linux and OVS bridge, with the host's addresses on it; Docker's own only if asked.
  const bridgeNames = new Set<string>()
  const dockerSkipped = (name: string) => options.dockerBridges.has(name) && !options.includeDockerNetworks
  for (const device of host.interfaces) {
    if (device.kind !== 'bridge' || dockerSkipped(device.name)) continue
    if (!device.adminUp) {
      notes.push(`Linux bridge ${shown(device.name)} is left out: it is down, and a lab's bridges are up`)
      continue
    }
    if (claim(device.name, withIp({ kind: 'linux-bridge' }, device), 'Linux bridge'))
      bridgeNames.add(device.name)
  }
  for (const name of [...ovsBridges].sort()) {
    const device = byName.get(name)
    if (claim(name, withIp({ kind: 'ovs-bridge' }, device), 'OVS bridge')) bridgeNames.add(name)
  }

  /** The bridge a host device is a port of, when that bridge is in the lab. */
  const bridgeOf = (device: ObservedInterface): string | null => {
    const port = ovsPorts.get(device.name)
    const bridge = port ? port.bridge : device.master
    if (bridge === null || !bridgeNames.has(bridge)) {
      if (bridge !== null && dockerSkipped(bridge)) toDocker.add(device.name)
      return null
    }
    return bridge
  }

  const accounted = new Set<string>() // host devices a link of the lab stands for
  const guests = Object.values(host.guests).sort((a, b) => a.node.localeCompare(b.node))
  for (const guest of guests) {
    if (guest.unreadable !== undefined) {
      notes.push(`${guest.kind} ${shown(guest.node)} is left out: ${guest.unreadable}`)
      continue
    }
    if (!guest.exists || !guest.running) continue
    const mine: GuestLink[] = []
    for (const inside of guest.interfaces) {
      if (inside.name === 'lo') continue
      const link = guestLink(guest, inside)
      if (link) mine.push(link)
    }
    if (mine.length === 0) continue
    if (!claim(guest.node, { kind: guest.kind }, guest.kind)) continue
    links.push(...mine)
  }

  function guestLink(guest: ObservedGuest, inside: ObservedInterface): GuestLink | null {
    const where = `${guest.kind} ${shown(guest.node)}: ${shown(inside.name)}`
    const badName = ifnameProblem(inside.name)
    if (badName) {
      notes.push(`${where} is left out: ${badName}`)
      return null
    }
    if (!inside.adminUp) {
      notes.push(`${where} is left out: it is down, and a lab's links are up`)
      return null
    }
    if (inside.kind === 'macvlan') return macvlanLink(guest, inside, where)
    if (inside.kind !== 'veth' || inside.peerIfindex === null) {
      notes.push(`${where} is left out: a ${inside.kind ?? 'plain'} device, which a lab's guest link is not`)
      return null
    }
    // ifindexes are per namespace: the host end must point back at this very interface.
    const ends = host.interfaces.filter(
      (h) => h.kind === 'veth' && h.ifindex === inside.peerIfindex && h.peerIfindex === inside.ifindex,
    )
    const hostEnd = ends.length === 1 ? ends[0]! : undefined
    if (!hostEnd) {
      const guestPeer = Object.values(host.guests).some(
        (g) =>
          g !== guest &&
          g.interfaces.some((x) => x.ifindex === inside.peerIfindex && x.peerIfindex === inside.ifindex),
      )
      // Docker's own containers' links and cables to other namespaces are not this lab's business.
      if (guestPeer) notes.push(`${where} is left out: a cable straight to another guest`)
      else if (ends.length > 1) notes.push(`${where} is left out: its host end cannot be told apart`)
      return null
    }
    const bridge = bridgeOf(hostEnd)
    if (bridge === null) {
      if (hostEnd.master === null && !ovsPorts.has(hostEnd.name))
        notes.push(`${where} is left out: its host end ${shown(hostEnd.name)} is on no bridge`)
      return null
    }
    const hostProblem = ifnameProblem(hostEnd.name)
    if (hostProblem) {
      notes.push(`${where} is left out: its host end: ${hostProblem}`)
      return null
    }
    accounted.add(hostEnd.name)
    if (!hostEnd.adminUp) {
      notes.push(`${where} is left out: its host end ${shown(hostEnd.name)} is down`)
      return null
    }
    const link: GuestLink = { guest: guest.node, to: bridge, ifname: inside.name }
    const port = ovsPorts.get(hostEnd.name)
    const vlan = port ? accessVlan(port, where) : undefined
    return {
      ...link,
      ...(guestHostEnd(options.name, link) !== hostEnd.name ? { hostIfname: hostEnd.name } : {}),
      ...guestSettings(guest, inside, where),
      ...(vlan !== undefined ? { vlan } : {}),
    }
  }

  function macvlanLink(guest: ObservedGuest, inside: ObservedInterface, where: string): GuestLink | null {
    const parent = host.interfaces.find((h) => h.ifindex === inside.parentIfindex)
    if (!parent || parent.kind !== null) {
      notes.push(
        `${where} is left out: a macvlan on ${parent ? `the ${parent.kind} device ${shown(parent.name)}` : 'a device of another namespace'}, not on a host NIC`,
      )
      return null
    }
    if (!claim(parent.name, { kind: 'uplink', interface: parent.name }, 'host NIC')) return null
    return { guest: guest.node, to: parent.name, ifname: inside.name, ...guestSettings(guest, inside, where) }
  }

  /** Addresses, default routes, MAC and MTU of a guest's interface, as its link says them. */
  function guestSettings(guest: ObservedGuest, inside: ObservedInterface, where: string) {
    const ip = inside.addresses.filter((a) => typeof parseCidr(a) !== 'string')
    const cidrs = ip.map((a) => parseCidr(a)).filter((c) => typeof c !== 'string')
    // The planner reads a guest's first default route of each family: only that one is a link's gateway.
    const gateway = guest.routes
      .filter((r) => r.dev === inside.name && r === guest.routes.find((x) => x.family === r.family))
      .flatMap((r) => {
        if (cidrs.some((c) => inSubnet(r.gateway, c))) return [r.gateway]
        notes.push(`${where}: its default route via ${shown(r.gateway)} is left out: outside its subnets`)
        return []
      })
    const macBad = macProblem(inside.mac)
    if (macBad) notes.push(`${where}: its MAC is left out: ${macBad}`)
    const mtuFits = inside.mtu >= 68 && inside.mtu <= 65535
    return {
      ...(ip.length === 1 ? { ip: ip[0]! } : ip.length > 1 ? { ip } : {}),
      ...(gateway.length === 1 ? { gateway: gateway[0]! } : gateway.length === 2 ? { gateway } : {}),
      ...(macBad ? {} : { mac: inside.mac.toLowerCase() }),
      ...(inside.mtu !== DEFAULT_MTU && mtuFits ? { mtu: inside.mtu } : {}),
    }
  }

  /** A guest's port is an access port or untagged; a trunk there is said, and shown by its tag. */
  function accessVlan(port: ObservedOvsPort, where: string): number | undefined {
    if (port.trunks.length > 0 || (port.vlanMode !== null && port.vlanMode !== 'access'))
      notes.push(
        `${where}: its OVS port ${shown(port.name)} is ${port.vlanMode ?? 'a trunk'} of ${port.trunks.join(',') || 'every VLAN'}, which a guest link cannot say; shown ${port.tag !== null ? `as VLAN ${port.tag}` : 'untagged'}`,
      )
    return port.tag ?? undefined
  }

  // Cables between bridges and NICs in bridges: the host devices no guest link stands for.
  const seen = new Set<string>()
  for (const device of host.interfaces) {
    if (accounted.has(device.name) || seen.has(device.name) || bridgeNames.has(device.name)) continue
    const bridge = bridgeOf(device)
    if (bridge === null) continue
    const where = `${shown(device.name)} on ${bridge}`
    if (ifnameProblem(device.name)) {
      notes.push(`${where} is left out: ${ifnameProblem(device.name)}`)
      continue
    }
    if (device.kind === 'veth') {
      const peer = host.interfaces.find(
        (x) => x.ifindex === device.peerIfindex && x.peerIfindex === device.ifindex && x !== device,
      )
      const other = peer ? bridgeOf(peer) : null
      if (!peer || other === null) {
        if (device.peerNetnsId === undefined || !peer)
          notes.push(
            `${where} is left out: its other end is in a namespace that is no named netns or container`,
          )
        continue
      }
      seen.add(device.name).add(peer.name)
      if (!device.adminUp || !peer.adminUp) {
        notes.push(`the cable ${where} to ${other} is left out: it is down`)
        continue
      }
      const wire = cable([bridge, other], [device, peer], where)
      if (wire) links.push(wire)
      continue
    }
    if (NIC_KINDS.has(device.kind) && parseMark(device.alias) === null) {
      if (!device.adminUp) {
        notes.push(`the NIC ${where} is left out: it is down`)
        continue
      }
      if (!claim(device.name, { kind: 'uplink', interface: device.name }, 'host NIC')) continue
      const port = ovsPorts.get(device.name)
      links.push({ between: [bridge, device.name], ...(port ? portSettings(port) : {}) })
      continue
    }
    notes.push(`${where} is left out: a ${device.kind} device`)
  }
  for (const port of ovsPorts.values()) {
    if (port.name !== port.bridge && !byName.has(port.name) && bridgeNames.has(port.bridge))
      notes.push(
        `OVS port ${shown(port.name)} on ${port.bridge} is left out: it has no kernel device (a patch or tunnel port)`,
      )
  }

  function cable(between: [string, string], ends: [ObservedInterface, ObservedInterface], where: string) {
    const ports = ends.map((e) => ovsPorts.get(e.name))
    const settings = ports.map((p) => (p ? portSettings(p) : null))
    const candidates: Omit<WireLink, 'between'>[] = [settings[0] ?? {}, settings[1] ?? {}]
    const [a, b] = settings
    if (a?.native !== undefined && b?.native !== undefined)
      candidates.push({ ...a, native: [a.native as number, b.native as number] })
    const names: [string, string] = [ends[0].name, ends[1].name]
    const linuxEnd = between.find((n) => nodes[n]?.kind === 'linux-bridge')
    const vlans = (c: Omit<WireLink, 'between'>) =>
      c.vlan !== undefined || c.trunk !== undefined || c.native !== undefined
    if (linuxEnd !== undefined && candidates.some(vlans)) {
      // A Linux bridge without VLAN filtering passes every tag; a lab's VLANs there mean filtering.
      notes.push(
        `the cable ${where} to ${between[1]} is left out: it carries VLANs into the Linux bridge ${linuxEnd}, which a lab says only with VLAN filtering`,
      )
      return null
    }
    for (const candidate of candidates) {
      const wire: WireLink = { between, ...candidate }
      const fits = ports.every((p, i) => !p || sameSettings(p, ovsEndSettings(wire, i as 0 | 1)))
      if (!fits) continue
      const defaults = wireEnds(options.name, wire)
      return defaults[0] === names[0] && defaults[1] === names[1] ? wire : { ...wire, ifnames: names }
    }
    notes.push(`the cable ${where} to ${between[1]} is left out: its two ends carry VLANs differently`)
    return null
  }

  if (toDocker.size > 0)
    notes.push(
      `${toDocker.size} link${toDocker.size === 1 ? '' : 's'} to Docker's own networks left out (--include-docker-networks shows them)`,
    )
  return { lab: withoutErrors({ patchbay: 1, name: options.name, nodes, links }, notes), notes }
}

/**
 * The last guard: what the lab's own checks still refuse (a machine can hold two guests with one
 * address in one segment, which a lab cannot) is left out and said, never written.
 */
function withoutErrors(lab: Lab, notes: string[]): Lab {
  let current = lab
  for (;;) {
    const errors = checkLab(current).problems.filter((p) => p.severity === 'error')
    if (errors.length === 0) return current
    const links = new Set<number>()
    const nodes = new Set<string>()
    for (const e of errors) {
      const [top, key] = e.path
      if (top === 'links' && typeof key === 'number') links.add(key)
      else if (top === 'nodes' && typeof key === 'string') nodes.add(key)
      else throw new Error(`the discovered lab is not valid: ${fieldName(e.path)}: ${e.message}`)
      const what =
        top === 'links' ? describeLink(current.links?.[key as number]) : `node ${shown(String(key))}`
      notes.push(`${what} is left out: ${fieldName(e.path)}: ${e.message}`)
    }
    const touches = (l: LabLink) =>
      isGuestLink(l) ? nodes.has(l.guest) || nodes.has(l.to) : l.between.some((n) => nodes.has(n))
    current = {
      ...current,
      nodes: Object.fromEntries(Object.entries(current.nodes).filter(([name]) => !nodes.has(name))),
      links: (current.links ?? []).filter((l, i) => !links.has(i) && !touches(l)),
    }
  }
}

const describeLink = (link: LabLink | undefined): string =>
  link === undefined
    ? 'a link'
    : isGuestLink(link)
      ? `the link ${link.guest}:${link.ifname ?? 'eth1'} to ${link.to}`
      : `the cable ${link.between.join(' to ')}`

/** A bridge's interface name is its node name: both grammars apply. */
const ifnameProblemOf = (node: LabNode, name: string): string | null =>
  node.kind === 'linux-bridge' || node.kind === 'ovs-bridge' ? ifnameProblem(name) : null

/** The host's own addresses on a bridge's interface, as the node's `ip`. */
function withIp<N extends LabNode>(node: N, device: ObservedInterface | undefined): N {
  // The planner brings up a bridge that carries an address: only an up one says its addresses.
  if (!device?.adminUp) return node
  const ip = (device?.addresses ?? []).filter((a) => typeof parseCidr(a) !== 'string')
  return ip.length === 0 ? node : { ...node, ip: ip.length === 1 ? ip[0]! : ip }
}

/** An OVS port's VLAN settings in a wire's words. */
function portSettings(port: ObservedOvsPort): Pick<WireLink, 'vlan' | 'trunk' | 'native'> {
  const trunk = [...port.trunks].sort((x, y) => x - y)
  if (port.vlanMode === 'native-untagged' && port.tag !== null)
    return { native: port.tag, ...(trunk.length ? { trunk } : {}) }
  if (port.tag !== null) return { vlan: port.tag }
  return trunk.length ? { trunk } : {}
}

/** The planner's own comparison (ovs-ports.ts settingsFix): equal here means no op there. */
const sameSettings = (port: ObservedOvsPort, want: ReturnType<typeof ovsEndSettings>): boolean =>
  settingsFix(port, want, port.name).length === 0
