// Wires: a veth "cable" between two bridges, on one host or across simulated hosts, carrying one
// VLAN (access), a trunk of VLANs with an optional native VLAN, or everything (a plain OVS port).
import { type Cidr, parseCidr } from '../lab/addresses.ts'
import { linuxBridgeFilters, nodeHost } from '../lab/normalize.ts'
import { isGuestPair, type WireLink } from '../lab/schema.ts'
import { isMachine, machineAddress } from '../lab/ssh.ts'
import { emptyPart, hostIp, ovsExec, type PlanContext, type PlanPart } from './context.ts'
import { parseMark, wireDevices, wireMark } from './device-names.ts'
import { planEnslave } from './enslave.ts'
import type { ObservedInterface } from './observed.ts'
import { type LinkOpFields, linkOps, type Op, Phase } from './op.ts'
import { addPortExecs, describeSettings, ovsEndSettings, settingsFix, stalePortOps } from './ovs-ports.ts'

interface End {
  readonly index: 0 | 1
  readonly mark: 'a' | 'b'
  readonly node: string
  /** `uplink`: this end is a simulated host's NIC, the wire the cable between two hosts. */
  readonly kind: 'ovs-bridge' | 'linux-bridge' | 'uplink'
  readonly device: string
  readonly ctx: PlanContext
  readonly seen: ObservedInterface | undefined
}

export function planWires(lab: PlanContext['lab'], ctxs: readonly PlanContext[]): PlanPart {
  const part = emptyPart()
  const ctxOf = new Map(ctxs.map((c) => [c.host, c]))
  ;(lab.links ?? []).forEach((link, index) => {
    // A veth between two guests is planned with the guests (guest-pairs.ts).
    if (!('between' in link) || isGuestPair(lab, link)) return
    const id = ctxs[0]?.linkIds[index] ?? `wire${index}`
    const names = wireDevices(lab, link)
    const cable = link.between.every((n) => lab.nodes[n]?.kind === 'uplink')
    const nicEnd = link.between.findIndex((n) => lab.nodes[n]?.kind === 'uplink')
    const nic = lab.nodes[link.between[nicEnd] ?? '']
    if (!cable && nic?.kind === 'uplink') {
      const ctx = ctxOf.get(nodeHost(nic))
      if (!ctx) return
      const enslaved = planEnslave({
        ctx,
        wire: link,
        index,
        id,
        bridgeEnd: nicEnd === 0 ? 1 : 0,
        uplink: nic,
      })
      part.ops.push(...enslaved.ops)
      part.problems.push(...enslaved.problems)
      return
    }
    if (link.via === 'vxlan' && betweenMachines(lab, link)) {
      planMachineTunnel(part, lab, link, index, id, names, ctxOf)
      return
    }
    const ends: End[] = []
    for (const i of [0, 1] as const) {
      const node = lab.nodes[link.between[i]]
      const ctx = node ? ctxOf.get(nodeHost(node)) : undefined
      if (!node || !ctx) return
      if (node.kind !== 'ovs-bridge' && node.kind !== 'linux-bridge' && !(node.kind === 'uplink' && cable)) {
        part.problems.push({
          kind: 'capability',
          field: `links[${index}]`,
          message: `wire ${id}: joining a bridge to the host NIC ${link.between[i]} is not applied by this version of the engine yet`,
        })
        return
      }
      const device = names[i]
      ends.push({
        index: i,
        mark: i === 0 ? 'a' : 'b',
        node: link.between[i],
        kind: node.kind as End['kind'],
        device,
        ctx,
        seen: ctx.observed.interfaces.find((x) => x.name === device),
      })
    }
    const planner = new WirePlanner(link, index, id, ends as [End, End])
    if (link.via === 'vxlan') planner.runSimulatedTunnel(part, underlayAddresses(lab, link))
    else planner.run(part)
  })
  return part
}

