// Guest links: what pipework does for one guest on a bridge, as ops. A veth whose guest end is born
// inside the guest with its final name (no rename step, no window where it sits in the host), the
// host end marked and plugged into the bridge, then the guest end addressed, routed and up.
import { addressFamily, canonicalAddress } from '../lab/addresses.ts'
import { resolveMac } from '../lab/mac.ts'
import { gateways, guestIfname, nodeHost, staticAddresses } from '../lab/normalize.ts'
import type { GuestLink, LabNode } from '../lab/schema.ts'
import { cidrKey } from './cidr-key.ts'
import { emptyPart, hostIp, ovsExec, type PlanContext, type PlanPart } from './context.ts'
import {
  containerName,
  fitIfname,
  guestHostEnd,
  linkMark,
  nodeMark,
  OVS_LAB_KEY,
  OVS_LINK_KEY,
  parseMark,
  physMark,
} from './device-names.ts'
import { stopDhcpClient } from './dhcp.ts'
import { unreadableProblem } from './guests.ts'
import type { ObservedGuest, ObservedInterface } from './observed.ts'
import { type IpTarget, ipTargetOf, linkOps, type Op, Phase, pidPlaceholder } from './op.ts'
import { findNic } from './uplinks.ts'

export interface GuestLinkPlanOptions {
  /** The pipework line a link stands for, shown beside its ops. */
  readonly pipeworkLine?: (link: GuestLink) => string | null
}

export function planGuestLinks(ctx: PlanContext, options: GuestLinkPlanOptions = {}): PlanPart {
  const part = emptyPart()
  ;(ctx.lab.links ?? []).forEach((link, index) => {
    if (!('guest' in link)) return
    const guestNode = ctx.lab.nodes[link.guest]
    const to = ctx.lab.nodes[link.to]
    if (!guestNode || !to || nodeHost(guestNode) !== ctx.host) return
    if (guestNode.kind !== 'container' && guestNode.kind !== 'netns') return
    const linkId = ctx.linkIds[index]!
    const seen = ctx.observed.guests[link.guest]
    if (seen?.unreadable !== undefined) {
      part.problems.push(unreadableProblem(seen, `links[${index}]`, `link ${linkId}`))
      return
    }
    const plan = new LinkPlanner(
      ctx,
      link,
      index,
      linkId,
      guestNode.kind,
      options.pipeworkLine?.(link) ?? null,
    )
    if (to.kind === 'uplink') plan.runMacvlan(part, to)
    else plan.run(part)
    plan.startDhcp(part)
  })
  return part
}

/** The 802.1Q sub-interface pipework puts a tagged macvlan on: `eth0.100`. */
export const vlanSubinterface = (labName: string, nic: string, vlan: number): string =>
  fitIfname(`${nic}.${vlan}`, labName)

class LinkPlanner {
  private readonly hostEnd: string
  private readonly ifname: string
  private readonly guestTarget: IpTarget
  private readonly seen: ObservedGuest | undefined
  private readonly op: ReturnType<typeof linkOps>

  constructor(
    private readonly ctx: PlanContext,
    private readonly link: GuestLink,
    private readonly index: number,
    private readonly linkId: string,
    guestKind: 'container' | 'netns',
    pipework: string | null,
  ) {
    this.hostEnd = guestHostEnd(ctx.lab.name, link)
    this.ifname = guestIfname(link)
    this.seen = ctx.observed.guests[link.guest]
    this.guestTarget = ipTargetOf(
      this.seen?.netns ?? null,
      link.guest,
      guestKind,
      containerName(ctx.lab.name, link.guest, ctx.lab.nodes[link.guest]),
    )
    this.op = linkOps({
      stem: linkId,
      host: ctx.host,
      linkId,
      node: link.guest,
      pipework: (action) => (action === 'veth.create' || action === 'macvlan.create' ? pipework : null),
    })
  }

