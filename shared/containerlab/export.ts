// A patchbay lab as a containerlab topology: containers and netns guests become `linux` nodes,
// bridges `bridge`/`ovs-bridge` nodes, guest links, wires and guest pairs veth links, macvlans
// `macvlan` links. Addresses and default routes become `exec` lines in the guest; VLAN settings are
// kept in the link's `vars.patchbay` (read back by import.ts) and applied by host-side `exec`
// stages. What containerlab cannot express is listed, never dropped without a word.
import { stringify } from 'yaml'
import { resolveMac } from '../lab/mac.ts'
import { gateways, guestIfname, nodeHost, staticAddresses } from '../lab/normalize.ts'
import { isGuestPair, type Lab, type LabLink } from '../lab/schema.ts'
import { guestHostEnd, pairEnds, wireEnds } from '../plan/device-names.ts'

/** The image a netns guest (or a container that names none) runs as in containerlab. */
export const CLAB_DEFAULT_IMAGE = 'labbox:latest'

export interface ClabExport {
  readonly yaml: string
  /** The annotations file (node positions), or null when the lab has none. */
  readonly annotations: { nodeAnnotations: { id: string; position: { x: number; y: number } }[] } | null
  /** What containerlab cannot express, one sentence each. */
  readonly notes: readonly string[]
}

// containerlab's stage exec in its list form (the map form's on-enter/on-exit take only strings,
// so no target): each command with where it runs and in which phase of the stage.
type HostExec = { command: string; target: 'host'; phase: 'on-exit' }

// Links are in the extended form (endpoint objects), which containerlab reads only with a `type`:
// without one it takes the brief form, whose endpoints are "node:interface" strings.
export function exportContainerlab(lab: Lab): ClabExport {
  const notes: string[] = []
  const nodes: Record<string, Record<string, unknown>> = {}
  const execs = new Map<string, string[]>()
  const hostExecs = new Map<string, HostExec[]>()
  const addExec = (node: string, line: string) => execs.set(node, [...(execs.get(node) ?? []), line])
  const addHostExec = (node: string, command: string) =>
    hostExecs.set(node, [...(hostExecs.get(node) ?? []), { command, target: 'host', phase: 'on-exit' }])

  for (const [host, spec] of Object.entries(lab.hosts ?? {}))
    notes.push(
      `host ${host}${spec.netns ? ' (simulated)' : ''} is not expressible: containerlab labs run on one machine`,
    )
  for (const [name, node] of Object.entries(lab.nodes)) {
    if (nodeHost(node) !== 'local')
      notes.push(`node ${name} is on host ${nodeHost(node)}; exported as if local`)
    if (node.kind === 'container') {
      if (node.image === undefined)
        notes.push(
          `container ${name} is one the lab does not create; containerlab creates it from ${CLAB_DEFAULT_IMAGE}`,
        )
      nodes[name] = {
        kind: 'linux',
        image: node.image ?? CLAB_DEFAULT_IMAGE,
        ...(node.command ? { cmd: node.command.join(' ') } : {}),
      }
    } else if (node.kind === 'netns') {
      nodes[name] = { kind: 'linux', image: CLAB_DEFAULT_IMAGE }
    } else if (node.kind === 'ovs-bridge' || node.kind === 'linux-bridge') {
      nodes[name] = { kind: node.kind === 'ovs-bridge' ? 'ovs-bridge' : 'bridge' }
      if (node.ip !== undefined)
        notes.push(`${name}'s own address ${[node.ip].flat().join(', ')} is not expressible`)
    }
  }

  const links: Record<string, unknown>[] = []
  const addresses = (guest: string, ifname: string, cidrs: readonly string[]) => {
    for (const cidr of cidrs) addExec(guest, `ip addr add ${cidr} dev ${ifname}`)
  }
  ;(lab.links ?? []).forEach((link, index) => {
    const mtu = link.mtu !== undefined ? { mtu: link.mtu } : {}
    if (link.netem !== undefined || link.state !== undefined)
      notes.push(`links[${index}]: netem and state are not expressible`)
    if ('guest' in link) {
      const to = lab.nodes[link.to]
      const ifname = guestIfname(link)
      if (link.ip === 'dhcp')
        notes.push(`links[${index}]: ${link.guest}:${ifname} takes DHCP, which is not expressible`)
      addresses(
        link.guest,
        ifname,
        staticAddresses(link).map((a) => a.text),
      )
      for (const gw of gateways(link)) addExec(link.guest, `ip route replace default via ${gw} dev ${ifname}`)
      if (to?.kind === 'uplink') {
        if (link.vlan !== undefined || link.directPhys || to.interface === undefined) {
          notes.push(
            `links[${index}]: ${link.guest}:${ifname} on ${link.to} (VLAN, directPhys or a NIC by MAC) is not expressible`,
          )
          return
        }
        links.push({
          type: 'macvlan',
          endpoint: {
            node: link.guest,
            interface: ifname,
            ...(link.mac ? { mac: resolveMac(link.mac) } : {}),
          },
          'host-interface': to.interface,
          mode: 'bridge',
        })
        return
      }
      const hostIf = guestHostEnd(lab.name, link)
      links.push({
        type: 'veth',
        endpoints: [
          { node: link.guest, interface: ifname, ...(link.mac ? { mac: resolveMac(link.mac) } : {}) },
          { node: link.to, interface: hostIf },
        ],
        ...mtu,
        ...(link.vlan !== undefined ? { vars: { patchbay: { vlan: link.vlan } } } : {}),
      })
      if (link.vlan !== undefined) {
        addHostExec(
          link.guest,
          to?.kind === 'ovs-bridge'
            ? `ovs-vsctl set port ${hostIf} tag=${link.vlan}`
            : `bridge vlan add vid ${link.vlan} dev ${hostIf} pvid untagged`,
        )
      }
      return
    }
    if (isGuestPair(lab, link)) {
      const [a, b] = pairEnds(lab.name, link)
      for (const end of [a, b])
        addresses(
          end.guest,
          end.ifname,
          staticAddresses(end.link).map((x) => x.text),
        )
      links.push({
        type: 'veth',
        endpoints: [a, b].map((end) => ({
          node: end.guest,
          interface: end.ifname,
          ...(end.link.mac ? { mac: resolveMac(end.link.mac) } : {}),
        })),
        ...mtu,
      })
      return
    }
    exportWire(lab, link, index, mtu, links, notes, addHostExec)
  })

  for (const [name, lines] of execs) if (nodes[name]) nodes[name].exec = lines
  for (const [name, commands] of hostExecs) {
    if (nodes[name]) nodes[name].stages = { 'create-links': { exec: commands } }
  }
  const topology = { name: lab.name, topology: { nodes, ...(links.length > 0 ? { links } : {}) } }
  const header = notes.map((n) => `# not expressible in containerlab: ${n}\n`).join('')
  const positions = Object.entries(lab.layout ?? {}).filter(([name]) => name in nodes)
  return {
    yaml: `${header}${stringify(topology, { lineWidth: 0 })}`,
    annotations:
      positions.length > 0
        ? { nodeAnnotations: positions.map(([id, at]) => ({ id, position: { x: at.x, y: at.y } })) }
        : null,
    notes,
  }
}

