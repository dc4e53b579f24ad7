// The apply journal, written ahead: every op is recorded with its inverse *before* its batch runs,
// and again once it is done. After a crash (kill -9 mid-apply) the next apply or destroy finds the
// file and undoes every op that was started, newest first; an undo of something that never came
// to be simply fails quietly. Then it plans afresh from what the machine really has.
//
// The file's undo steps run as root, so it is read back as hostile input: it must sit in a safe
// state dir, and each entry must be an undo step the planner could have written — ip, bridge and
// ovs-vsctl clauses of plain words, a Docker call by name, or one of the two commands of its own
// that undo something (deleting a netns, stopping an OVS daemon of this state dir). Anything else
// is skipped, with the line number, and never run.
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { isNodeName } from '../../../shared/lab/names.ts'
import type { Op, OpExec } from '../../../shared/plan/op.ts'
import { unsafeBatchWord } from '../exec/batch-line.ts'
import { checkStateDir } from './state-dir.ts'

type Entry =
  | { readonly start: string; readonly host: string; readonly inverse: OpExec | null }
  | { readonly done: string }
  | { readonly undone: string }

/** A word of an undo line: plain, and never an option (no undo patchbay writes has one there). */
const Word = z.string().refine((w) => unsafeBatchWord(w) === null && !w.startsWith('-'), 'not a plain word')
const Words = z.array(Word).min(1).max(64)
/** An undo clause of ovs-vsctl is one clause; its only option is --if-exists. */
const OvsWord = z
  .string()
  .refine(
    (w) => unsafeBatchWord(w) === null && (!w.startsWith('-') || w === '--if-exists'),
    'not a plain word',
  )
const Name = z.string().refine(isNodeName, 'not a name')
const DockerName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/)

const IpTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('host'), netns: Name.optional() }).strict(),
  z.object({ kind: z.literal('netns'), name: Name }).strict(),
  z.object({ kind: z.literal('container'), name: DockerName }).strict(),
])

/** The undo steps a journal may hold; `stateDir` bounds the paths of OVS sockets. */
function inverseSchema(stateDir: string) {
  const inStateDir = (path: string) =>
    path.startsWith(`${join(stateDir, 'ovs')}/`) && !path.includes('/../') && unsafeBatchWord(path) === null
  const ovsControl = z.string().refine((p) => inStateDir(p) && /\/(sw|db)\.ctl$/.test(p))
  const ovsDb = z.string().refine((p) => inStateDir(p) && p.endsWith('/db.sock'))
  return z.discriminatedUnion('tool', [
    z.object({ tool: z.literal('ip'), target: IpTarget, line: Words }).strict(),
    z.object({ tool: z.literal('bridge'), netns: Name.optional(), line: Words }).strict(),
    z
      .object({
        tool: z.literal('ovs-vsctl'),
        db: ovsDb.optional(),
        clause: z.array(OvsWord).min(1).max(64),
      })
      .strict(),
    z
      .object({
        tool: z.literal('cmd'),
        argv: z.union([
          z.tuple([z.literal('ip'), z.literal('netns'), z.literal('del'), Name]),
          z.tuple([z.literal('ovs-appctl'), z.literal('-t'), ovsControl, z.literal('exit')]),
        ]),
      })
      .strict(),
    z
      .object({
        tool: z.literal('docker'),
        call: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('start'), name: DockerName }).strict(),
          z.object({ kind: z.literal('remove'), name: DockerName }).strict(),
        ]),
      })
      .strict(),
  ])
}

const OpId = z.string().min(1).max(512)

function entrySchema(stateDir: string) {
  return z.union([
    z
      .object({
        start: OpId,
        host: z.union([z.literal('local'), Name]),
        inverse: inverseSchema(stateDir).nullable(),
      })
      .strict(),
    z.object({ done: OpId }).strict(),
    z.object({ undone: OpId }).strict(),
  ])
}

export class Journal {
  readonly path: string
  /** Lines of the file that were not undo steps patchbay writes, with why; never run. */
  readonly refused: string[] = []

  constructor(
    private readonly stateDir: string,
    labName: string,
  ) {
    checkStateDir(stateDir, { create: true })
    this.path = join(stateDir, `${labName}.journal.jsonl`)
  }

  private write(entries: readonly Entry[]): void {
    if (entries.length > 0)
      appendFileSync(this.path, entries.map((e) => `${JSON.stringify(e)}\n`).join(''), { mode: 0o600 })
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
    const schema = entrySchema(this.stateDir)
    const started = new Map<string, { host: string; inverse: OpExec | null }>()
    this.refused.length = 0
    readFileSync(this.path, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (!line.trim()) return
        let json: unknown
        try {
          json = JSON.parse(line)
        } catch {
          return // the last line of a killed process may be cut short
        }
        const entry = schema.safeParse(json)
        if (!entry.success) {
          this.refused.push(`${this.path}:${i + 1}: not an undo step patchbay writes; ignored`)
          return
        }
        const e = entry.data
        if ('start' in e) started.set(e.start, { host: e.host, inverse: e.inverse as OpExec | null })
        else if ('undone' in e) started.delete(e.undone)
      })
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