/** Both ends on machines reached over ssh, two different ones. */
function betweenMachines(lab: PlanContext['lab'], wire: WireLink): boolean {
  const hosts = wire.between.map((n) => (lab.nodes[n] ? nodeHost(lab.nodes[n]) : null))
  return hosts[0] !== hosts[1] && hosts.every((h) => h !== null && isMachine(lab, h))
}

/** The VXLAN headers (outer IPv4, UDP, VXLAN, inner Ethernet): an inner frame of 1500 needs 1550. */
const VXLAN_OVERHEAD = 50
export const VXLAN_PORT = 4789

/**
 * A tunnel between two machines: each machine plans its own end (the other end is the other
 * machine's), a VXLAN device from its own NIC address to the other machine's.
 */
function planMachineTunnel(
  part: PlanPart,
  lab: PlanContext['lab'],
  wire: WireLink,
  index: number,
  id: string,
  names: [string, string],
  ctxOf: ReadonlyMap<string, PlanContext>,
): void {
  const hostOf = (i: 0 | 1) => nodeHost(lab.nodes[wire.between[i]]!)
  const here = ([0, 1] as const).find((i) => ctxOf.has(hostOf(i)))
  if (here === undefined) return
  const ctx = ctxOf.get(hostOf(here))!
  const node = lab.nodes[wire.between[here]]!
  const farHost = hostOf(here === 0 ? 1 : 0)
  const localAddress = machineAddress(lab, ctx.host)
  const remoteAddress = machineAddress(lab, farHost)
  if (node.kind !== 'ovs-bridge' && node.kind !== 'linux-bridge') return
  const nic = ctx.observed.interfaces.find((i) =>
    i.addresses.some((cidr) => cidr.split('/')[0] === localAddress),
  )
  if (!localAddress || !remoteAddress || !nic) {
    part.problems.push({
      kind: 'capability',
      field: `hosts.${ctx.host}.address`,
      message: `wire ${id}: machine ${ctx.host} has no NIC with the address ${localAddress ?? '(none)'}, the tunnel's underlay`,
    })
    return
  }
  const device = names[here]
  const end: End = {
    index: here,
    mark: here === 0 ? 'a' : 'b',
    node: wire.between[here],
    kind: node.kind,
    device,
    ctx,
    seen: ctx.observed.interfaces.find((x) => x.name === device),
  }
  new WirePlanner(wire, index, id, [end]).runTunnel(part, {
    local: { address: localAddress, device: nic.name, mtu: nic.mtu },
    remote: { address: remoteAddress, host: farHost },
  })
}

/** One end of a tunnel: its NIC address (with the NIC and its MTU) and the far end's address. */
interface TunnelEnds {
  readonly local: { readonly address: string; readonly device: string; readonly mtu?: number }
  readonly remote: { readonly address: string; readonly host?: string }
}

class WirePlanner {
  constructor(
    private readonly wire: WireLink,
    private readonly index: number,
    private readonly id: string,
    /** Both ends; one for a tunnel between machines, whose other end the other machine plans. */
    private readonly ends: readonly End[],
  ) {}

  /** An op of one end of the wire, run on that end's host. */
  private op(end: End, fields: LinkOpFields): Op {
    return linkOps({ stem: `${this.id}:${end.mark}`, host: end.ctx.host, linkId: this.id })(fields)
  }

  /** Each end of the wire is its host's VXLAN device to the other's underlay address. */
  runSimulatedTunnel(part: PlanPart, underlay: ReturnType<typeof underlayAddresses>): void {
    if (!underlay) {
      if (this.owned(part))
        part.problems.push({
          kind: 'conflict',
          field: `links[${this.index}].underlay`,
          message: `wire ${this.id}: the two underlay uplinks need addresses of one family`,
        })
      return
    }
    if (!this.owned(part)) return
    const [a, b] = this.ends as [End, End]
    this.runTunnel(part, { local: underlay.a, remote: underlay.b }, a)
    this.runTunnel(part, { local: underlay.b, remote: underlay.a }, b)
  }

