// Every process patchbay starts goes through here: an argv array, never a shell string, and a
// record of what ran so tests (and `plan`) can show exactly which commands touched the machine.
import { spawn } from 'node:child_process'

export interface CommandRecord {
  readonly argv: readonly string[]
  readonly exitCode: number | null
  readonly durationMs: number
  /** performance.now() at its start: lets the bench say where an apply's time went. */
  readonly startedMs: number
  readonly stderr: string
}

export interface RunResult {
  readonly stdout: string
  readonly stderr: string
  readonly exitCode: number
}

/** A command that failed, with the tool's own error text. */
export class CommandFailed extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`${argv.join(' ')} failed (exit ${exitCode ?? 'signal'}): ${stderr.trim() || '(no error output)'}`)
  }
}

export interface RunOptions {
  /** Text for the process's standard input (e.g. an `ip -batch -` script). */
  readonly input?: string
  /** Resolve with the exit code instead of throwing CommandFailed. */
  readonly allowFailure?: boolean
  readonly timeoutMs?: number
}

/** Every command any Runner in this process started, oldest first (tests assert on it). */
export const processCommandLog: CommandRecord[] = []

export class Runner {
  readonly log: CommandRecord[] = []

  async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const [file, ...args] = argv
    if (file === undefined) throw new Error('an empty command line')
    const started = performance.now()
    const result = await spawnAndWait(file, args, options)
    const record = {
      argv: [...argv],
      exitCode: result.exitCode,
      durationMs: performance.now() - started,
      startedMs: started,
      stderr: result.stderr,
    }
    this.log.push(record)
    processCommandLog.push(record)
    if (result.exitCode !== 0 && !options.allowFailure)
      throw new CommandFailed(argv, result.exitCode, result.stderr)
    return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode ?? -1 }
  }
}

/**
 * node:child_process directly, not execa: an apply starts hundreds of short processes, and execa's
 * extra work per process cost a third more than the spawn itself (measured by `npm run bench`).
 */
function spawnAndWait(
  file: string,
  args: readonly string[],
  options: RunOptions,
): Promise<{ stdout: string; stderr: string; exitCode: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      shell: false,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 30_000,
    })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk))
    let failedToStart: Error | null = null
    child.on('error', (e) => {
      failedToStart = e
    })
    // A tool that exits before reading all of its input must not crash the engine with EPIPE.
    child.stdin?.on('error', () => {})
    child.stdin?.end(options.input)
    child.on('close', (code, signal) => {
      const text = (chunks: Buffer[]) =>
        Buffer.concat(chunks)
          .toString('utf8')
          .replace(/\r?\n$/, '')
      const err = text(stderr)
      resolve({
        stdout: text(stdout),
        stderr: failedToStart ? `${failedToStart.message}${err ? `\n${err}` : ''}` : err,
        exitCode: failedToStart || signal ? null : code,
      })
    })
  })
}
