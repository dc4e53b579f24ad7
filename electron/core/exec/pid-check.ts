// A container's namespace is reached through its pid, and a pid is only a number: the container
// may stop between observe and use, and the kernel hand its pid to another process, whose
// namespace (the host's, say) would then get the lab's interfaces. A process is the same one only
// while its start time (field 22 of /proc/PID/stat, clock ticks after boot) is the same, so the
// time read when the pid was observed is compared again before the pid is used.
import { closeSync, openSync, readFileSync } from 'node:fs'

/** Reads a file under /proc; tests give a fake one. */
export type ProcRead = (path: string) => string

const readProc: ProcRead = (path) => readFileSync(path, 'utf8')

/** The pid's start time, or null when there is no such process. */
export function processStartTime(pid: number, read: ProcRead = readProc): string | null {
  let stat: string
  try {
    stat = read(`/proc/${pid}/stat`)
  } catch {
    return null
  }
  // Field 2, the command name, is in parentheses and may itself hold spaces and ")": the fields
  // after it start after the last ")". The first of them is field 3, so field 22 is the 20th.
  const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const started = after[19]
  return started !== undefined && /^\d+$/.test(started) ? started : null
}

/** A pid that no longer names the process that was observed. */
export class PidReused extends Error {
  override readonly name = 'PidReused'
}

/** A container's process as observed: its pid and, when it was read, its start time. */
export interface ObservedPid {
  readonly pid: number
  readonly started?: string | null
}

/** Throws PidReused unless the pid is still the process observed (a pid seen without a time passes). */
export function checkSameProcess(what: ObservedPid, read: ProcRead = readProc): void {
  if (what.started === undefined || what.started === null) return
  const now = processStartTime(what.pid, read)
  if (now === what.started) return
  throw new PidReused(
    now === null
      ? `process ${what.pid} has ended since it was observed (its container stopped or restarted); look again`
      : `pid ${what.pid} belongs to another process than the one observed (its container stopped or restarted); look again`,
  )
}

/**
 * The process's network namespace, held open: its path (/proc/<our pid>/fd/<fd>) names that
 * namespace for as long as it is open, whatever becomes of the pid. The start time is checked
 * after opening, which closes the race: if the pid was still the observed process then, the
 * namespace opened is its own.
 */
export function holdProcessNetns(
  what: ObservedPid,
  read: ProcRead = readProc,
): { path: string; close(): void } {
  let fd: number
  try {
    fd = openSync(`/proc/${what.pid}/ns/net`, 'r')
  } catch {
    throw new PidReused(`process ${what.pid} has ended since it was observed; look again`)
  }
  try {
    checkSameProcess(what, read)
  } catch (e) {
    closeSync(fd)
    throw e
  }
  return { path: `/proc/${process.pid}/fd/${fd}`, close: () => closeSync(fd) }
}