  /** The VXLAN device of one end (the first, unless given), from its underlay to the other's. */
  runTunnel(part: PlanPart, tunnel: TunnelEnds, end: End = this.ends[0]!): void {
    if (!this.owned(part, [end])) return
    const { local, remote } = tunnel
    const target = hostIp(end.ctx)
    const inside = local.mtu !== undefined ? local.mtu - VXLAN_OVERHEAD : undefined
    const short =
      inside !== undefined && inside < 1500 && (this.wire.mtu === undefined || this.wire.mtu > inside)
        ? ` (warning: ${local.device}'s MTU ${local.mtu} carries frames of ${inside} inside, less than 1500)`
        : ''
    // A tunnel whose underlay NIC is being made anew is bound to what is gone: it is made anew too.
    const underlayThere = end.ctx.observed.interfaces.some((i) => i.name === local.device)
    if (end.seen?.kind === 'vxlan' && underlayThere) {
      part.ops.push(...this.repair(end))
      return
    }
    if (end.seen) {
      part.ops.push(
        this.op(end, {
          action: 'veth.delete',
          phase: Phase.removeLinks,
          exec: { tool: 'ip', target, line: ['link', 'del', end.device] },
          inverse: null,
          why: `${end.device} lost its underlay ${local.device}`,
          implies: 'drifted',
        }),
      )
    }
    part.ops.push(...this.stalePort(end))
    part.ops.push(
      this.op(end, {
        action: 'vxlan.create',
        phase: Phase.tunnels,
        exec: {
          tool: 'ip',
          target,
          line: [
            'link',
            'add',
            end.device,
            ...(this.wire.mtu !== undefined ? ['mtu', String(this.wire.mtu)] : []),
            'type',
            'vxlan',
            'id',
            String(this.wire.vni),
            'local',
            local.address,
            'remote',
            remote.address,
            'dstport',
            String(VXLAN_PORT),
            'dev',
            local.device,
          ],
        },
        inverse: { tool: 'ip', target, line: ['link', 'del', end.device] },
        why: `VXLAN ${this.wire.vni} (UDP ${VXLAN_PORT}) from ${local.address} on ${end.ctx.here ? 'machine' : 'host'} ${end.ctx.host} to ${remote.address}${remote.host ? ` on machine ${remote.host}` : ''}${short}`,
        implies: 'missing',
      }),
      this.plug(end, Phase.tunnels),
      ...this.portOps(end).map((op) => ({ ...op, phase: Phase.tunnelPorts })),
    )
  }

  /** An end up, marked as this wire's, and on a Linux bridge its port (OVS ports: portOps). */
  private plug(end: End, phase: Op['phase']): Op {
    const master = end.kind === 'linux-bridge' ? ['master', end.node] : []
    return this.op(end, {
      action: 'veth.configure',
      phase: phase,
      exec: {
        tool: 'ip',
        target: hostIp(end.ctx),
        line: [
          'link',
          'set',
          end.device,
          ...master,
          'up',
          'alias',
          wireMark(end.ctx.lab.name, this.id, end.mark),
        ],
      },
      inverse: null,
      why: `plug ${end.device} into ${end.node}`,
      implies: 'drifted',
    })
  }

  /** Refuses ends whose names are taken by something not this lab's. */
  private owned(part: PlanPart, ends: readonly End[] = this.ends): boolean {
    for (const end of ends) {
      const mark = parseMark(end.seen?.alias)
      const ours =
        mark?.kind === 'wire' && mark.lab === end.ctx.lab.name && mark.id === this.id && mark.end === end.mark
      if (end.seen && !ours) {
        part.problems.push({
          kind: 'conflict',
          field: `links[${this.index}]`,
          message: `wire ${this.id}: ${end.device} already exists on host ${end.ctx.host} and is not this lab's; set ifnames to other names`,
        })
        return false
      }
    }
    return true
  }

