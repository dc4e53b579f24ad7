// The state dir holds what the engine trusts between runs: journals whose undo steps run as root,
// netns names, the OVS databases of simulated hosts. Anyone who can write there — or rename it
// away, through a parent they can write to — can make root run commands. So the dir and every
// directory above it must belong to root (or to the user running patchbay, who gains nothing) and
// be writable by nobody else; a sticky parent such as /tmp is fine (others cannot rename our
// entries in it). A missing state dir is made 0700.
import { mkdirSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { CapabilityError } from '../errors.ts'

export class UnsafeStateDir extends CapabilityError {}

const STICKY = 0o1000

function refuseUnsafe(path: string, what: string, top: boolean): void {
  const info = statSync(path)
  const euid = process.geteuid?.() ?? 0
  const mode = Number(info.mode)
  if (!info.isDirectory()) throw new UnsafeStateDir(`the state dir ${path} is not a directory`)
  if (info.uid !== 0 && info.uid !== euid)
    throw new UnsafeStateDir(
      `refusing the state dir ${what}: ${path} belongs to uid ${info.uid}, not to root; set PATCHBAY_STATE_DIR to a directory of root's`,
    )
  if ((mode & 0o022) !== 0 && (top || (mode & STICKY) === 0))
    throw new UnsafeStateDir(
      `refusing the state dir ${what}: group or others may write to ${path} (mode ${(mode & 0o7777).toString(8)}); chmod 700 it`,
    )
}

/**
 * Throws UnsafeStateDir when others could change what is in `dir`. Returns whether it exists;
 * with `create`, a missing one is made (0700) and true returned.
 */
export function checkStateDir(dir: string, options: { readonly create: boolean }): boolean {
  const path = resolve(dir)
  try {
    statSync(path)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    if (!options.create) return false
    mkdirSync(path, { recursive: true, mode: 0o700 })
  }
  refuseUnsafe(path, path, true)
  for (let up = dirname(path); ; up = dirname(up)) {
    refuseUnsafe(up, path, false)
    if (up === dirname(up)) break
  }
  return true
}
