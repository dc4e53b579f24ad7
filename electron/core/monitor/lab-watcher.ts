// Live state of one lab: link-state events typed for the canvas and `patchbay watch`, each with the
// link's id and its guest node, emitted when something changed, never on a timer. With `heal`, a
// container of the lab that (re)starts gets its links back by an apply, which pipework never did.
import { EventEmitter } from 'node:events'
import type { WatchEvent } from '../../../shared/api/contract.ts'
import { guestIfname, LOCAL_HOST, linkIds, nodeHost } from '../../../shared/lab/normalize.ts'
import type { Lab } from '../../../shared/lab/schema.ts'
import { isGuestLink } from '../../../shared/lab/schema.ts'
import { containerName, guestHostEnd } from '../../../shared/plan/device-names.ts'
import type { Observed } from '../../../shared/plan/observed.ts'
import type { Engine, WatchableRuntime } from '../engine.ts'
import { type LinkStatus, labStatus } from '../status.ts'
import { parseLinkLine } from './link-line.ts'
import { allNamespacesMonitor, netlinkMonitor, ovsdbMonitor, type Trigger } from './triggers.ts'

export interface WatchOptions {
  readonly heal?: boolean
  /** Coalesces a burst of notifications into one look (ms). */
  readonly settleMs?: number
  /** Sample rx/tx counters once a second (only then is anything read on a timer). */
  readonly counters?: boolean
}

export class LabWatcher extends EventEmitter<{ event: [WatchEvent] }> {
  private readonly triggers: Trigger[] = []
  private readonly states = new Map<string, LinkStatus>()
  private timer: NodeJS.Timeout | null = null
  private sampler: NodeJS.Timeout | null = null
  private readonly samples = new Map<string, { rx: number; tx: number; at: number }>()
  private looking: Promise<void> | null = null
  private again = false
  private healing = false
  private stopped = false
  /** Monitors inside containers, by container name: restarted with the container's new pid. */
  private readonly inside = new Map<string, Trigger>()
  /** Link ids by the name of their end: in the host's namespace, and inside each guest. */
  private readonly hostEnds = new Map<string, string>()
  private readonly guestEnds = new Map<string, Map<string, string>>()
  /** When a monitor line last moved each link (performance.now()). */
  private readonly quickAt = new Map<string, number>()
  /** The guest node of each guest link, by link id (events name it). */
  private readonly guestOf = new Map<string, string>()
  /** The lab's container nodes, by Docker name. */
  private readonly containers = new Map<string, string>()
  /** Guests with a veth to the host: heard by the host's all-nsid monitor, once it knows their nsid. */
  private readonly cabled = new Set<string>()
  /** Guest nodes by the id (nsid) the host's namespace has for theirs, learnt from each look. */
  private readonly guestByNsid = new Map<number, string>()
  /** Docker's event stream while it is open; retried with backoff while Docker does not answer. */
  private dockerEvents: Trigger | null = null
  private dockerRetry: NodeJS.Timeout | null = null
  private dockerFailures = 0
  /** The last notice said per source, so a failure that repeats is said once. */
  private readonly lastNotice = new Map<'docker' | 'machine', string>()
  /** The host of the lab this machine is: LOCAL_HOST, or this engine's machine of a lab over machines. */
  private readonly here: string

  constructor(
    private readonly engine: Engine,
    private readonly lab: Lab,
    private readonly docker: WatchableRuntime,
    private readonly options: WatchOptions = {},
  ) {
    super()
    // One machine of a lab over machines watches its own nodes only, which are local to it.
    this.here = engine.machine ?? LOCAL_HOST
    const mine = (node: Lab['nodes'][string]) => engine.machine === undefined || nodeHost(node) === this.here
    for (const [name, node] of Object.entries(lab.nodes)) {
      if (node.kind === 'container' && mine(node))
        this.containers.set(containerName(lab.name, name, node), name)
    }
    const ids = linkIds(lab.links ?? [])
    ;(lab.links ?? []).forEach((link, i) => {
      if (isGuestLink(link)) this.guestOf.set(ids[i]!, link.guest)
      if (!isGuestLink(link) || nodeHost(lab.nodes[link.guest] ?? {}) !== this.here) return
      const inGuest = this.guestEnds.get(link.guest) ?? new Map<string, string>()
      inGuest.set(guestIfname(link), ids[i]!)
      this.guestEnds.set(link.guest, inGuest)
      if (lab.nodes[link.to]?.kind === 'uplink') return
      this.hostEnds.set(guestHostEnd(lab.name, link), ids[i]!)
      this.cabled.add(link.guest)
    })
  }