  run(part: PlanPart): void {
    const [a, b] = this.ends as [End, End]
    const intact =
      a.seen && b.seen && a.seen.peerIfindex === b.seen.ifindex && b.seen.peerIfindex === a.seen.ifindex
    if (intact && a.seen.kind === 'veth' && this.ends.every((e) => parseMark(e.seen?.alias) === null)) {
      // A cable made by hand between the lab's two bridges (a discovered lab): used as it is; what
      // differs is the lab's to change only once `patchbay adopt` made the cable the lab's.
      const wanted = this.ends.flatMap((end) => this.repair(end))
      if (wanted.length > 0)
        part.problems.push({
          kind: 'conflict',
          field: `links[${this.index}]`,
          message: `wire ${this.id} exists and is not this lab's (made by hand), and it differs from the lab: ${wanted.map((op) => op.why).join('; ')}; \`patchbay adopt\` makes it the lab's`,
        })
      return
    }
    if (!this.owned(part)) return
    if (!intact) {
      // A leftover half (its peer gone with a namespace) is made again from scratch.
      for (const end of this.ends.filter((e) => e.seen)) {
        part.ops.push(
          this.op(end, {
            action: 'veth.delete',
            phase: Phase.removeLinks,
            exec: { tool: 'ip', target: hostIp(end.ctx), line: ['link', 'del', end.device] },
            inverse: null,
            why: `${end.device} is half of a broken cable`,
            implies: 'drifted',
          }),
        )
      }
      part.ops.push(...this.create())
      return
    }
    for (const end of this.ends) part.ops.push(...this.repair(end))
  }

  /** See staleOvsPort: a record that outlived its device goes first, in its own transaction. */
  private stalePort(end: End): Op[] {
    return stalePortOps(end.ctx, end.device, this.id)
  }

  private create(): Op[] {
    const [a, b] = this.ends as [End, End]
    const mtu = this.wire.mtu !== undefined ? ['mtu', String(this.wire.mtu)] : []
    // Across hosts the far end is born in the other host's namespace (pid 1's: the machine's own).
    const far = a.ctx.host === b.ctx.host ? [] : ['netns', b.ctx.place.netns ?? '1']
    const ops: Op[] = [
      ...this.stalePort(a),
      ...this.stalePort(b),
      this.op(a, {
        action: 'veth.create',
        phase: Phase.cables,
        exec: {
          tool: 'ip',
          target: hostIp(a.ctx),
          line: ['link', 'add', a.device, ...mtu, 'type', 'veth', 'peer', 'name', b.device, ...mtu, ...far],
        },
        inverse: { tool: 'ip', target: hostIp(a.ctx), line: ['link', 'del', a.device] },
        why: `a cable from ${a.node} to ${b.node}${a.ctx.host === b.ctx.host ? '' : ` (host ${a.ctx.host} to ${b.ctx.host})`}`,
        implies: 'missing',
      }),
    ]
    for (const end of this.ends) {
      // The first end is configured with the cable; the far one a phase later, once it exists there.
      const phase = end.index === 0 ? Phase.cables : Phase.ports
      ops.push(this.plug(end, phase))
      ops.push(...this.portOps(end))
    }
    return ops
  }

  private portOps(end: End): Op[] {
    if (end.kind === 'uplink') return []
    if (end.kind === 'ovs-bridge') {
      const settings = ovsEndSettings(this.wire, end.index)
      return [
        this.op(end, {
          action: 'ovs.port.add',
          phase: Phase.ports,
          ...addPortExecs({ ctx: end.ctx, bridge: end.node, port: end.device, settings, linkId: this.id }),
          why: `${end.device} on ${end.node}: ${describeSettings(settings)}`,
          implies: 'drifted',
        }),
      ]
    }
    if (!linuxBridgeFilters(end.ctx.lab, end.node)) return []
    return this.bridgeVlanOps(end)
  }