  run(part: PlanPart): void {
    const hostSide = this.ctx.observed.interfaces.find((i) => i.name === this.hostEnd)
    const guestSide = this.seen?.interfaces.find((i) => i.name === this.ifname)
    const mark = parseMark(hostSide?.alias)
    if (hostSide && !(mark?.lab === this.ctx.lab.name && mark.kind === 'link' && mark.id === this.linkId)) {
      part.problems.push({
        kind: 'conflict',
        field: `links[${this.index}]`,
        message: `link ${this.linkId}: the host interface ${this.hostEnd} already exists and is not this lab's; set hostIfname to another name`,
      })
      return
    }
    const intact = hostSide && guestSide && guestSide.peerIfindex === hostSide.ifindex
    if (guestSide && !intact) {
      part.problems.push({
        kind: 'conflict',
        field: `links[${this.index}]`,
        message: `link ${this.linkId}: ${this.link.guest} already has an interface ${this.ifname} that this lab did not make; set ifname to another name`,
      })
      return
    }
    if (hostSide && !intact) {
      // The guest end vanished (its namespace went away): the host end is a leftover, make it again.
      part.ops.push(
        this.op({
          action: 'veth.delete',
          phase: Phase.removeLinks,
          exec: { tool: 'ip', target: hostIp(this.ctx), line: ['link', 'del', this.hostEnd] },
          inverse: null,
          why: `the guest end of ${this.linkId} is gone; its host end ${this.hostEnd} is stale`,
          implies: 'drifted',
        }),
      )
    }
    if (!intact) {
      const stale = this.ctx.observed.ovs?.ports.find((p) => p.name === this.hostEnd)
      if (stale) part.ops.push(staleOvsPort(this.ctx, stale.bridge, this.hostEnd, this.linkId))
      part.ops.push(...this.create())
      return
    }
    part.ops.push(...this.repair(hostSide, guestSide))
  }

