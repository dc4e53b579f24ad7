// Runs a plan: phase by phase, each phase's batches in parallel, every finished op journalled. When
// a step fails, the inverses of what was done run in reverse order, and the failing step is reported
// with the tool's own words.
import { execArgv, ipPrefix, type Op, type OpExec, ovsPrefix } from '../../../shared/plan/op.ts'
import type { ContainerRuntime } from '../drivers/container-runtime.ts'
import { batchScript, checkExecWords } from '../exec/batch-line.ts'
import { batchMessage, failedBatchLine } from '../exec/ip-batch.ts'
import { runInNamespaces } from '../exec/many-netns.ts'
import { checkSameProcess, type ObservedPid, processStartTime } from '../exec/pid-check.ts'
import { CommandFailed, type Runner } from '../exec/runner.ts'
import { type Batch, batchesOf, phasesOf } from './batches.ts'
import type { Journal } from './journal.ts'

export interface ExecuteDeps {
  readonly run: Runner
  readonly containers: ContainerRuntime
  readonly journal?: Journal
  /** Called as each op finishes, for progress in the CLI and the editor. */
  readonly onOpDone?: (op: Op) => void
  /** Pids of running containers (by Docker name) the plan's observation saw, so as not to ask again. */
  readonly pids?: ReadonlyMap<string, ObservedPid>
  /**
   * Stops the run between steps: what is running finishes, nothing more starts, and what was done
   * is rolled back (a machine's helper whose caller went away mid-apply, engine.ts interrupt).
   */
  readonly signal?: AbortSignal
}

export interface ExecuteResult {
  readonly ok: boolean
  readonly done: readonly Op[]
  readonly failed?: { readonly op: Op; readonly error: string }
  readonly rolledBack: readonly Op[]
  readonly rollbackErrors: readonly string[]
}

class StepFailed extends Error {
  constructor(
    readonly op: Op,
    readonly detail: string,
  ) {
    super(`${op.id}: ${detail}`)
  }
}

export async function executePlan(ops: readonly Op[], deps: ExecuteDeps): Promise<ExecuteResult> {
  const done: Op[] = []
  const unsafe = refusedOp(ops)
  if (unsafe) return { ok: false, done, failed: unsafe, rolledBack: [], rollbackErrors: [] }
  const pids = new PidCache(deps.containers, deps.pids)
  const finish = (op: Op) => {
    done.push(op)
    deps.journal?.record(op)
    deps.onOpDone?.(op)
    pauseForTests(done.length)
  }
  try {
    for (const phase of phasesOf(ops)) {
      stopIfAborted(phase[0]!, deps.signal)
      // Written ahead: a kill during this phase leaves every op of it in the journal to undo.
      deps.journal?.started(phase)
      const batches = batchesOf(phase)
      const inGuests = batches.filter(isGuestBatch)
      const together = inGuests.length >= MANY_GUESTS
      const docker = limiter(DOCKER_CALLS_AT_ONCE)
      const results = await Promise.allSettled([
        ...(together ? [runGuestBatches(inGuests, deps, pids, finish)] : []),
        ...batches
          .filter((batch) => !together || !isGuestBatch(batch))
          .map((batch) =>
            batch.tool === 'docker'
              ? docker(() => runBatch(batch, deps, pids, finish))
              : runBatch(batch, deps, pids, finish),
          ),
      ])
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
      if (failure) throw failure.reason
      // Containers made or started in this phase have new pids: later phases look them up afresh.
      if (phase.some((op) => op.exec.tool === 'docker')) pids.clear()
    }
    return { ok: true, done, rolledBack: [], rollbackErrors: [] }
  } catch (e) {
    const failed =
      e instanceof StepFailed ? { op: e.op, error: e.detail } : { op: ops[0]!, error: (e as Error).message }
    const rollback = await rollBack(done, deps, pids)
    return { ok: false, done, failed, ...rollback }
  }
}

/** Before a step starts: an aborted run fails there, without running it. */
function stopIfAborted(op: Op, signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new StepFailed(op, `not run: ${String(signal.reason ?? 'the run was stopped')}`)
}

