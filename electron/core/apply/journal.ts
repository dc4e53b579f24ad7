// The apply journal, written ahead: every op is recorded with its inverse *before* its batch runs,
// and again once it is done. After a crash (kill -9 mid-apply) the next apply or destroy finds the
// file and undoes every op that was started, newest first; an undo of something that never came
// to be simply fails quietly. Then it plans afresh from what the machine really has.
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Op, OpExec } from '../../../shared/plan/op.ts'

type Entry =
  | { readonly start: string; readonly host: string; readonly inverse: OpExec | null }
  | { readonly done: string }
  | { readonly undone: string }

export class Journal {
  readonly path: string

  constructor(stateDir: string, labName: string) {
    mkdirSync(stateDir, { recursive: true })
    this.path = join(stateDir, `${labName}.journal.jsonl`)
  }

  private write(entries: readonly Entry[]): void {
    if (entries.length > 0) appendFileSync(this.path, entries.map((e) => `${JSON.stringify(e)}\n`).join(''))
  }

  started(ops: readonly Op[]): void {
    this.write(ops.map((op) => ({ start: op.id, host: op.host, inverse: op.inverse })))
  }

  record(op: Op): void {
    this.write([{ done: op.id }])
  }

  undone(op: Op): void {
    this.write([{ undone: op.id }])
  }

  /** Ops an interrupted run started and did not undo, newest first, as undo ops. */
  leftovers(): Op[] {
    if (!existsSync(this.path)) return []
    const started = new Map<string, { host: string; inverse: OpExec | null }>()
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (!line.trim()) continue
      let entry: Entry
      try {
        entry = JSON.parse(line) as Entry
      } catch {
        continue // the last line of a killed process may be cut short
      }
      if ('start' in entry) started.set(entry.start, { host: entry.host, inverse: entry.inverse })
      else if ('undone' in entry) started.delete(entry.undone)
    }
    return [...started.entries()]
      .reverse()
      .filter(([, s]) => s.inverse !== null)
      .map(([id, s]) => ({
        id: `recover:${id}`,
        host: s.host,
        phase: 0 as const,
        action: 'guest.configure',
        // What the undo takes back is not recorded, only its command: a change to the machine.
        effect: 'change',
        exec: s.inverse!,
        inverse: null,
        pipework: null,
        why: `undo ${id}, left by an interrupted run`,
      }))
  }

  /** Nothing to recover any more. */
  close(): void {
    rmSync(this.path, { force: true })
  }
}
