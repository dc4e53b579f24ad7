// Live state of a lab over machines: each machine's own engine watches its part (and heals there),
// over a second ssh session of the machine's multiplexed connection, so calls are never queued
// behind the stream. Its events are checked against the contract (a machine is outside), kept only
// when they are about that machine's own links and nodes, and merged into one stream. A machine
// whose channel breaks is said unreachable, its links missing (never a stale `up`), and is reached
// again with backoff; its new watcher then reports every link again.
import { EventEmitter } from 'node:events'
import { MachineWatchEvent, type WatchEvent } from '../../../shared/api/contract.ts'
import { MACHINE_EVENT } from '../../../shared/api/machine.ts'
import { linkIds } from '../../../shared/lab/normalize.ts'
import type { Lab } from '../../../shared/lab/schema.ts'
import { sshDestination } from '../../../shared/lab/ssh.ts'
import type { ServiceError } from '../calls.ts'
import type { WatchOptions } from '../monitor/lab-watcher.ts'
import type { LinkStatus } from '../status.ts'
import { MachineLink, type MachineLinkOptions } from './machine-link.ts'
import { machinesOf } from './machines-calls.ts'

/** Reconnecting waits 0.5 s, 1 s, 2 s, … up to this. */
const MAX_BACKOFF_MS = 10_000

/** Worse states win when two machines see one wire differently. */
const WORSE: readonly LinkStatus['state'][] = ['up', 'admin-down', 'down', 'drifted', 'missing']

export interface MachinesWatchOptions extends WatchOptions {
  readonly link: MachineLinkOptions
}

/** What one machine of the lab holds: the links with an end on it, and its nodes. */
export interface Held {
  readonly links: Set<string>
  readonly nodes: Set<string>
}

/** What each machine of the lab holds. */
export function holdings(lab: Lab): Map<string, Held> {
  const held = new Map(
    machinesOf(lab).map((m) => [m, { links: new Set<string>(), nodes: new Set<string>() }]),
  )
  for (const [name, node] of Object.entries(lab.nodes)) if (node.host) held.get(node.host)?.nodes.add(name)
  const ids = linkIds(lab.links ?? [])
  ;(lab.links ?? []).forEach((link, i) => {
    const ends = 'guest' in link ? [link.guest] : [...link.between]
    for (const end of ends) {
      const host = lab.nodes[end]?.host
      if (host) held.get(host)?.links.add(ids[i]!)
    }
  })
  return held
}

/**
 * What a machine sent, if it is an event of the contract about what that machine holds (a machine
 * is outside: it may send anything, or speak of another machine's links); null otherwise. Its
 * notices say which machine they come from.
 */
export function ownEvent(held: Held, machine: string, params: unknown): WatchEvent | null {
  const parsed = MachineWatchEvent.safeParse(params)
  if (!parsed.success) return null
  const event = parsed.data
  switch (event.type) {
    case 'link':
      return held.links.has(event.link.id) ? event : null
    case 'counters':
      return held.links.has(event.linkId) ? event : null
    case 'container':
    case 'heal':
      return held.nodes.has(event.node) ? event : null
    case 'notice':
      return { ...event, message: `machine ${machine}: ${event.message}` }
  }
}

export class MachinesWatcher extends EventEmitter<{ event: [WatchEvent] }> {
  private readonly held: Map<string, Held>
  /** Each link's state as each machine holding it last said. */
  private readonly seen = new Map<string, Map<string, LinkStatus>>()
  /** What went out last per link, to say only changes. */
  private readonly said = new Map<string, LinkStatus>()
  private readonly guestOf = new Map<string, string>()
  private readonly links = new Map<string, MachineLink>()
  private readonly retries = new Map<string, NodeJS.Timeout>()
  private readonly failures = new Map<string, number>()
  /** Why each unreachable machine was last said to be. */
  private readonly why = new Map<string, string>()
  private stopped = false