  /**
   * pipework's physical-NIC mode: a macvlan (bridge mode) on the NIC, tagged through an 802.1Q
   * sub-interface when the link has a VLAN, born inside the guest with its final name.
   */
  runMacvlan(part: PlanPart, uplink: Extract<LabNode, { kind: 'uplink' }>): void {
    const field = `links[${this.index}]`
    const caps = this.ctx.observed.capabilities
    if (this.link.directPhys) {
      this.runDirectPhys(part, uplink)
      return
    }
    if (!caps.macvlan) {
      part.problems.push({
        kind: 'capability',
        field,
        message: `link ${this.linkId} needs a macvlan on ${this.link.to}, and this kernel has no macvlan support`,
      })
      return
    }
    const nic = findNic(this.ctx.observed, uplink)
    if (!nic) {
      part.problems.push({
        kind: 'conflict',
        field,
        message: `link ${this.linkId}: host ${this.ctx.host} has no NIC ${uplink.interface ?? `with MAC ${uplink.mac}`}`,
      })
      return
    }
    const vlan = this.link.vlan
    if (vlan !== undefined && !caps.vlan8021q) {
      part.problems.push({
        kind: 'capability',
        field,
        message: `link ${this.linkId} needs VLAN ${vlan} on ${nic} as the 802.1Q sub-interface ${nic}.${vlan}, and this kernel has no 802.1Q support (module 8021q)`,
      })
      return
    }
    const guestSide = this.seen?.interfaces.find((i) => i.name === this.ifname)
    const mark = parseMark(guestSide?.alias)
    const ours =
      guestSide?.kind === 'macvlan' &&
      mark?.kind === 'link' &&
      mark.lab === this.ctx.lab.name &&
      mark.id === this.linkId
    if (guestSide && !ours) {
      part.problems.push({
        kind: 'conflict',
        field,
        message: `link ${this.linkId}: ${this.link.guest} already has an interface ${this.ifname} that this lab did not make; set ifname to another name`,
      })
      return
    }
    if (ours) {
      part.ops.push(...this.configureGuest(guestSide))
      return
    }
    const host = hostIp(this.ctx)
    const parent = vlan === undefined ? nic : vlanSubinterface(this.ctx.lab.name, nic, vlan)
    if (!this.ctx.observed.interfaces.find((i) => i.name === nic)?.adminUp) {
      part.ops.push(
        this.op({
          action: 'guest.configure',
          phase: Phase.cables,
          exec: { tool: 'ip', target: host, line: ['link', 'set', nic, 'up'] },
          inverse: null,
          why: `the NIC ${nic} under ${this.linkId} is down`,
          implies: 'drifted',
          suffix: ':nic',
        }),
      )
    }
    if (vlan !== undefined && !this.ctx.observed.interfaces.some((i) => i.name === parent)) {
      // Shared by every link on this NIC and VLAN; the plan keeps one of these.
      part.ops.push({
        ...this.op({
          action: 'vlan.create',
          phase: Phase.cables,
          exec: {
            tool: 'ip',
            target: host,
            line: ['link', 'add', 'link', nic, 'name', parent, 'type', 'vlan', 'id', String(vlan)],
          },
          inverse: { tool: 'ip', target: host, line: ['link', 'del', parent] },
          why: `VLAN ${vlan} on ${nic} is the 802.1Q sub-interface ${parent}`,
          implies: 'drifted',
        }),
        id: `vlan.create:${this.ctx.host}:${parent}`,
      })
      part.ops.push({
        ...this.op({
          action: 'vlan.create',
          phase: Phase.cables,
          exec: {
            tool: 'ip',
            target: host,
            line: ['link', 'set', parent, 'up', 'alias', nodeMark(this.ctx.lab.name, `vlan:${parent}`)],
          },
          inverse: null,
          why: `mark ${parent} as lab ${this.ctx.lab.name}'s`,
          implies: 'drifted',
        }),
        id: `vlan.mark:${this.ctx.host}:${parent}`,
      })
    }
    const mtu = this.link.mtu !== undefined ? ['mtu', String(this.link.mtu)] : []
    const mac = this.link.mac !== undefined ? ['address', resolveMac(this.link.mac)] : []
    part.ops.push(
      this.op({
        action: 'macvlan.create',
        phase: Phase.cables,
        exec: {
          tool: 'ip',
          target: host,
          line: [
            'link',
            'add',
            'link',
            parent,
            'name',
            this.ifname,
            ...mac,
            ...mtu,
            'netns',
            this.guestNetnsArg(),
            'type',
            'macvlan',
            'mode',
            'bridge',
          ],
        },
        inverse: { tool: 'ip', target: this.guestTarget, line: ['link', 'del', this.ifname] },
        why: `${this.link.guest} needs ${this.ifname} as a macvlan on ${parent}`,
        implies: 'missing',
      }),
      this.op({
        action: 'guest.configure',
        phase: Phase.ports,
        exec: {
          tool: 'ip',
          target: this.guestTarget,
          line: ['link', 'set', this.ifname, 'alias', linkMark(this.ctx.lab.name, this.linkId)],
        },
        inverse: null,
        why: `mark ${this.linkId} as lab ${this.ctx.lab.name}'s`,
        implies: 'drifted',
        suffix: ':mark',
      }),
      ...this.configureGuest(null),
    )
  }

  /** pipework --direct-phys: the NIC itself moves into the guest, renamed; destroy gives it back. */
  private runDirectPhys(part: PlanPart, uplink: Extract<LabNode, { kind: 'uplink' }>): void {
    const field = `links[${this.index}]`
    const guestSide = this.seen?.interfaces.find((i) => i.name === this.ifname)
    const mark = parseMark(guestSide?.alias)
    if (mark?.kind === 'phys' && mark.lab === this.ctx.lab.name && mark.id === this.linkId) {
      part.ops.push(...this.configureGuest(guestSide ?? null))
      return
    }
    if (guestSide) {
      part.problems.push({
        kind: 'conflict',
        field,
        message: `link ${this.linkId}: ${this.link.guest} already has an interface ${this.ifname} that this lab did not make; set ifname to another name`,
      })
      return
    }
    const nic = findNic(this.ctx.observed, uplink)
    if (!nic) {
      part.problems.push({
        kind: 'conflict',
        field,
        message: `link ${this.linkId}: host ${this.ctx.host} has no NIC ${uplink.interface ?? `with MAC ${uplink.mac}`} to move into ${this.link.guest}`,
      })
      return
    }
    const rename = nic === this.ifname ? [] : ['name', this.ifname]
    part.ops.push(
      this.op({
        action: 'macvlan.create',
        phase: Phase.cables,
        exec: {
          tool: 'ip',
          target: hostIp(this.ctx),
          line: ['link', 'set', nic, 'netns', this.guestNetnsArg()],
        },
        inverse: {
          tool: 'ip',
          target: this.guestTarget,
          line: ['link', 'set', this.ifname, 'name', nic, 'netns', this.ctx.place.netns ?? '1'],
        },
        why: `the NIC ${nic} itself moves into ${this.link.guest} (--direct-phys)`,
        implies: 'missing',
      }),
      this.op({
        action: 'guest.configure',
        phase: Phase.ports,
        exec: {
          tool: 'ip',
          target: this.guestTarget,
          line: ['link', 'set', nic, ...rename, 'alias', physMark(this.ctx.lab.name, this.linkId, nic)],
        },
        inverse: null,
        why: `${nic} is ${this.linkId} now, marked to be given back`,
        implies: 'drifted',
        suffix: ':mark',
      }),
      ...this.configureGuest(null),
    )
  }

