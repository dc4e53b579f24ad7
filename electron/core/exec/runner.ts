// Every process patchbay starts goes through here: an argv array, never a shell string, and a
// record of what ran so tests (and `plan`) can show exactly which commands touched the machine.
import { execa } from 'execa'

export interface CommandRecord {
  readonly argv: readonly string[]
  readonly exitCode: number | null
  readonly durationMs: number
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
    const result = await execa(file, args, {
      shell: false,
      reject: false,
      stripFinalNewline: true,
      timeout: options.timeoutMs ?? 30_000,
      ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' as const }),
    })
    const exitCode = result.exitCode ?? null
    this.log.push({
      argv: [...argv],
      exitCode,
      durationMs: performance.now() - started,
      stderr: String(result.stderr),
    })
    if (exitCode !== 0 && !options.allowFailure)
      throw new CommandFailed(argv, exitCode, String(result.stderr))
    return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: exitCode ?? -1 }
  }
}
