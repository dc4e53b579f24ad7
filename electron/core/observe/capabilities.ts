// What this host's kernel and Open vSwitch can do, found by trying it once in a throwaway namespace:
// the only honest test, since a missing feature shows only as an error when used. Commands that
// only look (plan, status, domains) never try: they read the cache, or else the kernel's config.
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { release } from 'node:os'
import { dirname } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { z } from 'zod'
import type { Capabilities } from '../../../shared/plan/observed.ts'
import { failedBatchLines } from '../exec/ip-batch.ts'
import type { Runner } from '../exec/runner.ts'

let cached: Promise<Capabilities> | null = null

/** Runners of commands that may only look: they never create a namespace or a bridge to probe. */
const lookOnly = new WeakSet<Runner>()

/** From now on, capabilities asked for through `run` are found without changing the machine. */
export function probeWithoutChanging(run: Runner): void {
  lookOnly.add(run)
}

/**
 * Detected once per process, and kept in `cacheFile` for the next one (a `patchbay` command is a
 * process of its own): valid while the machine has not rebooted, loaded or unloaded a kernel
 * module, or restarted Open vSwitch.
 */
export function hostCapabilities(run: Runner, cacheFile?: string): Promise<Capabilities> {
  if (lookOnly.has(run) && !cached)
    // Not kept: a guess from the kernel's config must not stand in for a probe for apply later.
    return fromCache(cacheFile, cacheFile ? fingerprint() : '') ?? fromKernelConfig(run)
  if (!cached) {
    // Taken before probing: a machine that changes during the probe is probed again next time.
    const now = cacheFile ? fingerprint() : ''
    cached = fromCache(cacheFile, now) ?? probe(run).then((found) => toCache(cacheFile, now, found))
  }
  return cached
}

/** What the probe's answer depends on; a different fingerprint means probing again. */
export function fingerprint(): string {
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8')
    } catch {
      return ''
    }
  }
  return createHash('sha256')
    .update(read('/proc/sys/kernel/random/boot_id'))
    .update(read('/proc/modules').replace(/ \d+ \d+ /g, ' ')) // names, not use counts
    .update(read('/var/run/openvswitch/ovs-vswitchd.pid'))
    .update(process.env.PATH ?? '')
    .digest('hex')
}

/**
 * The cache sits in the state dir, and its DHCP client is a command line patchbay runs as root:
 * read it back as what the probe can find, nothing else.
 */
const CachedCapabilities = z
  .object({
    fingerprint: z.string(),
    found: z
      .object({
        ovs: z.boolean(),
        ovsKernelDatapath: z.boolean(),
        vlan8021q: z.boolean(),
        bridgeVlanFiltering: z.boolean(),
        macvlan: z.boolean(),
        netem: z.boolean(),
        dhcpClient: z.union([
          z.tuple([z.literal('udhcpc')]),
          z.tuple([z.literal('busybox'), z.literal('udhcpc')]),
          z.null(),
        ]),
      })
      .strict(),
  })
  .strict()

export function fromCache(cacheFile: string | undefined, now: string): Promise<Capabilities> | null {
  if (!cacheFile) return null
  try {
    const saved = CachedCapabilities.parse(JSON.parse(readFileSync(cacheFile, 'utf8')))
    return saved.fingerprint === now ? Promise.resolve(saved.found) : null
  } catch {
    return null // none yet, unreadable, or not what patchbay writes: probe
  }
}

function toCache(cacheFile: string | undefined, now: string, found: Capabilities): Capabilities {
  if (cacheFile) {
    try {
      mkdirSync(dirname(cacheFile), { recursive: true })
      writeFileSync(cacheFile, `${JSON.stringify({ fingerprint: now, found })}\n`)
    } catch {
      // a read-only state dir only costs the next process a probe
    }
  }
  return found
}

/**
 * Capabilities read, never tried: the kernel's build config (/proc/config.gz, or /boot/config-*)
 * says which device types exist, `ovs-vsctl show` whether Open vSwitch answers. An option built as
 * a module counts when this kernel has a module tree. Without a readable config the features count
 * as present: a command that only looks must not say "cannot" without evidence, and apply probes
 * for real before it runs anything.
 */
async function fromKernelConfig(run: Runner): Promise<Capabilities> {
  const config = kernelConfig()
  const has = (option: string): boolean => {
    if (config === null) return true
    const value = new RegExp(`^CONFIG_${option}=(\\w+)$`, 'm').exec(config)?.[1]
    return value === 'y' || (value === 'm' && existsSync(`/lib/modules/${release()}`))
  }
  const ovs = (await run.run(['ovs-vsctl', '--timeout=5', 'show'], { allowFailure: true })).exitCode === 0
  return {
    ovs,
    ovsKernelDatapath: ovs && has('OPENVSWITCH'),
    vlan8021q: has('VLAN_8021Q'),
    bridgeVlanFiltering: has('BRIDGE_VLAN_FILTERING'),
    macvlan: has('MACVLAN'),
    netem: has('NET_SCH_NETEM'),
    dhcpClient: await dhcpClient(run),
  }
}

function kernelConfig(): string | null {
  try {
    return gunzipSync(readFileSync('/proc/config.gz')).toString('utf8')
  } catch {
    try {
      return readFileSync(`/boot/config-${release()}`, 'utf8')
    } catch {
      return null
    }
  }
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
  let netem = false
  try {
    const result = await run.run(['ip', '-n', ns, '-force', '-batch', '-'], {
      input: `${lines.join('\n')}\n`,
      allowFailure: true,
    })
    failed = failedBatchLines(result.stderr)
    // "Specified qdisc kind is unknown" where sch_netem is missing (tc loads the module if it can).
    const qdisc = ['tc', '-n', ns, 'qdisc', 'add', 'dev', 'pa', 'root', 'netem', 'delay', '1ms']
    netem = !failed.has(1) && (await run.run(qdisc, { allowFailure: true })).exitCode === 0
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
    netem,
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