  private guestNetnsArg(): string {
    return this.guestTarget.kind === 'container'
      ? pidPlaceholder(this.guestTarget.name)
      : (this.guestTarget as { name: string }).name
  }

  private create(): Op[] {
    const host = hostIp(this.ctx)
    const mtu = this.link.mtu !== undefined ? ['mtu', String(this.link.mtu)] : []
    const mac = this.link.mac !== undefined ? ['address', resolveMac(this.link.mac)] : []
    const ops: Op[] = [
      this.op({
        action: 'veth.create',
        phase: Phase.cables,
        exec: {
          tool: 'ip',
          target: host,
          line: [
            'link',
            'add',
            this.hostEnd,
            ...mtu,
            'type',
            'veth',
            'peer',
            'name',
            this.ifname,
            ...mac,
            ...mtu,
            'netns',
            this.guestNetnsArg(),
          ],
        },
        inverse: { tool: 'ip', target: host, line: ['link', 'del', this.hostEnd] },
        why: `${this.link.guest} needs ${this.ifname} on ${this.link.to}`,
        implies: 'missing',
      }),
      this.op({
        action: 'veth.configure',
        phase: Phase.cables,
        exec: {
          tool: 'ip',
          target: host,
          line: [
            'link',
            'set',
            this.hostEnd,
            ...(this.bridgeKind() === 'linux-bridge' ? ['master', this.link.to] : []),
            'up',
            'alias',
            linkMark(this.ctx.lab.name, this.linkId),
          ],
        },
        inverse: null,
        why: `mark ${this.hostEnd} as lab ${this.ctx.lab.name}'s and bring it up`,
        implies: 'drifted',
      }),
    ]
    if (this.bridgeKind() === 'ovs-bridge') ops.push(this.addPort())
    if (this.bridgeKind() === 'linux-bridge' && this.link.vlan !== undefined) ops.push(...this.bridgeVlan())
    ops.push(...this.configureGuest(null))
    return ops
  }

  private bridgeKind() {
    return this.ctx.lab.nodes[this.link.to]?.kind
  }

  private addPort(): Op {
    const tag = this.link.vlan !== undefined ? [`tag=${this.link.vlan}`] : []
    return this.op({
      action: 'ovs.port.add',
      phase: Phase.ports,
      exec: ovsExec(this.ctx, [
        '--may-exist',
        'add-port',
        this.link.to,
        this.hostEnd,
        ...tag,
        '--',
        'set',
        'port',
        this.hostEnd,
        `external_ids:${OVS_LAB_KEY}=${this.ctx.lab.name}`,
        `external_ids:${OVS_LINK_KEY}=${this.linkId}`,
      ]),
      inverse: ovsExec(this.ctx, ['--if-exists', 'del-port', this.link.to, this.hostEnd]),
      why:
        this.link.vlan !== undefined
          ? `access port of VLAN ${this.link.vlan} on ${this.link.to}`
          : `untagged port on ${this.link.to}`,
      implies: 'drifted',
    })
  }

