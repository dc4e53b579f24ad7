// The engine's front door: plan, apply, destroy, status and verify a lab on this machine. The CLI,
// `serve` and the desktop app all call this; none of them runs a command of its own.

import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { LOCAL_HOST, linkIds, nodeHost } from '../../shared/lab/normalize.ts'
import { isGuestLink, type Lab } from '../../shared/lab/schema.ts'
import { pipeworkLine } from '../../shared/pipework/export.ts'
import { type AdoptPlan, planAdopt } from '../../shared/plan/adopt.ts'
import type { DhcpPlace, HostPlace } from '../../shared/plan/context.ts'
import { simulatedHostPlace } from '../../shared/plan/device-names.ts'
import type { Observed } from '../../shared/plan/observed.ts'
import type { Op } from '../../shared/plan/op.ts'
import { type Plan, planDestroy, planLab } from '../../shared/plan/plan.ts'
import { type ExecuteResult, executePlan, recoverJournal } from './apply/execute.ts'
import { Journal } from './apply/journal.ts'
import { defaultStateDir, PIPEWORK_LAB, pipeworkLabPath, StateFile } from './apply/state-file.ts'
import type { ContainerRuntime } from './drivers/container-runtime.ts'
import type { DockerApi } from './drivers/docker-api.ts'
import type { ObservedPid } from './exec/pid-check.ts'
import { Runner } from './exec/runner.ts'
import { LabWatcher, type WatchOptions } from './monitor/lab-watcher.ts'
import { observeLab } from './observe/observe.ts'
import { packageRootOrOwnDir } from './package-root.ts'

/** udhcpc's event script (bin/dhcp-event.js), by absolute path: udhcpc runs it inside guests. */
const DHCP_EVENT_SCRIPT = join(packageRootOrOwnDir(import.meta.url), 'bin', 'dhcp-event.js')

/** The container engine with its event stream, which live state listens to. */
export type WatchableRuntime = ContainerRuntime & Pick<DockerApi, 'events'>

export interface EngineOptions {
  readonly run?: Runner
  /** The container engine; live state (watch) needs its event stream too (DockerApi has one). */
  readonly containers: ContainerRuntime | WatchableRuntime
  readonly stateDir?: string
  /**
   * This engine is one machine of labs spread over machines (the helper a remote engine started over
   * ssh, told which host of the lab it is): it observes, plans and verifies that host's part only.
   */
  readonly machine?: string
}

export interface ApplyOutcome {
  readonly plan: Plan
  readonly result: ExecuteResult | null
  /** What an interrupted earlier run had left and was undone first. */
  readonly recovered?: { readonly undone: number; readonly failed: number } | null
  /** applyPlanned only: the machine had moved since, so nothing ran; `plan` is what it needs now. */
  readonly stale?: boolean
}

export interface AdoptOutcome {
  readonly adopt: AdoptPlan
  /** Null when there was nothing to mark. */
  readonly result: ExecuteResult | null
}

/** Two plans are the same when they would run the same commands in the same order. */
export const samePlan = (a: Plan, b: Plan): boolean =>
  a.ops.length === b.ops.length &&
  a.problems.length === b.problems.length &&
  a.ops.every((op, i) => {
    const other = b.ops[i]!
    return op.id === other.id && JSON.stringify(op.exec) === JSON.stringify(other.exec)
  })

export class Engine {
  readonly run: Runner
  readonly containers: ContainerRuntime | WatchableRuntime
  readonly stateDir: string
  readonly machine: string | undefined

  constructor(options: EngineOptions) {
    this.machine = options.machine
    this.run = options.run ?? new Runner()
    this.containers = options.containers
    // Absolute, so that the paths the planner writes into ops match what the journal accepts back.
    this.stateDir = resolve(options.stateDir ?? defaultStateDir())
  }

  /** Where the lab's simulated hosts live: a netns each, and an OVS instance under the state dir. */
  places(lab: Lab): Record<string, HostPlace> {
    const places: Record<string, HostPlace> = {}
    for (const [host, spec] of Object.entries(lab.hosts ?? {})) {
      if (!spec.netns) continue
      places[host] = simulatedHostPlace(lab.name, host, this.stateDir)
    }
    return places
  }

  async observe(lab: Lab): Promise<Observed> {
    const { netns: knownNetns, movedNics } = new StateFile(this.stateDir, lab.name).read()
    const observed = await observeLab(lab, {
      run: this.run,
      containers: this.containers,
      knownNetns,
      places: this.places(lab),
      dhcpDir: this.dhcp(lab).dir,
      capabilitiesFile: join(this.stateDir, 'capabilities.json'),
      ...(this.machine !== undefined ? { here: this.machine } : {}),
    })
    // Only NICs this state dir says the lab moved into guests may be given back (removals.ts).
    const hosts = Object.fromEntries(
      Object.entries(observed.hosts).map(([host, seen]) => [
        host,
        { ...seen, movedNics: movedNics.filter((m) => m.host === host) },
      ]),
    )
    return { hosts }
  }