function exportWire(
  lab: Lab,
  wire: Extract<LabLink, { between: unknown }>,
  index: number,
  mtu: { mtu?: number },
  links: Record<string, unknown>[],
  notes: string[],
  addHostExec: (node: string, command: string) => void,
): void {
  const [a, b] = wire.between
  const kinds = [lab.nodes[a]?.kind, lab.nodes[b]?.kind]
  if (wire.via === 'vxlan' || kinds.includes('uplink')) {
    notes.push(
      `links[${index}]: the ${wire.via === 'vxlan' ? 'VXLAN tunnel' : 'NIC joined to a bridge'} ${a}~${b} is not expressible`,
    )
    return
  }
  const names = wireEnds(lab.name, wire)
  const vars: Record<string, unknown> = {}
  if (wire.vlan !== undefined) vars.vlan = wire.vlan
  if (wire.trunk !== undefined) vars.trunk = wire.trunk
  if (wire.native !== undefined) vars.native = wire.native
  links.push({
    type: 'veth',
    endpoints: [
      { node: a, interface: names[0] },
      { node: b, interface: names[1] },
    ],
    ...mtu,
    ...(Object.keys(vars).length > 0 ? { vars: { patchbay: vars } } : {}),
  })
  wire.between.forEach((bridge, i) => {
    const port = names[i as 0 | 1]
    const native = Array.isArray(wire.native) ? wire.native[i] : wire.native
    if (lab.nodes[bridge]?.kind === 'ovs-bridge') {
      const settings = [
        ...(wire.vlan !== undefined ? [`tag=${wire.vlan}`] : []),
        ...(wire.trunk !== undefined ? [`trunks=${wire.trunk.join(',')}`] : []),
        ...(native !== undefined ? [`tag=${native}`, 'vlan_mode=native-untagged'] : []),
      ]
      if (settings.length > 0) addHostExec(bridge, `ovs-vsctl set port ${port} ${settings.join(' ')}`)
    } else if (wire.vlan !== undefined || wire.trunk !== undefined || native !== undefined) {
      for (const v of wire.trunk ?? []) addHostExec(bridge, `bridge vlan add vid ${v} dev ${port}`)
      const untagged = wire.vlan ?? native
      if (untagged !== undefined)
        addHostExec(bridge, `bridge vlan add vid ${untagged} dev ${port} pvid untagged`)
    }
  })
}
