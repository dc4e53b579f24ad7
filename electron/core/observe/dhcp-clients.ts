// The lab's DHCP clients that still run. A pid file says which pid a client had, not that the pid
// is still that client: after a reboot, or once the client ended, the number may be any process's,
// a system's own udhcpc among them, and destroy would stop it. A process counts as the lab's client
// only while it carries the client's own mark: it is udhcpc, and its command line names the very
// pid file it was read from (`-p <dir>/<link>.pid`, which the planner gives every client).
import { readdir, readFile, readlink } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { ObservedDhcpClient } from '../../../shared/plan/observed.ts'

/** Reads a file (under the DHCP dir or /proc); tests give a fake one. */
export type ReadText = (path: string) => Promise<string>

const readText: ReadText = (path) => readFile(path, 'utf8')

/** Is this command line (/proc/PID/cmdline: NUL-separated) the client that writes `pidFile`? */
export function isLabDhcpClient(cmdline: string, pidFile: string): boolean {
  const argv = cmdline.split('\0')
  const program = basename(argv[0] ?? '')
  const udhcpc = program === 'udhcpc' || (program === 'busybox' && argv[1] === 'udhcpc')
  if (!udhcpc) return false
  const p = argv.indexOf('-p')
  return p > 0 && argv[p + 1] === pidFile
}

export async function observeDhcpClients(
  dir: string,
  read: ReadText = readText,
): Promise<ObservedDhcpClient[]> {
  const files = await readdir(dir).catch(() => [] as string[])
  const clients = await Promise.all(
    files
      .filter((f) => f.endsWith('.pid'))
      .map(async (file): Promise<ObservedDhcpClient | null> => {
        const linkId = file.slice(0, -'.pid'.length)
        const pidFile = join(dir, file)
        const text = (await read(pidFile).catch(() => '')).trim()
        if (!/^[1-9]\d{0,9}$/.test(text)) return null
        const pid = Number(text)
        const cmdline = await read(`/proc/${pid}/cmdline`).catch(() => '')
        if (!isLabDhcpClient(cmdline, pidFile)) return null
        const netns = await readlink(`/proc/${pid}/ns/net`).catch(() => null)
        return {
          linkId,
          pid,
          address: await leaseAddress(read, join(dir, `${linkId}.json`)),
          ...(netns ? { netns } : {}),
        }
      }),
  )
  return clients.filter((c): c is ObservedDhcpClient => c !== null)
}

/** The address the event script recorded; a lease file that is not what it writes is no lease. */
async function leaseAddress(read: ReadText, file: string): Promise<string | null> {
  try {
    const address = (JSON.parse(await read(file)) as { address?: unknown }).address
    return typeof address === 'string' ? address : null
  } catch {
    return null
  }
}
