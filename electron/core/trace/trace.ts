// `trace`: real frames through an applied lab. tcpdump listens on every port of the lab at once,
// each in its own namespace (port-locator.ts); guest A sends one ARP request and one ping to B; the
// captures stop, and the reply says where each frame was seen, with its 802.1Q tag, in the order
// seen, and, when B was not reached, the last port of the path the request got to.
import type { TraceHop, TraceReply } from '../../../shared/api/contract.ts'
import { broadcastDomains } from '../../../shared/l2/domains.ts'
import { explain, GuestNameError, resolveGuest } from '../../../shared/l2/explain.ts'
import { guestIfname, staticAddresses } from '../../../shared/lab/normalize.ts'
import type { GuestLink, Lab } from '../../../shared/lab/schema.ts'
import type { Observed, ObservedGuest } from '../../../shared/plan/observed.ts'
import { ServiceError } from '../calls.ts'
import type { Engine } from '../engine.ts'
import { holdProcessNetns } from '../exec/pid-check.ts'
import { observedLab } from '../observed-lab.ts'
import { type LabPort, locatePorts } from '../port-locator.ts'
import { type Capture, type CapturedFrame, startCapture } from './captures.ts'
import { type PathPort, wirePath } from './path.ts'
import { describeFrame } from './pcap.ts'

/** Frames still on their way when the ping ends are given this long to be seen. */
const SETTLE_MS = 400

interface End {
  readonly name: string
  readonly guest: string
  readonly ifname: string
  readonly linkIndex: number
  readonly address: string | null
}

interface Listening {
  readonly port: LabPort
  readonly capture: Capture
}

/** A namespace entered by argv; a container's held open by this process while the trace runs. */
interface Entered {
  readonly prefix: string[]
  release(): void
}

export async function traceLab(
  engine: Engine,
  lab: Lab,
  fromName: string,
  toName: string,
): Promise<TraceReply> {
  const analysis = broadcastDomains(lab)
  const observed = await engine.observe(lab)
  const end = (which: string, name: string): End => {
    let member: ReturnType<typeof resolveGuest>
    try {
      member = resolveGuest(lab, analysis, name)
    } catch (e) {
      if (e instanceof GuestNameError)
        throw new ServiceError('invalid', `${which} ${JSON.stringify(name)}: ${e.message}`)
      throw e
    }
    const link = lab.links![member.linkIndex] as GuestLink
    return {
      name: member.name,
      guest: link.guest,
      ifname: guestIfname(link),
      linkIndex: member.linkIndex,
      address: ipv4Of(link, guestSeen(lab, observed, link.guest)),
    }
  }
  const a = end('A', fromName)
  const b = end('B', toName)
  if (a.name === b.name)
    throw new ServiceError('invalid', `A and B are both ${a.name}; trace needs two interfaces`)
  if (!b.address)
    throw new ServiceError('invalid', `${b.name} has no IPv4 address to send an ARP request and a ping to`)
  if (!a.address) throw new ServiceError('invalid', `${a.name} has no IPv4 address to send from`)
  const fromGuest = guestSeen(lab, observed, a.guest)
  if (!fromGuest?.exists || !fromGuest.interfaces.some((i) => i.name === a.ifname))
    throw new ServiceError('failed', `${a.name} is not on the machine: apply the lab first`)

  const entered = new Map<string, Entered>()
  const enter = (port: LabPort): Entered => {
    const key = JSON.stringify(port.namespace)
    let e = entered.get(key)
    if (!e) {
      e = enterPort(port, observed)
      entered.set(key, e)
    }
    return e
  }
  const skipped: TraceReply['skipped'] = []
  const listening: Listening[] = []
  try {
    for (const port of locatePorts(lab, observed)) {
      const why = notCapturable(port, observed)
      if (why) {
        skipped.push({ node: port.node, port: port.port, device: port.device, why })
        continue
      }
      try {
        listening.push({ port, capture: startCapture(enter(port).prefix, port.device) })
      } catch (e) {
        skipped.push({ node: port.node, port: port.port, device: port.device, why: messageOf(e) })
      }
    }
    const started = await Promise.allSettled(listening.map((l) => l.capture.ready))
    started.forEach((result, i) => {
      if (result.status === 'rejected') {
        const { port } = listening[i]!
        skipped.push({ node: port.node, port: port.port, device: port.device, why: messageOf(result.reason) })
      }
    })
    const sender = enter(locatePorts(lab, observed).find((p) => p.node === a.guest && p.port === a.ifname)!)
    const send = (argv: string[]) =>
      engine.run.run([...sender.prefix, ...argv], { allowFailure: true, timeoutMs: 5_000 })
    // busybox's arping (the lab host has it; iputils' takes the same options), then iputils' ping.
    await send(['busybox', 'arping', '-f', '-c', '1', '-w', '1', '-I', a.ifname, '-s', a.address, b.address])
    const ping = await send(['ping', '-n', '-c', '1', '-w', '2', '-I', a.ifname, b.address])
    await new Promise((r) => setTimeout(r, SETTLE_MS))
    const seen: { port: LabPort; frame: CapturedFrame }[] = []
    const stops = await Promise.all(listening.map((l) => l.capture.stop()))
    stops.forEach((stopped, i) => {
      const { port } = listening[i]!
      if (started[i]!.status === 'rejected') return
      if (stopped.error)
        skipped.push({ node: port.node, port: port.port, device: port.device, why: stopped.error })
      for (const frame of stopped.frames)
        if (between(frame, a.address!, b.address!)) seen.push({ port, frame })
    })
    return report(lab, {
      a,
      b,
      seen,
      skipped,
      captured: listening.length,
      replied: ping.exitCode === 0,
      observed,
    })
  } finally {
    for (const l of listening) l.capture.kill()
    for (const e of entered.values()) e.release()
  }
}

