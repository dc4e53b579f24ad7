// How a long-running process (a capture, a shell) gets into a lab's namespace: an argv prefix,
// never a shell. A named namespace by `ip netns exec`; a container's by nsenter on its namespaces
// held open by this process, after its pid's start time was checked (pid-check.ts), so a container
// that restarted cannot hand its pid, and with it the host's namespaces, to someone else's process.
import { closeSync, openSync } from 'node:fs'
import { ServiceError } from '../calls.ts'
import type { ContainerRuntime } from '../drivers/container-runtime.ts'
import { checkSameProcess, processStartTime } from './pid-check.ts'

export type EnterTarget =
  /** The machine's own namespace (netns null) or a named one (a simulated host, a netns guest). */
  | { readonly kind: 'netns'; readonly name: string | null }
  | { readonly kind: 'container'; readonly container: string }

export interface Entered {
  /** The words before the command. */
  readonly prefix: readonly string[]
  /** Lets go of the namespaces held open for nsenter (after the process ended). */
  release(): void
}

/** The container namespaces a shell enters (its files, its hostname, its processes, its network). */
const ALL_NAMESPACES = [
  ['mnt', '--mount'],
  ['uts', '--uts'],
  ['ipc', '--ipc'],
  ['net', '--net'],
  ['pid', '--pid'],
] as const

/**
 * The prefix that runs a command in `target`: only its network namespace (`net`), or every
 * namespace of a container (`all`: its own root file system and programs too). A container that is
 * not running is ServiceError `failed` with the reason.
 */
export async function enterNamespace(
  target: EnterTarget,
  containers: ContainerRuntime,
  which: 'net' | 'all',
): Promise<Entered> {
  if (target.kind === 'netns')
    return { prefix: target.name === null ? [] : ['ip', 'netns', 'exec', target.name], release() {} }
  const state = await containers.inspect(target.container)
  if (!state?.running || state.pid <= 0)
    throw new ServiceError('failed', `container ${target.container} is not running`)
  const observed = { pid: state.pid, started: processStartTime(state.pid) }
  const kinds = which === 'net' ? ALL_NAMESPACES.filter(([ns]) => ns === 'net') : ALL_NAMESPACES
  const fds: number[] = []
  const release = () => {
    for (const fd of fds.splice(0)) closeSync(fd)
  }
  try {
    for (const [ns] of kinds) fds.push(openSync(`/proc/${state.pid}/ns/${ns}`, 'r'))
    // Opened first, checked after: if the pid was still the container's then, these are its namespaces.
    checkSameProcess(observed)
  } catch (e) {
    release()
    throw new ServiceError('failed', `container ${target.container}: ${(e as Error).message}`)
  }
  const flags = kinds.map(([, flag], i) => `${flag}=/proc/${process.pid}/fd/${fds[i]}`)
  return { prefix: ['nsenter', ...flags], release }
}
