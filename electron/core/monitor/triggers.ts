// The event sources that tell the watcher to look again: the kernel's netlink notifications (via
// `ip monitor`: one for the machine and its guests, one per guest it cannot hear that way, one per
// simulated host), OVSDB's monitor of the Port table, and Docker's event stream. None is polled.
import { execa, type ResultPromise } from 'execa'

export interface Trigger {
  close(): void
}

/** Calls `onLine` for every line a long-running command prints, until closed. */
export function lines(argv: readonly string[], onLine: (line: string) => void): Trigger {
  const [file, ...args] = argv
  const child: ResultPromise = execa(file!, args, { reject: false, stdin: 'ignore', buffer: false })
  let rest = ''
  child.stdout?.setEncoding('utf8')
  child.stdout?.on('data', (chunk: string) => {
    rest += chunk
    const parts = rest.split('\n')
    rest = parts.pop() ?? ''
    for (const line of parts) if (line.trim()) onLine(line)
  })
  child.catch(() => {}) // a monitor of a namespace that went away just ends
  return { close: () => void child.kill('SIGTERM') }
}

/** Link and address changes in one namespace (`prefix` enters it: [] for the machine's own), a line each. */
export const netlinkMonitor = (prefix: readonly string[], onLine: (line: string) => void): Trigger =>
  lines([...(prefix.length ? prefix : ['ip']), '-o', 'monitor', 'link', 'address'], onLine)

/**
 * Link and address changes in the machine's own namespace and in every namespace it has an id
 * (nsid) for, in one process: each line starts `[nsid current]` or `[nsid N]`. A namespace gets
 * its id from the kernel when a veth is made with its peer there, so every guest cabled to the host
 * is heard here. (Address lines from other namespaces name the interface by this namespace's
 * index, so only their link lines say which interface; address lines only ask for a look.)
 */
export const allNamespacesMonitor = (onLine: (line: string) => void): Trigger =>
  lines(['ip', '-o', 'monitor', 'link', 'address', 'all-nsid'], onLine)

/** Port rows of an OVS database (tags, trunks, added and removed ports). */
export const ovsdbMonitor = (db: string, onChange: () => void): Trigger =>
  lines(
    [
      'ovsdb-client',
      'monitor',
      `unix:${db}`,
      'Open_vSwitch',
      'Port',
      'name,tag,trunks,vlan_mode',
      '--format=json',
    ],
    onChange,
  )