function guestSeen(lab: Lab, observed: Observed, guest: string): ObservedGuest | undefined {
  const host = lab.nodes[guest]?.host ?? 'local'
  return observed.hosts[host]?.guests[guest]
}

/** The interface's IPv4 address as the machine has it (DHCP gives one only there), else as drawn. */
function ipv4Of(link: GuestLink, seen: ObservedGuest | undefined): string | null {
  const inside = seen?.interfaces.find((i) => i.name === guestIfname(link))
  const found = inside?.addresses.find((c) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(c))
  if (found) return found.split('/')[0]!
  return staticAddresses(link).find((c) => c.family === 4)?.address ?? null
}

/** Why a port cannot be listened on, or null: the lab does not own it, or it is not there. */
function notCapturable(port: LabPort, observed: Observed): string | null {
  if (!port.owned) return `${port.device} is a NIC of the machine, not the lab's`
  const ns = port.namespace
  if (ns.kind === 'container' || ns.kind === 'netns') {
    const guest = observed.hosts[port.host]?.guests[port.node]
    if (!guest?.exists || (ns.kind === 'container' && ns.pid === null)) return `${port.node} is not running`
    return guest.interfaces.some((i) => i.name === port.device) ? null : `${port.node} has no ${port.device}`
  }
  const device = observed.hosts[port.host]?.interfaces.find((i) => i.name === port.device)
  if (!device) return `${port.device} is not on host ${port.host}`
  // A bridge's own interface is down unless the bridge has an address: no frame goes there.
  return device.adminUp ? null : `${port.device} is down`
}

function enterPort(port: LabPort, observed: Observed): Entered {
  const ns = port.namespace
  switch (ns.kind) {
    case 'host':
      return { prefix: [], release: () => {} }
    case 'simulated-host':
      return { prefix: ['ip', 'netns', 'exec', ns.netns], release: () => {} }
    case 'netns':
      return { prefix: ['ip', 'netns', 'exec', ns.name], release: () => {} }
    case 'container': {
      // The pid is checked against the process observed, and its namespace held open while used.
      const netns = observed.hosts[port.host]?.guests[port.node]?.netns
      if (netns?.kind !== 'pid') throw new ServiceError('failed', `${port.node} is not running`)
      const held = holdProcessNetns({ pid: netns.pid, started: netns.started ?? null })
      return { prefix: ['nsenter', `--net=${held.path}`], release: held.close }
    }
  }
}

const between = (f: CapturedFrame, x: string, y: string): boolean =>
  (f.src === x && f.dst === y) || (f.src === y && f.dst === x)

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e))