  constructor(
    private readonly lab: Lab,
    private readonly options: MachinesWatchOptions,
  ) {
    super()
    this.held = holdings(lab)
    const ids = linkIds(lab.links ?? [])
    ;(lab.links ?? []).forEach((link, i) => {
      if ('guest' in link) this.guestOf.set(ids[i]!, link.guest)
    })
  }

  /** Opens every machine's watch; settles once each machine either reported its links or was said unreachable. */
  async start(): Promise<void> {
    await Promise.all([...this.held.keys()].map((machine) => this.open(machine)))
  }

  /** Ends every machine's watcher and ssh session; settles when they ended. */
  async stop(): Promise<void> {
    this.stopped = true
    for (const timer of this.retries.values()) clearTimeout(timer)
    this.retries.clear()
    const ending = [...this.links.values()].map((link) => link.end())
    this.links.clear()
    await Promise.all(ending)
  }

  private async open(machine: string): Promise<void> {
    if (this.stopped) return
    const link = new MachineLink(machine, sshDestination(this.lab.hosts![machine]!.ssh!), this.options.link)
    this.links.set(machine, link)
    let ended: Promise<ServiceError>
    try {
      await link.open()
      if (this.stopped) return void link.end()
      this.why.delete(machine)
      this.emit('event', { type: 'machine', at: Date.now(), machine, reachable: true })
      ;({ ended } = await link.watch(
        {
          lab: this.lab,
          ...(this.options.heal ? { heal: true } : {}),
          ...(this.options.counters ? { counters: true } : {}),
        },
        (method, params) => {
          if (method === MACHINE_EVENT && !this.stopped && this.links.get(machine) === link)
            this.heard(machine, params)
        },
      ))
    } catch (e) {
      this.lost(machine, link, e)
      return
    }
    this.failures.delete(machine)
    void ended.then((why) => this.lost(machine, link, why))
  }

  /** The machine's channel broke (or never opened): said once, its links missing, tried again later. */
  private lost(machine: string, link: MachineLink, error: unknown): void {
    if (this.stopped || this.links.get(machine) !== link) return
    this.links.delete(machine)
    void link.end()
    const why = error instanceof Error ? error.message : String(error)
    const failures = (this.failures.get(machine) ?? 0) + 1
    this.failures.set(machine, failures)
    // Said again only when the reason changed (lost, then refused while it stays down).
    if (this.why.get(machine) !== why) {
      this.why.set(machine, why)
      this.emit('event', { type: 'machine', at: Date.now(), machine, reachable: false, why })
    }
    if (failures === 1) {
      for (const id of this.held.get(machine)?.links ?? [])
        this.merge(machine, { id, state: 'missing', reasons: [`machine ${machine} is unreachable`] })
    }
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** (failures - 1))
    this.retries.set(
      machine,
      setTimeout(() => {
        this.retries.delete(machine)
        void this.open(machine)
      }, delay),
    )
  }

  /** One notification of a machine: checked, kept when it is about what that machine holds. */
  private heard(machine: string, params: unknown): void {
    const event = ownEvent(this.held.get(machine)!, machine, params)
    if (event?.type === 'link') this.merge(machine, event.link)
    else if (event) this.emit('event', event)
  }

  /** A machine's view of one link; the link's state goes out when the worst view changed. */
  private merge(machine: string, link: LinkStatus): void {
    const views = this.seen.get(link.id) ?? new Map<string, LinkStatus>()
    views.set(machine, link)
    this.seen.set(link.id, views)
    const worst = [...views.values()].reduce((a, b) =>
      WORSE.indexOf(b.state) > WORSE.indexOf(a.state) ? b : a,
    )
    const before = this.said.get(link.id)
    if (before && JSON.stringify(before) === JSON.stringify(worst)) return
    this.said.set(link.id, worst)
    this.emit('event', {
      type: 'link',
      at: Date.now(),
      link: worst,
      node: this.guestOf.get(link.id) ?? null,
      previous: before?.state ?? null,
    })
  }
}