  /** Where the lab's DHCP clients keep pid and lease files, and the event script they run. */
  dhcp(lab: Lab): DhcpPlace {
    return { dir: join(this.stateDir, 'dhcp', lab.name), script: DHCP_EVENT_SCRIPT }
  }

  async plan(lab: Lab): Promise<Plan> {
    return this.planFrom(lab, await this.observe(lab))
  }

  private planFrom(lab: Lab, observed: Observed): Plan {
    return planLab(lab, observed, {
      pipeworkLine: (link) => pipeworkLine(lab, link),
      ...this.planOptions(lab),
    })
  }

  /** Where the lab's hosts are, for the planner: simulated hosts' places, and which machine this is. */
  planOptions(lab: Lab): { places: Record<string, HostPlace>; dhcp: DhcpPlace; here?: string } {
    return {
      places: this.places(lab),
      dhcp: this.dhcp(lab),
      ...(this.machine !== undefined ? { here: this.machine } : {}),
    }
  }

  /** Why applies must stop (interrupt), once said; and the applies running now, to stop them. */
  private stopped: string | null = null
  private readonly applying = new Set<AbortController>()

  /**
   * Stops every apply of this engine, now and later: each finishes the step it is running, starts
   * no other, and rolls back what it did (journalled as ever). A machine's helper calls it when the
   * engine that started it goes away mid-apply (its ssh channel closed), so no half of a lab stays
   * on a machine nobody is applying to any more. Destroys are not stopped: they only take away.
   */
  interrupt(why: string): void {
    this.stopped ??= why
    for (const run of this.applying) run.abort(why)
  }

  /** Converges the machine to the lab. Nothing runs when the plan has problems. */
  /** One apply or destroy at a time per lab: a heal that fires during an apply waits for it. */
  private readonly running = new Map<string, Promise<unknown>>()

  private exclusive<T>(labName: string, work: () => Promise<T>): Promise<T> {
    const before = this.running.get(labName) ?? Promise.resolve()
    const next = before.catch(() => undefined).then(work)
    this.running.set(labName, next)
    return next.finally(() => {
      if (this.running.get(labName) === next) this.running.delete(labName)
    })
  }

  apply(lab: Lab, onOpDone?: (op: Op) => void): Promise<ApplyOutcome> {
    return this.exclusive(lab.name, () => this.applyNow(lab, onOpDone))
  }

  /**
   * Runs `shown`, the plan a user saw, only if the machine still needs exactly that: it is observed
   * again and re-planned, and when that plan differs nothing runs and the new plan comes back.
   */
  applyPlanned(lab: Lab, shown: Plan, onOpDone?: (op: Op) => void): Promise<ApplyOutcome> {
    return this.exclusive(lab.name, () => this.applyNow(lab, onOpDone, shown))
  }

  /**
   * Marks the parts of the machine that already are what the lab says as the lab's (planAdopt):
   * from then on apply repairs them and destroy removes them.
   */
  adopt(lab: Lab): Promise<AdoptOutcome> {
    return this.exclusive(lab.name, async () => {
      await this.recover(lab)
      const observed = await this.observe(lab)
      const local = observed.hosts[LOCAL_HOST]
      if (!local) throw new Error('this machine could not be observed')
      const adopt = planAdopt(lab, local)
      const result =
        adopt.ops.length > 0 ? await this.execute(lab, adopt.ops, undefined, runningPids(observed)) : null
      if (result === null || result.ok) this.remember(lab)
      return { adopt, result }
    })
  }

  destroy(lab: Lab, onOpDone?: (op: Op) => void): Promise<ApplyOutcome> {
    return this.exclusive(lab.name, () => this.destroyNow(lab, onOpDone))
  }

  private async applyNow(lab: Lab, onOpDone?: (op: Op) => void, shown?: Plan): Promise<ApplyOutcome> {
    const recovered = await this.recover(lab)
    const observed = await this.observe(lab)
    const plan = this.planFrom(lab, observed)
    if (shown && (recovered || !samePlan(shown, plan))) return { plan, result: null, recovered, stale: true }
    if (plan.problems.length > 0) return { plan, result: null, recovered }
    const run = new AbortController()
    if (this.stopped !== null) run.abort(this.stopped)
    this.applying.add(run)
    try {
      const result = await this.execute(lab, plan.ops, onOpDone, runningPids(observed), run.signal)
      if (result.ok) this.remember(lab)
      return { plan, result, recovered }
    } finally {
      this.applying.delete(run)
    }
  }

