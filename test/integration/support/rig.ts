// The machine rig (build/ssh-machines.sh): real machines on this host, each a network and mount
// namespace with its own sshd and Open vSwitch. Tests bring it up and take it down themselves.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { execa } from 'execa'

const SCRIPT = join(import.meta.dirname, '..', '..', '..', 'build', 'ssh-machines.sh')

export const RIG_KEY = '/root/.ssh/patchbay-machines'
export const RIG_KNOWN_HOSTS = '/root/.ssh/patchbay-machines.known_hosts'

/**
 * The rig's names are fixed (pbm-m1, 10.250.0.11, ...), so only one test file may use it at a time,
 * also across vitest processes (an integration run and an e2e run, two workers' runs): a file that
 * uses the rig holds this lock from its first hook to its last.
 */
export const RIG_LOCK = '/run/patchbay-rig.lock'

/**
 * Waits until no other test file holds the rig, then holds it until the returned function is
 * called. The lock is held by a `flock … cat` child, so it goes when this process goes, however it
 * ends (cat sees its stdin close). cat runs only once flock holds the lock: a line it echoes back
 * says so.
 */
export async function holdRig(timeoutMs = 900_000): Promise<() => void> {
  const child = spawn(
    'flock',
    ['--exclusive', '--timeout', String(Math.ceil(timeoutMs / 1000)), RIG_LOCK, 'cat'],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  )
  let said = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => resolve())
    child.stderr.on('data', (b: Buffer) => {
      said += b.toString()
    })
    child.on('exit', (code) =>
      reject(new Error(`the machine rig stayed held by another test file (flock exit ${code}) ${said}`)),
    )
    child.stdin.write('held\n')
  })
  return () => child.stdin.end()
}

export async function rig(...args: string[]): Promise<string> {
  const result = await execa('bash', [SCRIPT, ...args], { reject: false, stdin: 'ignore' })
  if (result.exitCode !== 0)
    throw new Error(`ssh-machines.sh ${args.join(' ')} failed (${result.exitCode}): ${result.stderr}`)
  return result.stdout
}

/** A command inside machine I (its network and mount namespaces), as the machine's root sees it. */
export async function onMachine(i: number, argv: string[]): Promise<string> {
  const pid = (await execa('cat', [`/run/patchbay-machines/m${i}/holder.pid`])).stdout.trim()
  return (await execa('nsenter', ['-t', pid, '-m', '-n', '--', ...argv])).stdout
}