  /** An access port on a VLAN-filtering Linux bridge: the VLAN untagged as PVID, out of default VLAN 1. */
  private bridgeVlan(): Op[] {
    const vlan = this.link.vlan!
    const ops = [
      this.op({
        action: 'bridge.vlan',
        phase: Phase.ports,
        exec: {
          tool: 'bridge',
          line: ['vlan', 'add', 'vid', String(vlan), 'dev', this.hostEnd, 'pvid', 'untagged'],
        },
        inverse: null,
        why: `access port of VLAN ${vlan} on ${this.link.to}`,
        implies: 'drifted',
        suffix: ':vid',
      }),
    ]
    if (vlan !== 1) {
      ops.push(
        this.op({
          action: 'bridge.vlan',
          phase: Phase.ports,
          exec: { tool: 'bridge', line: ['vlan', 'del', 'vid', '1', 'dev', this.hostEnd] },
          inverse: null,
          why: `keep ${this.hostEnd} out of the bridge's default VLAN 1`,
          implies: 'drifted',
          suffix: ':vid1',
        }),
      )
    }
    return ops
  }

  startDhcp(part: PlanPart): void {
    const { ops, problem } = this.dhcp()
    part.ops.push(...ops)
    if (problem) part.problems.push({ kind: 'capability', field: `links[${this.index}]`, message: problem })
  }

  /** The command that enters this guest's namespace (the host's own binaries run there). */
  private enterGuest(): string[] {
    const t = this.guestTarget
    return t.kind === 'container'
      ? ['nsenter', '-t', pidPlaceholder(t.name), '-n']
      : ['ip', 'netns', 'exec', (t as { name: string }).name]
  }

  /**
   * ip: dhcp: a udhcpc in the guest, kept running for renewals and told to release on exit, with
   * patchbay's event script (bin/dhcp-event.js), which never touches the host's resolv.conf.
   */
  private dhcp(): { ops: Op[]; problem: string | null } {
    if (this.link.ip !== 'dhcp') return { ops: [], problem: null }
    const client = this.ctx.observed.capabilities.dhcpClient
    if (this.link.dhcpClient !== undefined && this.link.dhcpClient !== 'udhcpc') {
      return {
        ops: [],
        problem: `link ${this.linkId} asks for ${this.link.dhcpClient}; this version of the engine runs udhcpc`,
      }
    }
    if (!client || !this.ctx.dhcp) {
      return {
        ops: [],
        problem: `link ${this.linkId} asks for DHCP, and this host has no udhcpc (packages udhcpc or busybox)`,
      }
    }
    const running = this.ctx.observed.dhcpClients.find((c) => c.linkId === this.linkId)
    // A client left in a restarted container's old namespace keeps that namespace (and the old
    // cable) alive, and leases nothing for the new one: it goes, and a new one starts.
    const stale =
      running?.netns !== undefined && this.seen?.netnsId !== undefined && running.netns !== this.seen.netnsId
    if (running && !stale) return { ops: [], problem: null }
    const stop = running
      ? stopDhcpClient(
          this.ctx.host,
          this.linkId,
          running.pid,
          `the DHCP client of ${this.linkId} runs in the namespace its guest had before a restart`,
        )
      : []
    const { dir, script } = this.ctx.dhcp
    const argv = [
      ...this.enterGuest(),
      'env',
      `PATCHBAY_LEASE_FILE=${dir}/${this.linkId}.json`,
      ...client,
      '-i',
      this.ifname,
      '-s',
      script,
      '-p',
      `${dir}/${this.linkId}.pid`,
      '-R',
      '-n',
      '-t',
      '10',
      '-T',
      '1',
      '-A',
      '2',
      '-x',
      `hostname:${this.link.guest}`,
    ]
    return {
      ops: [
        ...stop,
        this.op({
          action: 'dhcp.start',
          phase: Phase.leases,
          exec: { tool: 'cmd', argv },
          inverse: null,
          why: `${this.linkId} gets its address by DHCP`,
          implies: 'drifted',
        }),
      ],
      problem: null,
    }
  }

