// Many namespaces, few processes. Starting a process from Node costs about 2 ms of a core, and an
// apply or a look at a lab of 100 guests needs an `ip -batch` in each of their namespaces. Here one
// `ip -batch` per core runs `netns exec <ns> ip -batch <file>` line after line: iproute2 forks the
// per-namespace `ip` itself, at a fraction of that cost. A container's namespace gets a name for the
// moment, as pipework gives it one: a symlink in /run/netns (not a bind mount, so it never keeps a
// namespace alive), removed afterwards. It points at the namespace held open by this process
// (pid-check.ts), not at /proc/<pid>/ns/net, whose pid may be another process's by the time ip runs.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { batchLine, batchScript, unsafeBatchWord } from './batch-line.ts'
import { batchMessage, failedBatchLine } from './ip-batch.ts'
import { holdProcessNetns, type ObservedPid } from './pid-check.ts'
import type { Runner } from './runner.ts'

/** A named netns, or the netns of a process (a container's, by its pid and observed start time). */
export type NsRef = { readonly name: string } | ObservedPid

export interface NsBatch {
  readonly ns: NsRef
  /** `ip` batch commands, as words; in read mode each must print exactly one line (use -j). */
  readonly lines: readonly (readonly string[])[]
}

export interface ManyResult {
  /** Per batch, in order: its output lines once it ran to its end, else null. */
  readonly outputs: readonly (readonly string[] | null)[]
  /** Per batch: how many of its lines ran without error (all of them when its output is there). */
  readonly linesDone: readonly number[]
  /** The first failing batch of each process, with the tool's words. */
  readonly failures: readonly { readonly batch: number; readonly message: string }[]
}

const NETNS_DIR = '/run/netns'
const TEMP_PREFIX = '.patchbay-'
let sequence = 0

/** Our own momentary names in /run/netns, which `observe` must not take for guests. */
export const isTemporaryNetns = (name: string): boolean => name.startsWith(TEMP_PREFIX)

export async function runInNamespaces(
  run: Runner,
  batches: readonly NsBatch[],
  options: { readonly ipOptions?: readonly string[] } = {},
): Promise<ManyResult> {
  const outputs: (string[] | null)[] = batches.map(() => null)
  const linesDone = batches.map(() => 0)
  const failures: { batch: number; message: string }[] = []
  if (batches.length === 0) return { outputs, linesDone, failures }
  removeStaleNames()
  // The files are named on ip's batch lines, which split at blanks: a TMPDIR with one will not do.
  const dir = mkdtempSync(join(unsafeBatchWord(tmpdir()) === null ? tmpdir() : '/tmp', 'patchbay-ns-'))
  const named: string[] = []
  const held: { close(): void }[] = []
  try {
    /** The batches that run (a container whose pid is no longer its own does not), in order. */
    const runnable: number[] = []
    const commands: string[] = []
    batches.forEach((batch, i) => {
      const file = join(dir, `${i}.batch`)
      writeFileSync(file, batchScript(batch.lines))
      let name: string
      if ('name' in batch.ns) name = batch.ns.name
      else {
        let ns: ReturnType<typeof holdProcessNetns>
        try {
          ns = holdProcessNetns(batch.ns)
        } catch (e) {
          failures.push({ batch: i, message: (e as Error).message })
          return
        }
        held.push(ns)
        sequence += 1
        name = `${TEMP_PREFIX}${process.pid}-${sequence}`
        mkdirSync(NETNS_DIR, { recursive: true })
        symlinkSync(ns.path, join(NETNS_DIR, name))
        named.push(name)
      }
      runnable.push(i)
      commands.push(batchLine(['netns', 'exec', name, 'ip', ...(options.ipOptions ?? []), '-batch', file]))
    })
    const processes = Math.max(1, Math.min(availableParallelism(), 4, commands.length))
    const size = Math.ceil(commands.length / processes)
    await Promise.all(
      Array.from({ length: processes }, async (_, p) => {
        const first = p * size
        const mine = commands.slice(first, first + size)
        if (mine.length === 0) return
        const result = await run.run(['ip', '-batch', '-'], {
          input: `${mine.join('\n')}\n`,
          allowFailure: true,
        })
        const out = result.stdout.split('\n').filter((line) => line.trim() !== '')
        // The parent stops at the first failing line and names it; the ones before it ran whole.
        const failedAt = result.exitCode === 0 ? mine.length + 1 : failedBatchLine(result.stderr)
        let offset = 0
        for (let k = 0; k < failedAt - 1; k++) {
          const i = runnable[first + k]!
          const count = batches[i]!.lines.length
          outputs[i] = out.slice(offset, offset + count)
          linesDone[i] = count
          offset += count
        }
        if (result.exitCode !== 0) {
          const i = runnable[first + failedAt - 1]!
          // How far its own batch got: its file names the failing line (none: it never started).
          linesDone[i] = failedBatchLine(result.stderr, join(dir, `${i}.batch`)) - 1
          failures.push({ batch: i, message: batchMessage(result.stderr) })
        }
      }),
    )
  } finally {
    for (const name of named) unlinkSync(join(NETNS_DIR, name))
    for (const ns of held) ns.close()
    rmSync(dir, { recursive: true, force: true })
  }
  return { outputs, linesDone, failures }
}

/** Names a killed patchbay left in /run/netns: symlinks only, removed when their process is gone. */
function removeStaleNames(): void {
  let names: string[]
  try {
    names = readdirSync(NETNS_DIR)
  } catch {
    return
  }
  for (const name of names) {
    const owner = Number(/^\.patchbay-(\d+)-\d+$/.exec(name)?.[1] ?? Number.NaN)
    if (Number.isNaN(owner) || owner === process.pid || alive(owner)) continue
    try {
      unlinkSync(join(NETNS_DIR, name))
    } catch {
      // another patchbay removed it first
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
