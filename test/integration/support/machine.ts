// A snapshot of what a test's prefix owns on the machine: links, namespaces, OVS bridges and ports,
// containers. Compared before and after, it shows exactly what a run left behind.
import { readdir } from 'node:fs/promises'
import { execa } from 'execa'

export interface MachineSnapshot {
  readonly links: string[]
  readonly netns: string[]
  readonly ovsBridges: string[]
  readonly ovsPorts: string[]
  readonly containers: string[]
}

const lines = async (file: string, args: string[]): Promise<string[]> => {
  const r = await execa(file, args, { reject: false, stdin: 'ignore' })
  return r.exitCode === 0 ? String(r.stdout).split('\n').filter(Boolean) : []
}

export async function snapshot(prefix: string): Promise<MachineSnapshot> {
  const has = (s: string) => s.includes(prefix)
  const [links, netns, ovsBridges, containers] = await Promise.all([
    lines('ip', ['-o', 'link', 'show']).then((l) => l.map((x) => x.split(': ')[1]!.split('@')[0]!)),
    readdir('/run/netns').catch(() => [] as string[]),
    lines('ovs-vsctl', ['list-br']),
    lines('docker', ['ps', '-a', '--format', '{{.Names}}']),
  ])
  const ovsPorts = (await Promise.all(ovsBridges.map((b) => lines('ovs-vsctl', ['list-ports', b])))).flat()
  return {
    links: links.filter(has).sort(),
    netns: netns.filter(has).sort(),
    ovsBridges: ovsBridges.filter(has).sort(),
    ovsPorts: ovsPorts.filter(has).sort(),
    containers: containers.filter(has).sort(),
  }
}

/** Removes whatever carries the prefix, also after a failed test. */
export async function sweep(prefix: string): Promise<void> {
  // Simulated hosts' OVS daemons run from the test's state dir, which carries the prefix.
  await execa('pkill', ['-f', `patchbay-test-state/${prefix}/`], { reject: false })
  const left = await snapshot(prefix)
  await Promise.all(left.containers.map((c) => execa('docker', ['rm', '-f', c], { reject: false })))
  for (const b of left.ovsBridges) await execa('ovs-vsctl', ['--if-exists', 'del-br', b], { reject: false })
  for (const p of left.ovsPorts) await execa('ovs-vsctl', ['--if-exists', 'del-port', p], { reject: false })
  for (const n of left.netns) await execa('ip', ['netns', 'del', n], { reject: false })
  for (const l of left.links) await execa('ip', ['link', 'del', l], { reject: false })
}