  /** Guest-side settings; with `have`, only those that differ from it. */
  private configureGuest(have: ObservedInterface | null): Op[] {
    const ops: Op[] = []
    const target = this.guestTarget
    const addresses = staticAddresses(this.link)
    const node = this.ctx.lab.nodes[this.link.guest]
    const ipv6Off =
      !have &&
      target.kind === 'container' &&
      node?.kind === 'container' &&
      node.image === undefined &&
      addresses.some((a) => a.family === 6)
    // The guest's end needs only the cable: it is set up while the host's end joins its bridge (the
    // ports phase), unless Docker's IPv6 switch must be turned on first, in that same phase.
    const phase = ipv6Off ? Phase.configure : Phase.ports
    if (ipv6Off) {
      // Docker turns IPv6 off in a container's namespace; the lab's own containers are made
      // with it on, a user's container gets it on for this one interface.
      ops.push(
        this.op({
          action: 'guest.configure',
          phase: Phase.ports,
          exec: {
            tool: 'cmd',
            argv: [
              'nsenter',
              '-t',
              pidPlaceholder(target.name),
              '-n',
              'sysctl',
              '-q',
              '-w',
              `net.ipv6.conf.${this.ifname}.disable_ipv6=0`,
            ],
          },
          inverse: null,
          why: `${this.link.guest} is a Docker container, which has IPv6 off`,
          implies: 'drifted',
          suffix: ':ipv6',
        }),
      )
    }
    const haveAddresses = new Set(have?.addresses ?? [])
    if (have && this.link.mac !== undefined && have.mac !== resolveMac(this.link.mac)) {
      ops.push(
        this.op({
          action: 'guest.configure',
          phase: phase,
          exec: {
            tool: 'ip',
            target,
            line: ['link', 'set', this.ifname, 'address', resolveMac(this.link.mac)],
          },
          inverse: null,
          why: `${this.linkId} has MAC ${have.mac}, the lab says ${resolveMac(this.link.mac)}`,
          implies: 'drifted',
          suffix: ':mac',
        }),
      )
    }
    if (have && this.link.mtu !== undefined && have.mtu !== this.link.mtu) {
      ops.push(
        this.op({
          action: 'guest.configure',
          phase: phase,
          exec: { tool: 'ip', target, line: ['link', 'set', this.ifname, 'mtu', String(this.link.mtu)] },
          inverse: null,
          why: `${this.linkId} has MTU ${have.mtu}, the lab says ${this.link.mtu}`,
          implies: 'drifted',
          suffix: ':mtu',
        }),
      )
    }
    for (const address of addresses) {
      if (haveAddresses.has(cidrKey(address))) continue
      // nodad: a lab's IPv6 address is usable at once instead of after duplicate detection.
      const extra = address.family === 4 ? ['brd', '+'] : ['nodad']
      ops.push(
        this.op({
          action: 'address.add',
          phase: phase,
          exec: { tool: 'ip', target, line: ['addr', 'add', address.text, ...extra, 'dev', this.ifname] },
          inverse: have
            ? { tool: 'ip', target, line: ['addr', 'del', address.text, 'dev', this.ifname] }
            : null,
          why: `${this.linkId} should have ${address.text}`,
          implies: 'drifted',
          suffix: `:${address.text}`,
        }),
      )
    }
    if (have) {
      const want = new Set(addresses.map(cidrKey))
      for (const extra of have.addresses) {
        if (want.has(extra) || this.link.ip === 'dhcp') continue
        ops.push(
          this.op({
            action: 'address.delete',
            phase: phase,
            exec: { tool: 'ip', target, line: ['addr', 'del', extra, 'dev', this.ifname] },
            inverse: { tool: 'ip', target, line: ['addr', 'add', extra, 'dev', this.ifname] },
            why: `${this.linkId} has ${extra}, which the lab does not name`,
            implies: 'drifted',
            suffix: `:${extra}`,
          }),
        )
      }
    }
    if (!have?.adminUp) {
      ops.push(
        this.op({
          action: 'guest.configure',
          phase: phase,
          exec: { tool: 'ip', target, line: ['link', 'set', this.ifname, 'up'] },
          inverse: null,
          why: `bring ${this.linkId} up`,
          implies: 'down',
          suffix: ':up',
        }),
      )
    }
    for (const gateway of gateways(this.link)) {
      const family = addressFamily(gateway)
      const route = this.seen?.routes.find((r) => r.family === family)
      if (
        have &&
        route &&
        canonicalAddress(route.gateway) === canonicalAddress(gateway) &&
        route.dev === this.ifname
      )
        continue
      ops.push(
        this.op({
          action: 'guest.configure',
          phase: phase,
          exec: {
            tool: 'ip',
            target,
            line: ['route', 'replace', 'default', 'via', gateway, 'dev', this.ifname],
          },
          inverse: null,
          why: `${this.link.guest}'s default route goes via ${gateway}`,
          implies: 'drifted',
          suffix: `:gw${family}`,
        }),
      )
    }
    return ops
  }

