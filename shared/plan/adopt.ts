// `patchbay adopt`: the ops that put the lab's ownership marks (device-names.ts) on the parts of
// the machine that already are what the lab says, so that from then on apply repairs them and
// destroy removes them, as if the lab had made them. Only what exists where the lab says it is,
// and carries no mark, is marked; each part gets one line saying what happened to it.
import { guestIfname, LOCAL_HOST, linkIds, nodeHost } from '../lab/normalize.ts'
import { isGuestLink, type Lab, type WireLink } from '../lab/schema.ts'
import {
  guestHostEnd,
  linkMark,
  nodeMark,
  OVS_LAB_KEY,
  OVS_LINK_KEY,
  parseMark,
  wireDevices,
  wireMark,
} from './device-names.ts'
import type { ObservedHost, ObservedInterface } from './observed.ts'
import { ACTION_EFFECT, type IpTarget, ipTargetOf, type Op, type OpAction, Phase } from './op.ts'

export interface AdoptPlan {
  readonly ops: readonly Op[]
  /** One line per part the ops mark: `linux-bridge br0: ifalias patchbay:lab:node:br0`. */
  readonly marks: readonly string[]
  /** One line per part left as it is, and why (already the lab's, absent, not markable). */
  readonly left: readonly string[]
}

const HOST: IpTarget = { kind: 'host' }

