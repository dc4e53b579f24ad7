// A terminal on a lab's guest: a pty (node-pty) running the guest's own shell in its namespaces —
// a netns guest by `ip netns exec NAME /bin/sh`, a container by nsenter into all its namespaces
// (its files, hostname, processes, network) held open after its pid's start time was checked.
// argv arrays only. close() hangs the terminal up; the shell and nsenter end with it.
import type * as NodePty from '@lydell/node-pty'
import type { Lab } from '../../shared/lab/schema.ts'
import { ServiceError } from './calls.ts'
import { enterTarget } from './capture.ts'
import type { Engine } from './engine.ts'
import { enterNamespace } from './exec/enter.ts'
import { guestNamespace } from './port-locator.ts'

export interface ShellSize {
  readonly cols: number
  readonly rows: number
}

export interface ShellExit {
  readonly exitCode: number
  readonly signal: number | null
}

export interface Shell {
  readonly node: string
  /** The command the pty runs. */
  readonly argv: readonly string[]
  /** The pty's process (ip netns exec's /bin/sh, or nsenter). */
  readonly pid: number
  onData(listener: (data: string) => void): void
  write(data: string): void
  resize(size: ShellSize): void
  /** Hangs up (SIGHUP), then SIGKILL after a second; safe to call more than once. */
  close(): void
  readonly exited: Promise<ShellExit>
}

/** A terminal between these sizes; anything else is refused as bad input. */
export function checkShellSize(size: ShellSize): void {
  const ok = (n: number, max: number) => Number.isInteger(n) && n >= 2 && n <= max
  if (!ok(size.cols, 1000) || !ok(size.rows, 500))
    throw new ServiceError(
      'invalid',
      `size: ${size.cols}x${size.rows} is not a terminal size (2-1000 columns, 2-500 rows)`,
    )
}

/**
 * The environment of the guest's shell: nothing of the server's own (its token, its paths). The
 * prompt is the node's name as plain text: a netns guest runs the machine's dash, which does not
 * expand bash's `\h`, and a node name (shared/lab/names.ts) holds nothing a shell expands.
 */
const shellEnv = (node: string) => ({
  TERM: 'xterm-256color',
  HOME: '/root',
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  PS1: `${node}# `,
})

export async function openShell(engine: Engine, lab: Lab, node: string, size: ShellSize): Promise<Shell> {
  checkShellSize(size)
  const kind = lab.nodes[node]?.kind
  const ns = guestNamespace(lab, node)
  if (!Object.hasOwn(lab.nodes, node) || !ns || (kind !== 'container' && kind !== 'netns'))
    throw new ServiceError(
      'invalid',
      `node: ${JSON.stringify(node)} is not a container or netns guest of lab ${lab.name}`,
    )
  const entered = await enterNamespace(enterTarget(ns), engine.containers, 'all')
  // A container's shell is the one in its own image; a netns guest shares the machine's files.
  const argv = [...entered.prefix, '/bin/sh', '-i']
  // Loaded when a shell opens: a bundle (the helper a machine runs) carries no native binary.
  const { spawn: spawnPty } = (await import('@lydell/node-pty')) as typeof NodePty
  let pty: ReturnType<typeof NodePty.spawn>
  try {
    pty = spawnPty(argv[0]!, argv.slice(1), {
      name: 'xterm-256color',
      cols: size.cols,
      rows: size.rows,
      cwd: '/',
      env: shellEnv(node),
    })
  } catch (e) {
    entered.release()
    throw new ServiceError('failed', `the shell of ${node} did not start: ${(e as Error).message}`)
  }
  let done = false
  let killer: NodeJS.Timeout | null = null
  const exited = new Promise<ShellExit>((resolve) => {
    pty.onExit(({ exitCode, signal }) => {
      done = true
      if (killer) clearTimeout(killer)
      entered.release()
      resolve({ exitCode, signal: signal ?? null })
    })
  })
  return {
    node,
    argv,
    pid: pty.pid,
    onData: (listener) => void pty.onData(listener),
    write: (data) => {
      if (!done) pty.write(data)
    },
    resize: (next) => {
      checkShellSize(next)
      if (!done) pty.resize(next.cols, next.rows)
    },
    close: () => {
      if (done || killer) return
      pty.kill('SIGHUP')
      killer = setTimeout(() => {
        if (!done) pty.kill('SIGKILL')
      }, 1000)
    },
    exited,
  }
}