  /** The link exists: put back whatever drifted from the lab. */
  private repair(hostSide: ObservedInterface, guestSide: ObservedInterface): Op[] {
    const ops: Op[] = []
    const host = hostIp(this.ctx)
    if (this.bridgeKind() === 'ovs-bridge') {
      const port = this.ctx.observed.ovs?.ports.find((p) => p.name === this.hostEnd)
      if (!port || port.bridge !== this.link.to) {
        if (port)
          ops.push(
            this.op({
              action: 'ovs.port.delete',
              phase: Phase.removeLinks,
              exec: ovsExec(this.ctx, ['--if-exists', 'del-port', port.bridge, this.hostEnd]),
              inverse: null,
              why: `${this.hostEnd} is on ${port.bridge}, the lab says ${this.link.to}`,
              implies: 'drifted',
            }),
          )
        ops.push(this.addPort())
      } else if ((port.tag ?? undefined) !== this.link.vlan) {
        const set =
          this.link.vlan !== undefined
            ? ['set', 'port', this.hostEnd, `tag=${this.link.vlan}`]
            : ['remove', 'port', this.hostEnd, 'tag', String(port.tag)]
        const back =
          port.tag !== null
            ? ['set', 'port', this.hostEnd, `tag=${port.tag}`]
            : ['remove', 'port', this.hostEnd, 'tag', String(this.link.vlan)]
        ops.push(
          this.op({
            action: 'ovs.port.set',
            phase: Phase.ports,
            exec: ovsExec(this.ctx, set),
            inverse: ovsExec(this.ctx, back),
            why: `${this.hostEnd} has VLAN ${port.tag ?? 'none'}, the lab says ${this.link.vlan ?? 'none'}`,
            implies: 'drifted',
          }),
        )
      }
    } else if (hostSide.master !== this.link.to) {
      ops.push(
        this.op({
          action: 'veth.configure',
          phase: Phase.ports,
          exec: { tool: 'ip', target: host, line: ['link', 'set', this.hostEnd, 'master', this.link.to] },
          inverse: null,
          why: `${this.hostEnd} is not a port of ${this.link.to}`,
          implies: 'drifted',
          suffix: ':master',
        }),
      )
    }
    if (!hostSide.adminUp) {
      ops.push(
        this.op({
          action: 'veth.configure',
          phase: Phase.cables,
          exec: { tool: 'ip', target: host, line: ['link', 'set', this.hostEnd, 'up'] },
          inverse: null,
          why: `${this.hostEnd} is down`,
          implies: 'down',
          suffix: ':up',
        }),
      )
    }
    ops.push(...this.configureGuest(guestSide))
    return ops
  }
}

/**
 * The OVS record of a port whose device vanished (its guest restarted, its cable was cut) is
 * deleted in a transaction of its own before the port is added again: replaced within one
 * transaction, the userspace datapath keeps reading the old, gone device.
 */
export function staleOvsPort(ctx: PlanContext, bridge: string, port: string, linkId: string): Op {
  return {
    id: `ovs.port.delete:${ctx.host}:${port}`,
    host: ctx.host,
    phase: Phase.removeLinks,
    action: 'ovs.port.delete',
    effect: 'remove',
    exec: ovsExec(ctx, ['--if-exists', 'del-port', bridge, port]),
    inverse: null,
    pipework: null,
    why: `the OVS port ${port} outlived its device; it is made again with the device`,
    linkId,
    implies: 'drifted',
  }
}