  private async destroyNow(lab: Lab, onOpDone?: (op: Op) => void): Promise<ApplyOutcome> {
    const recovered = await this.recover(lab)
    const plan = planDestroy(lab, await this.observe(lab), this.planOptions(lab))
    if (plan.problems.length > 0) return { plan, result: null, recovered }
    const result = await this.execute(lab, plan.ops, onOpDone)
    if (result.ok) {
      new StateFile(this.stateDir, lab.name).remove()
      // The simulated hosts' OVS databases and logs go with them.
      const places = Object.values(this.places(lab))
      for (const place of places) if (place.ovsDir) rmSync(place.ovsDir, { recursive: true, force: true })
      if (places[0]?.ovsDir) rmSync(dirname(places[0].ovsDir), { recursive: true, force: true })
      rmSync(this.dhcp(lab).dir, { recursive: true, force: true })
      // The pipework drop-in's record lists what this lab made; with it gone, so is the record
      // (else the next `patchbay pipework` would bring every destroyed link back).
      if (lab.name === PIPEWORK_LAB) rmSync(pipeworkLabPath(this.stateDir), { force: true })
    }
    return { plan, result, recovered }
  }

  /**
   * How many steps a run killed midway left to undo (its journal), which the next apply or destroy
   * undoes first; 0 when none. Only looks: nothing is made, not even the state dir.
   */
  interruptedSteps(lab: Lab): number {
    if (!existsSync(join(this.stateDir, `${lab.name}.journal.jsonl`))) return 0
    return new Journal(this.stateDir, lab.name).leftovers().length
  }

  /** A run killed midway left its journal: undo what it started before planning anew. */
  private async recover(lab: Lab): Promise<{ undone: number; failed: number } | null> {
    const journal = new Journal(this.stateDir, lab.name)
    if (journal.leftovers().length === 0) {
      journal.close()
      return null
    }
    return recoverJournal(journal, { run: this.run, containers: this.containers })
  }

  private async execute(
    lab: Lab,
    ops: readonly Op[],
    onOpDone?: (op: Op) => void,
    pids?: ReadonlyMap<string, ObservedPid>,
    signal?: AbortSignal,
  ): Promise<ExecuteResult> {
    const journal = new Journal(this.stateDir, lab.name)
    mkdirSync(this.dhcp(lab).dir, { recursive: true })
    const result = await executePlan(ops, {
      run: this.run,
      containers: this.containers,
      journal,
      ...(onOpDone ? { onOpDone } : {}),
      ...(pids ? { pids } : {}),
      ...(signal ? { signal } : {}),
    })
    if (result.ok || result.rollbackErrors.length === 0) journal.close()
    return result
  }

  /**
   * Records the netns guests this lab made, so a later apply still finds them when the lab drops
   * them, and the NICs it moved into guests, the only ones a later run may move back.
   */
  private remember(lab: Lab): void {
    const made = Object.entries(lab.nodes)
      .filter(([, n]) => n.kind === 'netns')
      .map(([name]) => name)
    const ids = linkIds(lab.links ?? [])
    const movedNics = (lab.links ?? []).flatMap((link, i) => {
      const uplink = isGuestLink(link) && link.directPhys ? lab.nodes[link.to] : undefined
      const guest = isGuestLink(link) ? lab.nodes[link.guest] : undefined
      return uplink?.kind === 'uplink' && uplink.interface && guest
        ? [{ host: nodeHost(guest), linkId: ids[i]!, nic: uplink.interface }]
        : []
    })
    const state = new StateFile(this.stateDir, lab.name)
    const earlier = state.read().netns
    state.write({
      lab: lab.name,
      netns: [...new Set([...earlier.filter((n) => made.includes(n)), ...made])].sort(),
      movedNics,
    })
  }

  /**
   * The lab's live state on this machine, as events (not yet started). The one place a watcher is
   * made, so its heals take this engine's per-lab lock like every apply of this process.
   */
  watch(lab: Lab, options: WatchOptions = {}): LabWatcher {
    if (!('events' in this.containers))
      throw new Error('live state needs a container runtime with an event stream (Docker events)')
    return new LabWatcher(this, lab, this.containers, options)
  }
}

/** Pids of the running containers an observation saw, by Docker name: apply need not ask again. */
function runningPids(observed: Observed): Map<string, ObservedPid> {
  const pids = new Map<string, ObservedPid>()
  for (const host of Object.values(observed.hosts))
    for (const guest of Object.values(host.guests))
      if (guest.container && guest.netns?.kind === 'pid')
        pids.set(guest.container, { pid: guest.netns.pid, started: guest.netns.started ?? null })
  return pids
}
