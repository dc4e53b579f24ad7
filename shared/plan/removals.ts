// What the lab made and no longer wants: found by its marks, never by its name alone, so a user's
// own interfaces, bridges, namespaces and containers are never touched.
import { isIfname } from '../lab/names.ts'
import { LOCAL_HOST, nodeHost } from '../lab/normalize.ts'
import { isGuestLink, isGuestPair, isWire, type Lab } from '../lab/schema.ts'
import { emptyPart, hostIp, ovsExec, type PlanContext, type PlanPart } from './context.ts'
import {
  guestHostEnd,
  OVS_LAB_KEY,
  OVS_LINK_KEY,
  OVS_PROMISC_KEY,
  pairEnds,
  parseMark,
  wireDevices,
} from './device-names.ts'
import { stopDhcpClient } from './dhcp.ts'
import type { ObservedInterface } from './observed.ts'
import { ACTION_EFFECT, ipTargetOf, type Op, Phase } from './op.ts'

/** Names of what `lab` wants on this host; anything marked as the lab's beyond these goes. */
function wanted(ctx: PlanContext) {
  const lab: Lab = ctx.lab
  const links = new Map<string, string>() // linkId -> host end name
  const wires = new Map<string, readonly [string, string]>() // wire id -> its two ends' names
  const macvlans = new Set<string>() // link ids of guest links on uplinks
  const dhcp = new Set<string>() // link ids of guest links with ip: dhcp
  const pairs = new Set<string>() // `<link id> <guest> <ifname>` of each end of a veth between guests
  ;(lab.links ?? []).forEach((link, i) => {
    if (isWire(link) && isGuestPair(lab, link)) {
      for (const end of pairEnds(lab.name, link)) pairs.add(`${ctx.linkIds[i]!} ${end.guest} ${end.ifname}`)
    } else if (isGuestLink(link)) {
      if (lab.nodes[link.to]?.kind === 'uplink') macvlans.add(ctx.linkIds[i]!)
      if (link.ip === 'dhcp') dhcp.add(ctx.linkIds[i]!)
      const guest = lab.nodes[link.guest]
      if (guest && nodeHost(guest) === ctx.host) links.set(ctx.linkIds[i]!, guestHostEnd(lab.name, link))
    } else if (isWire(link)) {
      wires.set(ctx.linkIds[i]!, wireDevices(lab, link))
    }
  })
  const nodes = new Set(
    Object.entries(lab.nodes)
      .filter(([, n]) => nodeHost(n) === ctx.host)
      .map(([name]) => name),
  )
  // Guests are looked at from every host's view: one the lab names anywhere is wanted.
  const everywhere = new Set(Object.keys(lab.nodes))
  return { links, wires, macvlans, dhcp, pairs, nodes, everywhere }
}