  /** Starts the monitors and reports every link's state once. */
  async start(): Promise<void> {
    if (this.stopped) return
    const poke = () => this.poke()
    this.triggers.push(allNamespacesMonitor((line) => this.sawHostLine(line)))
    for (const place of Object.values(this.engine.places(this.lab))) {
      if (place.netns) this.triggers.push(netlinkMonitor(['ip', '-n', place.netns], poke))
      if (place.ovsDb) this.triggers.push(ovsdbMonitor(place.ovsDb, poke))
    }
    this.triggers.push(ovsdbMonitor('/var/run/openvswitch/db.sock', poke))
    for (const [name, node] of Object.entries(this.lab.nodes)) {
      // A guest whose links are all macvlans on a NIC has no veth whose host end would give its nsid.
      if (node.kind === 'netns' && this.guestEnds.has(name) && !this.cabled.has(name))
        this.triggers.push(
          netlinkMonitor(['ip', '-n', name], (line) => this.sawLine(this.guestEnds.get(name), line)),
        )
    }
    this.openDockerEvents()
    await Promise.all([...this.containers.keys()].map((name) => this.watchInside(name)))
    await this.look()
    // stop() may have come while that first look ran (a busy lab keeps it looking again): then no
    // sampler, or it would observe the lab every second for the rest of the process's life.
    if (this.options.counters && !this.stopped) this.sampler = setInterval(() => void this.look(), 1000)
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    if (this.sampler) clearInterval(this.sampler)
    if (this.dockerRetry) clearTimeout(this.dockerRetry)
    this.dockerEvents?.close()
    for (const t of [...this.triggers, ...this.inside.values()]) t.close()
    this.triggers.length = 0
    this.inside.clear()
  }

  /** The last known state of every link. */
  current(): LinkStatus[] {
    return [...this.states.values()]
  }

  /**
   * Docker's event stream. When Docker is down or goes away, the watcher says so once and goes on
   * with everything else, opening the stream again after 0.5 s, 1 s, 2 s, … up to 30 s; once it is
   * back, the containers may have restarted meanwhile, so their monitors and states are renewed.
   */
  private openDockerEvents(): void {
    if (this.stopped) return
    let failed = false
    const stream = this.docker.events(
      {},
      (e) => {
        const node = this.containers.get(e.name)
        if (!node) return
        this.emit('event', { type: 'container', at: Date.now(), node, action: e.action })
        if (e.action === 'start') void this.containerStarted(e.name, node)
        this.poke()
      },
      (error) => {
        // A line that is not an event leaves the stream open; only a stream that ended is retried.
        if (error.status === 200 || failed || this.stopped) return
        failed = true
        stream.close()
        this.dockerFailures += 1
        const delay = Math.min(30_000, 500 * 2 ** (this.dockerFailures - 1))
        this.notice(
          'docker',
          `Docker events are not available (${error.message}); retrying with backoff up to every 30 s`,
        )
        this.dockerRetry = setTimeout(() => {
          this.dockerRetry = null
          this.openDockerEvents()
        }, delay)
      },
    )
    this.dockerEvents = stream
    stream.ready.then(
      () => {
        if (failed || this.stopped || this.dockerFailures === 0) return
        this.dockerFailures = 0
        this.notice('docker', 'Docker events are back')
        for (const name of this.containers.keys()) void this.watchInside(name)
        this.poke()
      },
      () => {},
    )
  }

  /** Says a notice, unless its source said the same last (a failure that repeats is said once). */
  private notice(source: 'docker' | 'machine', message: string): void {
    if (this.lastNotice.get(source) === message) return
    this.lastNotice.set(source, message)
    this.emit('event', { type: 'notice', at: Date.now(), message })
  }

  /** A monitor inside a container the host's monitor cannot hear (see start), on its current pid. */
  private async watchInside(container: string): Promise<void> {
    const node = this.containers.get(container)
    if (node === undefined || !this.guestEnds.has(node) || this.cabled.has(node)) return
    this.inside.get(container)?.close()
    const state = await this.docker.inspect(container).catch(() => null)
    if (!state?.running || this.stopped) return
    this.inside.set(
      container,
      netlinkMonitor(['nsenter', '-t', String(state.pid), '-n', 'ip'], (line) =>
        this.sawLine(this.guestEnds.get(node), line),
      ),
    )
  }

  private async containerStarted(container: string, node: string): Promise<void> {
    await this.watchInside(container)
    if (!this.options.heal || this.healing || this.stopped) return
    this.healing = true
    const started = performance.now()
    try {
      const { plan, result } = await this.engine.apply(this.lab)
      const ms = Math.round(performance.now() - started)
      const error = result?.failed?.error ?? plan.problems.map((p) => p.message).join('; ')
      this.emit('event', {
        type: 'heal',
        at: Date.now(),
        node,
        ops: plan.ops.length,
        ok: result?.ok === true,
        ms,
        ...(error ? { error } : {}),
      })
    } finally {
      this.healing = false
    }
    this.poke()
  }