export function planAdopt(lab: Lab, host: ObservedHost): AdoptPlan {
  const ops: Op[] = []
  const marks: string[] = []
  const left: string[] = []
  const op = (
    id: string,
    action: OpAction,
    exec: Op['exec'],
    inverse: Op['exec'] | null,
    why: string,
  ): void => {
    ops.push({
      id: `adopt:${id.replaceAll(' ', ':')}`,
      host: LOCAL_HOST,
      phase: Phase.configure,
      action,
      effect: ACTION_EFFECT[action],
      exec,
      inverse,
      pipework: null,
      why,
    })
  }
  /** Marks one interface with an alias, unless it carries a mark already. */
  const alias = (what: string, device: ObservedInterface, mark: string, target: IpTarget): void => {
    const had = parseMark(device.alias)
    if (device.alias === mark) left.push(`${what}: already the lab's`)
    else if (had) left.push(`${what}: left alone, it carries lab ${had.lab}'s mark`)
    else {
      op(
        what,
        'veth.configure',
        { tool: 'ip', target, line: ['link', 'set', device.name, 'alias', mark] },
        null,
        `${what} becomes lab ${lab.name}'s`,
      )
      marks.push(`${what}: ifalias ${mark}`)
    }
  }
  /** Marks an OVS port as the lab's link's, unless another lab's mark is there. */
  const ovsPort = (what: string, port: string, linkId: string): void => {
    const seen = host.ovs?.ports.find((p) => p.name === port)
    if (!seen) return
    const had = seen.externalIds[OVS_LAB_KEY]
    if (had === lab.name && seen.externalIds[OVS_LINK_KEY] === linkId) return
    if (had !== undefined && had !== lab.name) {
      left.push(`${what}: OVS port ${port} left alone, it is lab ${had}'s`)
      return
    }
    const ids = [`external_ids:${OVS_LAB_KEY}=${lab.name}`, `external_ids:${OVS_LINK_KEY}=${linkId}`]
    op(
      `port:${port}`,
      'ovs.port.set',
      { tool: 'ovs-vsctl', clause: ['set', 'port', port, ...ids] },
      { tool: 'ovs-vsctl', clause: ['remove', 'port', port, 'external_ids', OVS_LAB_KEY, OVS_LINK_KEY] },
      `OVS port ${port} becomes lab ${lab.name}'s`,
    )
    marks.push(`${what}: OVS port ${port} ${ids.join(' ')}`)
  }

  for (const [name, node] of Object.entries(lab.nodes)) {
    const what = `${node.kind} ${name}`
    if (nodeHost(node) !== LOCAL_HOST) {
      left.push(`${what}: on simulated host ${nodeHost(node)}, which only the lab makes`)
      continue
    }
    if (node.kind === 'linux-bridge') {
      const device = host.interfaces.find((i) => i.name === name && i.kind === 'bridge')
      if (device) alias(what, device, nodeMark(lab.name, name), HOST)
      else left.push(`${what}: not on this machine`)
    } else if (node.kind === 'ovs-bridge') {
      const bridge = host.ovs?.bridges.find((b) => b.name === name)
      const had = bridge?.externalIds[OVS_LAB_KEY]
      if (!bridge) left.push(`${what}: not on this machine`)
      else if (had === lab.name) left.push(`${what}: already the lab's`)
      else if (had !== undefined) left.push(`${what}: left alone, it is lab ${had}'s`)
      else {
        const id = `external_ids:${OVS_LAB_KEY}=${lab.name}`
        op(
          `bridge:${name}`,
          'bridge.configure',
          { tool: 'ovs-vsctl', clause: ['set', 'bridge', name, id] },
          { tool: 'ovs-vsctl', clause: ['remove', 'bridge', name, 'external_ids', OVS_LAB_KEY] },
          `OVS bridge ${name} becomes lab ${lab.name}'s`,
        )
        marks.push(`${what}: ${id}`)
      }
    } else if (node.kind === 'netns') {
      const guest = host.guests[name]
      const lo = guest?.interfaces.find((i) => i.name === 'lo')
      if (!guest?.exists || guest.unreadable !== undefined || !lo) left.push(`${what}: not on this machine`)
      else alias(what, lo, nodeMark(lab.name, name), { kind: 'netns', name })
    } else if (node.kind === 'container') {
      left.push(
        node.image === undefined
          ? `${what}: stays the user's (Docker cannot label a container after it is made); destroy leaves it`
          : `${what}: left alone, the lab makes its own container ${lab.name}.${name} from its image`,
      )
    } else {
      left.push(`${what}: a host NIC is never the lab's; destroy leaves it`)
    }
  }

  const ids = linkIds(lab.links ?? [])
  ;(lab.links ?? []).forEach((link, i) => {
    const id = ids[i]!
    if (isGuestLink(link)) {
      const what = `link ${id}`
      const guest = host.guests[link.guest]
      const inside = guest?.interfaces.find((x) => x.name === guestIfname(link))
      const to = lab.nodes[link.to]
      if (!guest || !inside) {
        left.push(`${what}: not on this machine`)
        return
      }
      if (to?.kind === 'uplink') {
        const nic = host.interfaces.find((x) => x.name === to.interface)
        if (
          inside.kind === 'macvlan' &&
          nic &&
          inside.parentIfindex === nic.ifindex &&
          link.vlan === undefined
        ) {
          const target = ipTargetOf(guest.netns, guest.node, guest.kind, guest.container ?? guest.node)
          alias(what, inside, linkMark(lab.name, id), target)
        } else left.push(`${what}: not a macvlan on ${to.interface ?? link.to} as the lab says`)
        return
      }
      const hostEnd = guestHostEnd(lab.name, link)
      const device = host.interfaces.find((x) => x.name === hostEnd)
      const intact = device && inside.peerIfindex === device.ifindex && device.peerIfindex === inside.ifindex
      if (!device || !intact) {
        left.push(`${what}: its host end ${hostEnd} does not lead to ${link.guest}:${inside.name}`)
        return
      }
      const port = host.ovs?.ports.find((p) => p.name === hostEnd)
      if ((port ? port.bridge : device.master) !== link.to) {
        left.push(`${what}: ${hostEnd} is not a port of ${link.to}`)
        return
      }
      alias(what, device, linkMark(lab.name, id), HOST)
      if (parseMark(device.alias) === null) ovsPort(what, hostEnd, id)
      return
    }
    adoptWire(link, id)
  })

  function adoptWire(wire: WireLink, id: string): void {
    const what = `wire ${id}`
    const nicEnd = wire.between.findIndex((n) => lab.nodes[n]?.kind === 'uplink')
    if (wire.via === 'vxlan') {
      left.push(`${what}: a tunnel, which only the lab makes`)
      return
    }
    if (nicEnd >= 0) {
      const nic = lab.nodes[wire.between[nicEnd]!]
      const bridge = wire.between[nicEnd === 0 ? 1 : 0]!
      const name = nic?.kind === 'uplink' ? nic.interface : undefined
      const port = host.ovs?.ports.find((p) => p.name === name && p.bridge === bridge)
      if (name && port) ovsPort(what, name, id)
      else left.push(`${what}: the NIC stays the user's in ${bridge}; destroy leaves it there`)
      return
    }
    const [a, b] = wireDevices(lab, wire).map((n) => host.interfaces.find((x) => x.name === n))
    if (!a || !b || a.peerIfindex !== b.ifindex || b.peerIfindex !== a.ifindex) {
      left.push(`${what}: not on this machine`)
      return
    }
    for (const [end, device] of [
      ['a', a],
      ['b', b],
    ] as const) {
      alias(`${what} (${device.name})`, device, wireMark(lab.name, id, end), HOST)
      if (parseMark(device.alias) === null) ovsPort(`${what} (${device.name})`, device.name, id)
    }
  }

  return { ops, marks, left }
}