export function planRemovals(ctx: PlanContext): PlanPart {
  const part = emptyPart()
  const want = wanted(ctx)
  const lab = ctx.lab.name
  const host = hostIp(ctx)
  const remove = (
    id: string,
    fields: Omit<Op, 'id' | 'host' | 'phase' | 'pipework' | 'inverse' | 'effect' | 'implies'>,
  ): void => {
    const isLink = fields.linkId !== undefined
    part.ops.push({
      id,
      host: ctx.host,
      phase: isLink ? Phase.removeLinks : Phase.removeNodes,
      effect: ACTION_EFFECT[fields.action],
      pipework: null,
      inverse: null,
      // A link the lab still has under this id has drifted from what the lab made of it.
      ...(isLink ? { implies: 'drifted' as const } : {}),
      ...fields,
    })
  }

  const removedPorts = new Set<string>()
  for (const port of ctx.observed.ovs?.ports ?? []) {
    if (port.externalIds[OVS_LAB_KEY] !== lab) continue
    const linkId = port.externalIds[OVS_LINK_KEY] ?? ''
    if (want.links.get(linkId) === port.name || want.wires.get(linkId)?.includes(port.name)) continue
    removedPorts.add(port.name)
    // Deleting only the veth would leave this record behind: pipework's stale-port bug.
    remove(`ovs.port.delete:${port.name}`, {
      action: 'ovs.port.delete',
      exec: ovsExec(ctx, ['--if-exists', 'del-port', port.bridge, port.name]),
      why: `port ${port.name} on ${port.bridge} belongs to link ${linkId}, which the lab no longer has`,
      linkId,
    })
    // A user's NIC the lab made promiscuous leaves as it came.
    if (port.externalIds[OVS_PROMISC_KEY] === '1') {
      remove(`nic.promisc.off:${port.name}`, {
        action: 'veth.configure',
        exec: { tool: 'ip', target: host, line: ['link', 'set', port.name, 'promisc', 'off'] },
        why: `the lab made the NIC ${port.name} promiscuous when it joined ${port.bridge}`,
        linkId,
      })
    }
  }
  for (const device of ctx.observed.interfaces) {
    const mark = parseMark(device.alias)
    if (mark?.lab !== lab || !isIfname(device.name)) continue
    if (mark.kind === 'wire' && want.wires.get(mark.id)?.[mark.end === 'a' ? 0 : 1] !== device.name) {
      // Deleting one end of a veth deletes both: only the first end is deleted. Tunnel ends are two.
      if (mark.end === 'a' || device.kind === 'vxlan') {
        remove(`veth.delete:${device.name}`, {
          action: 'veth.delete',
          exec: { tool: 'ip', target: host, line: ['link', 'del', device.name] },
          why: `${device.name} is a cable of wire ${mark.id}, which the lab no longer has`,
          linkId: mark.id,
        })
      }
    }
    if (mark.kind === 'link' && want.links.get(mark.id) !== device.name) {
      remove(`veth.delete:${device.name}`, {
        action: 'veth.delete',
        exec: { tool: 'ip', target: host, line: ['link', 'del', device.name] },
        why: `${device.name} belongs to link ${mark.id}, which the lab no longer has`,
        linkId: mark.id,
      })
    }
    if (mark.kind === 'node' && !want.nodes.has(mark.id) && device.kind === 'bridge') {
      remove(`bridge.delete:${device.name}`, {
        action: 'bridge.delete',
        exec: { tool: 'ip', target: host, line: ['link', 'del', device.name] },
        why: `Linux bridge ${device.name} was made by this lab, which no longer has it`,
        node: mark.id,
      })
    }
  }
  for (const bridge of ctx.observed.ovs?.bridges ?? []) {
    if (bridge.externalIds[OVS_LAB_KEY] !== lab || want.nodes.has(bridge.name)) continue
    remove(`ovs.bridge.delete:${bridge.name}`, {
      action: 'ovs.bridge.delete',
      exec: ovsExec(ctx, ['--if-exists', 'del-br', bridge.name]),
      why: `OVS bridge ${bridge.name} was made by this lab, which no longer has it`,
      node: bridge.name,
    })
  }
  // DHCP clients of links that are gone (or of a lab being destroyed) release their leases first.
  for (const client of ctx.host === LOCAL_HOST || ctx.host === ctx.here ? ctx.observed.dhcpClients : []) {
    if (want.dhcp.has(client.linkId)) continue
    part.ops.push(
      ...stopDhcpClient(
        ctx.host,
        client.linkId,
        client.pid,
        `the DHCP client of ${client.linkId} releases ${client.address ?? 'its lease'} and stops`,
      ),
    )
  }
  // macvlans live only inside their guest; they carry the link's mark there.
  for (const guest of Object.values(ctx.observed.guests)) {
    for (const device of guest.interfaces) {
      const mark = parseMark(device.alias)
      // Names read inside a guest are the guest's to choose: one that is no interface name is not ours.
      if (!isIfname(device.name)) continue
      const moved = (nic: string, linkId: string) =>
        ctx.observed.movedNics?.some((m) => m.nic === nic && m.linkId === linkId) ?? false
      if (
        mark?.kind === 'phys' &&
        mark.lab === lab &&
        !want.macvlans.has(mark.id) &&
        moved(mark.nic, mark.id)
      ) {
        // A NIC moved in with --direct-phys goes back to the host under its own name.
        remove(`phys.return:${guest.node}:${device.name}`, {
          action: 'veth.delete',
          exec: {
            tool: 'ip',
            target: ipTargetOf(guest.netns, guest.node, guest.kind, guest.container ?? guest.node),
            line: ['link', 'set', device.name, 'name', mark.nic, 'netns', ctx.place.netns ?? '1'],
          },
          why: `the NIC ${mark.nic} goes back to host ${ctx.host}`,
          linkId: mark.id,
        })
        continue
      }
      if (
        device.kind === 'veth' &&
        mark?.kind === 'wire' &&
        mark.lab === lab &&
        mark.end === 'a' &&
        !want.pairs.has(`${mark.id} ${guest.node} ${device.name}`) &&
        peerIsPairEnd(ctx, guest.node, device, lab, mark.id)
      ) {
        // A veth between two guests: deleting its first end deletes both.
        remove(`veth.delete:${guest.node}:${device.name}`, {
          action: 'veth.delete',
          exec: {
            tool: 'ip',
            target: ipTargetOf(guest.netns, guest.node, guest.kind, guest.container ?? guest.node),
            line: ['link', 'del', device.name],
          },
          why: `${guest.node}:${device.name} is an end of link ${mark.id}, which the lab no longer has`,
          linkId: mark.id,
        })
        continue
      }
      if (
        device.kind !== 'macvlan' ||
        mark?.kind !== 'link' ||
        mark.lab !== lab ||
        want.macvlans.has(mark.id)
      )
        continue
      remove(`macvlan.delete:${guest.node}:${device.name}`, {
        action: 'veth.delete',
        exec: {
          tool: 'ip',
          target: ipTargetOf(guest.netns, guest.node, guest.kind, guest.container ?? guest.node),
          line: ['link', 'del', device.name],
        },
        why: `${guest.node}:${device.name} belongs to link ${mark.id}, which the lab no longer has`,
        linkId: mark.id,
      })
    }
  }
  for (const guest of Object.values(ctx.observed.guests)) {
    if (!guest.exists || !guest.owned || want.everywhere.has(guest.node)) continue
    if (guest.kind === 'netns') {
      remove(`netns.delete:${guest.node}`, {
        action: 'netns.delete',
        // Namespace names are the machine's, not a host's: removed from the machine's own view.
        exec: { tool: 'ip', target: { kind: 'host' }, line: ['netns', 'del', guest.node] },
        why: `netns ${guest.node} was made by this lab, which no longer has it`,
        node: guest.node,
      })
    }
  }
  for (const container of ctx.observed.labContainers) {
    if (want.everywhere.has(container.node)) continue
    remove(`container.remove:${container.name}`, {
      action: 'container.remove',
      exec: { tool: 'docker', call: { kind: 'remove', name: container.name } },
      why: `container ${container.name} was made by this lab, which no longer has it`,
      node: container.node,
    })
  }
  return part
}

/**
 * A guest's veth whose peer is the other end of the same pair, in another observed guest and marked
 * so there too. A guest writes its own aliases: a mark alone could point a delete at a veth whose
 * peer is a host end of someone else's, so both ends must agree before anything is removed.
 */
function peerIsPairEnd(
  ctx: PlanContext,
  node: string,
  device: ObservedInterface,
  lab: string,
  id: string,
): boolean {
  return Object.values(ctx.observed.guests).some(
    (other) =>
      other.node !== node &&
      other.interfaces.some((x) => {
        const mark = parseMark(x.alias)
        return (
          x.kind === 'veth' &&
          x.ifindex === device.peerIfindex &&
          x.peerIfindex === device.ifindex &&
          mark?.kind === 'wire' &&
          mark.lab === lab &&
          mark.id === id &&
          mark.end === 'b'
        )
      }),
  )
}