interface Findings {
  readonly a: End
  readonly b: End
  readonly seen: { port: LabPort; frame: CapturedFrame }[]
  readonly skipped: TraceReply['skipped']
  readonly captured: number
  readonly replied: boolean
  readonly observed: Observed
}

function report(lab: Lab, f: Findings): TraceReply {
  const path = wirePath(lab, f.a.linkIndex, f.b.linkIndex)
  const onPath = (p: { node: string; port: string }) =>
    path.findIndex((x) => x.node === p.node && x.port === p.port)
  const sorted = [...f.seen].sort(
    (x, y) => x.frame.atUs - y.frame.atUs || rank(onPath(x.port)) - rank(onPath(y.port)),
  )
  const first = sorted[0]?.frame.atUs ?? 0
  const hops: TraceHop[] = sorted.map(({ port, frame }) => ({
    node: port.node,
    port: port.port,
    vlan: frame.vlan,
    seen: true,
    frame: describeFrame(frame),
    kind: frame.kind,
    atUs: frame.atUs - first,
    host: port.host,
    device: port.device,
    srcMac: frame.srcMac,
    dstMac: frame.dstMac,
  }))
  const request = (p: PathPort) =>
    sorted.find(
      (s) =>
        s.port.node === p.node &&
        s.port.port === p.port &&
        s.frame.kind === 'arp-request' &&
        s.frame.src === f.a.address,
    )
  const pathSeen = path.map((p) => {
    const r = request(p)
    return { node: p.node, port: p.port, seen: r !== undefined, vlan: r?.frame.vlan ?? null }
  })
  const ports = locatePorts(lab)
  for (const p of pathSeen.filter((x) => !x.seen)) {
    const where = ports.find((x) => x.node === p.node && x.port === p.port)
    hops.push({
      node: p.node,
      port: p.port,
      vlan: null,
      seen: false,
      frame: `ARP who-has ${f.b.address} tell ${f.a.address}`,
      kind: 'arp-request',
      atUs: null,
      host: where?.host ?? '',
      device: where?.device ?? '',
      srcMac: null,
      dstMac: null,
    })
  }
  const atB = (s: { port: LabPort; frame: CapturedFrame }) =>
    s.port.node === f.b.guest && s.port.port === f.b.ifname && s.frame.src === f.a.address
  const reached = sorted.some(
    (s) => atB(s) && (s.frame.kind === 'arp-request' || s.frame.kind === 'echo-request'),
  )
  const last = [...pathSeen].reverse().find((p) => p.seen)
  const stoppedAt = reached ? null : last ? { node: last.node, port: last.port } : null
  return {
    from: f.a.name,
    to: f.b.name,
    address: f.b.address!,
    reached,
    replied: f.replied,
    hops,
    path: pathSeen,
    stoppedAt,
    why: whyOf(lab, f, reached, last, pathSeen),
    captured: f.captured,
    skipped: f.skipped,
  }
}

const rank = (i: number) => (i < 0 ? Number.MAX_SAFE_INTEGER : i)

function whyOf(
  lab: Lab,
  f: Findings,
  reached: boolean,
  last: { node: string; port: string; vlan: number | null } | undefined,
  path: readonly { node: string; port: string; seen: boolean }[],
): string {
  if (reached)
    return `${f.a.name}'s frames reached ${f.b.name}${f.replied ? ', and the ping was answered' : ', but the ping was not answered'}`
  if (!last) return `${f.a.name}'s ARP request for ${f.b.address} was not seen on any port of the lab`
  const next = path[path.findIndex((p) => p.node === last.node && p.port === last.port) + 1]
  const tag = last.vlan === null ? 'untagged' : `tagged ${last.vlan}`
  let sentence = `${f.a.name}'s ARP request was last seen at ${last.node} port ${last.port} (${tag})`
  if (next) sentence += `, never at ${next.node} port ${next.port}`
  // The reason, as explain gives it from what the machine holds.
  try {
    const machine = observedLab(lab, f.observed)
    const answer = explain(machine, f.a.name, f.b.name)
    if (!answer.reachable) sentence += `: ${answer.why}`
  } catch {
    // the machine's lab lacks one of the two: the sighting says enough
  }
  return sentence
}
