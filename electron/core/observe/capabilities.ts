// What this host's kernel and Open vSwitch can do, found by trying it once in a throwaway namespace:
// the only honest test, since a missing feature shows only as an error when used.
import { randomBytes } from 'node:crypto'
import type { Capabilities } from '../../../shared/plan/observed.ts'
import type { Runner } from '../exec/runner.ts'

let cached: Promise<Capabilities> | null = null

/** Detected once per process (capabilities do not change while patchbay runs). */
export function hostCapabilities(run: Runner): Promise<Capabilities> {
  cached ??= probe(run)
  return cached
}

async function probe(run: Runner): Promise<Capabilities> {
  const id = randomBytes(3).toString('hex')
  const ns = `pbprobe-${id}`
  // -force: keep going after a line fails; stderr then names each failed line ("Command failed -:N").
  const lines = [
    'link add pa type veth peer name pb',
    'link add link pa name pa.7 type vlan id 7',
    'link add pbr type bridge vlan_filtering 1',
    'link add link pa name pm type macvlan mode bridge',
  ]
  await run.run(['ip', 'netns', 'add', ns])
  let failed = new Set<number>()
  try {
    const result = await run.run(['ip', '-n', ns, '-force', '-batch', '-'], {
      input: `${lines.join('\n')}\n`,
      allowFailure: true,
    })
    failed = new Set([...result.stderr.matchAll(/Command failed -:(\d+)/g)].map((m) => Number(m[1])))
  } finally {
    await run.run(['ip', 'netns', 'del', ns], { allowFailure: true })
  }
  const ovs = (await run.run(['ovs-vsctl', '--timeout=5', 'show'], { allowFailure: true })).exitCode === 0
  return {
    ovs,
    ovsKernelDatapath: ovs && (await ovsKernelDatapath(run, id)),
    vlan8021q: !failed.has(2) && !failed.has(1),
    bridgeVlanFiltering: !failed.has(3),
    macvlan: !failed.has(4) && !failed.has(1),
    dhcpClient: await dhcpClient(run),
  }
}

/** A kernel-datapath bridge whose own port cannot open means there is no openvswitch module. */
async function ovsKernelDatapath(run: Runner, id: string): Promise<boolean> {
  const bridge = `pbprobe${id}`
  try {
    await run.run([
      'ovs-vsctl',
      '--timeout=5',
      'add-br',
      bridge,
      '--',
      'set',
      'bridge',
      bridge,
      'datapath_type=system',
    ])
    const ofport = await run.run(['ovs-vsctl', '--timeout=5', 'get', 'interface', bridge, 'ofport'], {
      allowFailure: true,
    })
    return ofport.exitCode === 0 && Number(ofport.stdout) > 0
  } catch {
    return false
  } finally {
    await run.run(['ovs-vsctl', '--timeout=5', '--if-exists', 'del-br', bridge], { allowFailure: true })
  }
}

/** A udhcpc to run in guests: the host's own, or busybox's (pipework uses busybox's too). */
async function dhcpClient(run: Runner): Promise<string[] | null> {
  for (const argv of [['udhcpc'], ['busybox', 'udhcpc']]) {
    const probe = await run.run([...argv, '--help'], { allowFailure: true }).catch(() => null)
    if (probe && /udhcpc/i.test(`${probe.stdout}${probe.stderr}`)) return argv
  }
  return null
}