/** The first op (or its undo) whose words could say more than the op: then nothing runs at all. */
function refusedOp(ops: readonly Op[]): { op: Op; error: string } | null {
  for (const op of ops) {
    try {
      checkExecWords(op.exec)
      if (op.inverse) checkExecWords(op.inverse)
    } catch (e) {
      return { op, error: (e as Error).message }
    }
  }
  return null
}

/**
 * Docker calls of one phase in flight at once. A hundred forced removals at once left dockerd
 * unanswering on a two-core machine (seen while benchmarking); a few at a time is as fast.
 */
const DOCKER_CALLS_AT_ONCE = 8

/** Runs the functions it is given with at most `n` of them unfinished at any time. */
function limiter(n: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0
  const waiting: (() => void)[] = []
  return async (work) => {
    if (running >= n) await new Promise<void>((go) => waiting.push(go))
    else running += 1
    try {
      return await work()
    } finally {
      const next = waiting.shift()
      if (next) next()
      else running -= 1
    }
  }
}

type GuestBatch = Extract<Batch, { tool: 'ip' }> & {
  readonly target: { readonly kind: 'netns' | 'container' }
}
const isGuestBatch = (batch: Batch): batch is GuestBatch =>
  batch.tool === 'ip' && batch.target.kind !== 'host'

/** From this many guests' batches in one phase on, they run through a few processes (many-netns.ts). */
const MANY_GUESTS = 4

/**
 * Every guest's `ip -batch` of a phase through one process per core. What did not run, or failed,
 * then runs again the ordinary way, one batch per guest, which names the failing step exactly.
 */
async function runGuestBatches(
  batches: readonly GuestBatch[],
  deps: ExecuteDeps,
  pids: PidCache,
  finish: (op: Op) => void,
): Promise<void> {
  const prepared = await Promise.all(
    batches.map(async (batch) => ({
      ns: batch.target.kind === 'netns' ? { name: batch.target.name } : await pids.process(batch.target.name),
      lines: await Promise.all(batch.ops.map((op) => resolve(execOf(op, 'ip').line, pids))),
    })),
  )
  const result = await runInNamespaces(deps.run, prepared)
  const rest: GuestBatch[] = []
  batches.forEach((batch, i) => {
    const done = result.outputs[i] ? batch.ops.length : result.linesDone[i]!
    for (const op of batch.ops.slice(0, done)) finish(op)
    if (done < batch.ops.length) rest.push({ ...batch, ops: batch.ops.slice(done) })
  })
  const settled = await Promise.allSettled(rest.map((batch) => runBatch(batch, deps, pids, finish)))
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failure) throw failure.reason
}