  /** VLAN membership of a port on a filtering Linux bridge: tagged trunk VLANs, the native one as PVID. */
  private bridgeVlanOps(end: End): Op[] {
    const w = this.wire
    const native = w.vlan ?? (Array.isArray(w.native) ? w.native[end.index] : w.native)
    const lines: string[][] = (w.trunk ?? [])
      .filter((v) => v !== native)
      .map((v) => ['vlan', 'add', 'vid', String(v), 'dev', end.device])
    if (native !== undefined)
      lines.push(['vlan', 'add', 'vid', String(native), 'dev', end.device, 'pvid', 'untagged'])
    if (native !== 1 && !(w.trunk ?? []).includes(1))
      lines.push(['vlan', 'del', 'vid', '1', 'dev', end.device])
    return lines.map((line, i) =>
      this.op(end, {
        action: 'bridge.vlan',
        phase: Phase.configure,
        exec: { tool: 'bridge', ...(end.ctx.place.netns ? { netns: end.ctx.place.netns } : {}), line },
        inverse: null,
        why: `VLANs of ${end.device} on ${end.node}`,
        implies: 'drifted',
        suffix: `:${i}`,
      }),
    )
  }

  private repair(end: End): Op[] {
    const ops: Op[] = []
    if (end.kind === 'uplink') {
      // the cable between two hosts: nothing to plug in
    } else if (end.kind === 'ovs-bridge') {
      const port = end.ctx.observed.ovs?.ports.find((p) => p.name === end.device)
      if (!port || port.bridge !== end.node) return this.portOps(end)
      const want = ovsEndSettings(this.wire, end.index)
      const fix = settingsFix(port, want, end.device)
      if (fix.length > 0)
        ops.push(
          this.op(end, {
            action: 'ovs.port.set',
            phase: Phase.ports,
            exec: ovsExec(end.ctx, fix),
            inverse: null,
            why: `${end.device} on ${end.node} should be ${describeSettings(want)}`,
            implies: 'drifted',
          }),
        )
    } else if (end.seen?.master !== end.node) {
      ops.push(
        this.op(end, {
          action: 'veth.configure',
          phase: Phase.ports,
          exec: {
            tool: 'ip',
            target: hostIp(end.ctx),
            line: ['link', 'set', end.device, 'master', end.node],
          },
          inverse: null,
          why: `${end.device} is not a port of ${end.node}`,
          implies: 'drifted',
          suffix: ':master',
        }),
      )
    }
    if (end.seen && !end.seen.adminUp) {
      ops.push(
        this.op(end, {
          action: 'veth.configure',
          phase: Phase.cables,
          exec: { tool: 'ip', target: hostIp(end.ctx), line: ['link', 'set', end.device, 'up'] },
          inverse: null,
          why: `${end.device} is down`,
          implies: 'down',
          suffix: ':up',
        }),
      )
    }
    return ops
  }
}

/** The tunnel's two endpoints: each underlay uplink's NIC and its first address of a shared family. */
export function underlayAddresses(lab: PlanContext['lab'], wire: WireLink) {
  const [ua, ub] = (wire.underlay ?? []).map((name) => lab.nodes[name])
  if (ua?.kind !== 'uplink' || ub?.kind !== 'uplink' || !ua.interface || !ub.interface) return null
  const addressesOf = (n: typeof ua) =>
    [n.ip ?? []]
      .flat()
      .map(parseCidr)
      .filter((c): c is Cidr => typeof c !== 'string')
  for (const a of addressesOf(ua)) {
    const b = addressesOf(ub).find((x) => x.family === a.family)
    if (b)
      return {
        a: { address: a.address, device: ua.interface },
        b: { address: b.address, device: ub.interface },
      }
  }
  return null
}
