// The machine rig (build/ssh-machines.sh): real machines on this host, each a network and mount
// namespace with its own sshd and Open vSwitch. Tests bring it up and take it down themselves.
import { join } from 'node:path'
import { execa } from 'execa'

const SCRIPT = join(import.meta.dirname, '..', '..', '..', 'build', 'ssh-machines.sh')

export const RIG_KEY = '/root/.ssh/patchbay-machines'
export const RIG_KNOWN_HOSTS = '/root/.ssh/patchbay-machines.known_hosts'

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