async function runBatch(
  batch: Batch,
  deps: ExecuteDeps,
  pids: PidCache,
  finish: (op: Op) => void,
): Promise<void> {
  if (batch.tool === 'docker') return runDocker(batch.ops[0], deps, finish)
  if (batch.tool === 'cmd') {
    for (const op of batch.ops) {
      stopIfAborted(op, deps.signal)
      try {
        await deps.run.run(await resolve(execOf(op, 'cmd').argv, pids))
      } catch (e) {
        throw new StepFailed(op, e instanceof CommandFailed ? e.message : (e as Error).message)
      }
      finish(op)
    }
    return
  }
  if (batch.tool === 'ovs-vsctl') {
    // One transaction: OVS applies all clauses or none, so on failure no op of it is done.
    const argv = [
      ...ovsPrefix(batch.db),
      '--timeout=30',
      ...batch.ops.flatMap((op) => ['--', ...execOf(op, 'ovs-vsctl').clause]),
    ]
    try {
      await deps.run.run(argv)
    } catch (e) {
      throw new StepFailed(batch.ops[0]!, e instanceof CommandFailed ? e.stderr.trim() : (e as Error).message)
    }
    for (const op of batch.ops) finish(op)
    return
  }
  // ip and bridge share the batch format: one command per line, the first failing one named.
  const prefix =
    batch.tool === 'bridge'
      ? batch.netns
        ? ['bridge', '-n', batch.netns]
        : ['bridge']
      : await resolve(ipPrefix(batch.target), pids)
  let ops = batch.ops
  while (ops.length > 0) {
    const lines = await Promise.all(
      ops.map((op) => resolve(op.exec.tool === 'bridge' ? op.exec.line : execOf(op, 'ip').line, pids)),
    )
    const script =
      batch.tool === 'ip' ? await deletingAsGroup(ops, lines, prefix, deps.run) : ops.map(oneLine(lines))
    const result = await deps.run.run([...prefix, '-batch', '-'], {
      input: batchScript(script.map((l) => l.line)),
      allowFailure: true,
    })
    if (result.exitCode === 0) {
      for (const op of ops) finish(op)
      return
    }
    // ip stops at the first failing line and names it ("Command failed -:N"): the lines before it ran.
    const failedLine = failedBatchLine(result.stderr)
    const finished = new Set(script.slice(0, failedLine - 1).flatMap((l) => l.completes))
    for (const op of finished) finish(op)
    const op = script[failedLine - 1]?.owner ?? ops[0]!
    const message = batchMessage(result.stderr)
    // Deleting what is already gone (a tunnel that went with its underlay NIC) is what was asked.
    if (op.effect === 'remove' && /Cannot find device/.test(message)) {
      finish(op)
      ops = ops.filter((o) => o !== op && !finished.has(o))
      continue
    }
    throw new StepFailed(op, `${execArgv(op.exec).join(' ')}: ${message || `exit ${result.exitCode}`}`)
  }
}

/** A line of a batch script, the op it belongs to, and the ops that are done once it ran. */
interface ScriptLine {
  readonly line: readonly string[]
  readonly owner: Op
  readonly completes: readonly Op[]
}

const oneLine =
  (lines: readonly string[][]) =>
  (op: Op, i: number): ScriptLine => ({ line: lines[i]!, owner: op, completes: [op] })

/** From this many device deletions on, a batch deletes them as one group. */
const GROUP_DELETE_MIN = 3

/**
 * The kernel waits for a grace period after each device it deletes (about 25 ms here), so 100
 * `link del` lines take 2.5 s. Put into one unused device group and deleted with `link del group`,
 * they go in one unregistration: 40 ms. The group is checked to be empty first, so nothing that
 * is not the lab's can be in it.
 */
async function deletingAsGroup(
  ops: readonly Op[],
  lines: readonly string[][],
  prefix: readonly string[],
  run: Runner,
): Promise<ScriptLine[]> {
  const isDelete = (i: number) => lines[i]![0] === 'link' && lines[i]![1] === 'del' && lines[i]!.length === 3
  const deletes = ops.filter((_, i) => isDelete(i))
  if (deletes.length < GROUP_DELETE_MIN) return ops.map(oneLine(lines))
  const group = await unusedGroup(prefix, run)
  if (group === null) return ops.map(oneLine(lines))
  const script: ScriptLine[] = ops.map((op, i) =>
    isDelete(i)
      ? { line: ['link', 'set', 'dev', lines[i]![2]!, 'group', group], owner: op, completes: [] }
      : { line: lines[i]!, owner: op, completes: [op] },
  )
  script.push({ line: ['link', 'del', 'group', group], owner: deletes[0]!, completes: deletes })
  return script
}

async function unusedGroup(prefix: readonly string[], run: Runner): Promise<string | null> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const group = String(0x10000000 + Math.floor(Math.random() * 0x6fffffff))
    const seen = await run.run([...prefix, '-o', 'link', 'show', 'group', group], { allowFailure: true })
    if (seen.exitCode === 0 && seen.stdout.trim() === '') return group
  }
  return null
}

async function runDocker(op: Op, deps: ExecuteDeps, finish: (op: Op) => void): Promise<void> {
  const call = execOf(op, 'docker').call
  try {
    if (call.kind === 'create') {
      await deps.containers.create({
        name: call.name,
        image: call.image,
        command: [...call.command],
        labels: { ...call.labels },
      })
    } else if (call.kind === 'start') await deps.containers.start(call.name)
    else await deps.containers.remove(call.name)
  } catch (e) {
    throw new StepFailed(op, (e as Error).message)
  }
  finish(op)
}