  /**
   * A line of the host's all-nsid monitor: the host's own interfaces, or a guest's by its nsid. A
   * namespace whose nsid no look has tied to a guest of the lab is someone else's, or one the next
   * look (which a host-side change of ours triggers) will tie: its lines are left alone.
   */
  private sawHostLine(line: string): void {
    const tag = /^\[nsid (current|\d+)\]/.exec(line)
    const rest = tag ? line.slice(tag[0].length) : line
    if (!tag || tag[1] === 'current') {
      this.sawLine(this.hostEnds, rest)
      return
    }
    const node = this.guestByNsid.get(Number(tag[1]))
    if (node !== undefined) this.sawLine(this.guestEnds.get(node), rest)
  }

  /** Which guest each nsid is: the host end of a guest's veth names the nsid of its peer's namespace. */
  private learnNsids(observed: Observed): void {
    this.guestByNsid.clear()
    for (const device of observed.hosts[this.here]?.interfaces ?? []) {
      const linkId = this.hostEnds.get(device.name)
      const node = linkId === undefined ? undefined : this.guestOf.get(linkId)
      if (node !== undefined && device.peerNetnsId !== undefined)
        this.guestByNsid.set(device.peerNetnsId, node)
    }
  }

  /**
   * A monitor printed a line. When it shows one of the lab's link ends going down (or back up after
   * being down), the link's new state goes out at once; the full look that follows confirms it.
   */
  private sawLine(ends: ReadonlyMap<string, string> | undefined, line: string): void {
    const seen = parseLinkLine(line)
    const linkId = seen && ends?.get(seen.ifname)
    const before = linkId ? this.states.get(linkId) : undefined
    // Only between up and down: missing or drifted links need the full look to say why.
    if (seen && before && (before.state === 'up' || before.state === 'down')) {
      const state = seen.working ? 'up' : 'down'
      if (state !== before.state) {
        const guestSide = ends !== this.hostEnds
        this.quickAt.set(linkId!, performance.now())
        this.report({
          ...before,
          state,
          // A veth end has a carrier only while its peer is up: the host end working means the guest's does.
          ...(guestSide ? { operState: seen.operState } : seen.working ? { operState: 'UP' } : {}),
          reasons: seen.working ? [] : [`operstate ${seen.operState} on ${seen.ifname}`],
        })
      }
    }
    this.poke()
  }

  private poke(): void {
    if (this.stopped || this.timer) return
    this.timer = setTimeout(() => {
      this.timer = null
      void this.look()
    }, this.options.settleMs ?? 2)
  }

  /** Reads the lab's part of the machine and reports the links whose state changed. */
  private async look(): Promise<void> {
    if (this.looking) {
      this.again = true
      return this.looking
    }
    this.looking = (async () => {
      do {
        this.again = false
        const started = performance.now()
        let observed: Observed
        try {
          observed = await this.engine.observe(this.lab)
        } catch (e) {
          // The next notification looks again; a watcher that stopped here would heal nothing.
          this.notice('machine', `could not read the machine: ${(e as Error).message}`)
          continue
        }
        if (this.stopped) return
        this.learnNsids(observed)
        if (this.lastNotice.delete('machine'))
          this.emit('event', { type: 'notice', at: Date.now(), message: 'the machine can be read again' })
        const status = labStatus(this.lab, observed, this.engine.planOptions(this.lab))
        for (const link of status.links) {
          // A monitor line newer than this look already said more; the look after it will confirm.
          if ((this.quickAt.get(link.id) ?? -1) > started) continue
          this.report(link)
          if (this.options.counters) this.sample(link)
        }
      } while (this.again && !this.stopped)
    })().finally(() => {
      this.looking = null
    })
    return this.looking
  }

  private sample(link: LinkStatus): void {
    if (link.rxBytes === undefined || link.txBytes === undefined) return
    const now = Date.now()
    const before = this.samples.get(link.id)
    this.samples.set(link.id, { rx: link.rxBytes, tx: link.txBytes, at: now })
    if (!before || now - before.at < 500) return
    const seconds = (now - before.at) / 1000
    this.emit('event', {
      type: 'counters',
      at: now,
      linkId: link.id,
      rxBytes: link.rxBytes,
      txBytes: link.txBytes,
      rxRate: Math.max(0, Math.round((link.rxBytes - before.rx) / seconds)),
      txRate: Math.max(0, Math.round((link.txBytes - before.tx) / seconds)),
    })
  }

  private report(link: LinkStatus): void {
    const before = this.states.get(link.id)
    const same =
      before &&
      before.state === link.state &&
      before.operState === link.operState &&
      JSON.stringify(before.addresses) === JSON.stringify(link.addresses) &&
      JSON.stringify(before.reasons) === JSON.stringify(link.reasons)
    this.states.set(link.id, link)
    if (same) return
    const node = this.guestOf.get(link.id) ?? null
    this.emit('event', { type: 'link', at: Date.now(), link, node, previous: before?.state ?? null })
  }
}