function execOf<T extends OpExec['tool']>(op: Op, tool: T): Extract<OpExec, { tool: T }> {
  if (op.exec.tool !== tool) throw new Error(`${op.id} runs with ${op.exec.tool}, not ${tool}`)
  return op.exec as Extract<OpExec, { tool: T }>
}

/**
 * Container pids, looked up when an op needs one: a container made a phase ago has one now. Each
 * use checks that the pid is still the process it was when seen (pid-check.ts).
 */
class PidCache {
  private readonly pids = new Map<string, Promise<ObservedPid>>()
  constructor(
    private readonly containers: ContainerRuntime,
    known: ReadonlyMap<string, ObservedPid> = new Map(),
  ) {
    for (const [name, pid] of known) this.pids.set(name, Promise.resolve(pid))
  }

  /** The pid with its start time, for runInNamespaces to hold its namespace. */
  async process(name: string): Promise<ObservedPid> {
    let seen = this.pids.get(name)
    if (!seen) {
      seen = this.containers.inspect(name).then((state) => {
        if (!state?.running || state.pid <= 0) throw new Error(`container ${name} is not running`)
        return { pid: state.pid, started: processStartTime(state.pid) }
      })
      this.pids.set(name, seen)
    }
    return seen
  }

  /** The pid, right before a command that enters it starts. */
  async get(name: string): Promise<number> {
    const seen = await this.process(name)
    try {
      checkSameProcess(seen)
    } catch (e) {
      throw new Error(`container ${name}: ${(e as Error).message}`)
    }
    return seen.pid
  }

  clear(): void {
    this.pids.clear()
  }
}

async function resolve(argv: readonly string[], pids: PidCache): Promise<string[]> {
  return Promise.all(
    argv.map(async (arg) => {
      const match = /^\{pid:([^}]+)\}$/.exec(arg)
      return match ? String(await pids.get(match[1]!)) : arg
    }),
  )
}

/** Undo in reverse order; an undo that fails is reported and the rest still run. */
async function rollBack(done: readonly Op[], deps: ExecuteDeps, pids: PidCache) {
  const rolledBack: Op[] = []
  const rollbackErrors: string[] = []
  pids.clear()
  for (const op of [...done].reverse()) {
    if (!op.inverse) continue
    const undo: Op = { ...op, id: `undo:${op.id}`, exec: op.inverse, inverse: null }
    try {
      await runBatch(
        batchesOf([undo])[0]!,
        { ...deps, journal: undefined, onOpDone: undefined, signal: undefined },
        pids,
        () => {},
      )
      rolledBack.push(op)
      deps.journal?.undone(op)
    } catch (e) {
      rollbackErrors.push((e as Error).message)
    }
  }
  return { rolledBack, rollbackErrors }
}

/**
 * Test hook, for the crash-safety tests only: PATCHBAY_TEST_PAUSE_AFTER_OPS=N freezes the whole
 * process after its Nth op, so that a test can kill -9 it at a known point.
 */
function pauseForTests(doneCount: number): void {
  const pauseAfter = Number(process.env.PATCHBAY_TEST_PAUSE_AFTER_OPS ?? 0)
  if (pauseAfter > 0 && doneCount === pauseAfter) {
    process.stderr.write(`paused after op ${doneCount}\n`)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000)
  }
}

/** Undoes what an interrupted run left in the journal (best effort), then closes it. */
export async function recoverJournal(
  journal: Journal,
  deps: Omit<ExecuteDeps, 'journal'>,
): Promise<{ undone: number; failed: number }> {
  const pids = new PidCache(deps.containers)
  let undone = 0
  let failed = 0
  for (const op of journal.leftovers()) {
    try {
      await runBatch(batchesOf([op])[0]!, { ...deps, onOpDone: undefined }, pids, () => {})
      undone += 1
    } catch {
      failed += 1 // most often: the op never got as far as making what its inverse removes
    }
  }
  journal.close()
  return { undone, failed }
}
