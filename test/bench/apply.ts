// The apply bench: N guests on one OVS bridge with VLANs, wired three ways on the same machine in
// the same run — patchbay's engine, the real pipework script once per guest (the baseline a user has
// today), and a hand-written lower bound (the fewest processes these tools allow).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEngine } from '../../electron/core/create-engine.ts'
import type { DockerApi } from '../../electron/core/drivers/docker-api.ts'
import { Runner } from '../../electron/core/exec/runner.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { benchAddress, benchVlan, guestName, oneBridgeLab } from './labs.ts'
import { type Spread, spread } from './stats.ts'

export type GuestKind = 'netns' | 'container'

export interface ApplyFigure {
  readonly kind: GuestKind
  readonly n: number
  readonly patchbay: { readonly apply: Spread; readonly noop: Spread; readonly destroy: Spread }
  readonly lowerBound: Spread
  /** Absent when PIPEWORK is unset; pipework cannot attach a bare netns, so containers only. */
  readonly pipework: Spread | { readonly absent: string }
  readonly ratios: { readonly pipeworkOverPatchbay: number | null; readonly patchbayOverLowerBound: number }
  /** Where patchbay's apply spends its time: processes started, by tool, in the last run. */
  readonly processes: Readonly<Record<string, { readonly count: number; readonly ms: number }>>
}

const runner = new Runner()

/** A process with an argv array, its input on stdin; its exit code whatever it is. */
export async function run(argv: readonly string[], input?: string) {
  const result = await runner.run(argv, { allowFailure: true, ...(input !== undefined ? { input } : {}) })
  return { code: result.exitCode, stdout: result.stdout, stderr: result.stderr }
}

async function must(argv: readonly string[], input?: string): Promise<string> {
  const r = await run(argv, input)
  if (r.code !== 0) throw new Error(`${argv.join(' ')}: exit ${r.code}: ${r.stderr.trim()}`)
  return r.stdout
}

const elapsed = async (work: () => Promise<unknown>): Promise<number> => {
  const started = performance.now()
  await work()
  return Math.round((performance.now() - started) * 10) / 10
}

/** The bench's own things, found by prefix: netns, host links, the OVS bridge, containers. */
export async function cleanUp(prefix: string, docker: DockerApi, containers: readonly string[] = []) {
  await run(['ovs-vsctl', '--if-exists', 'del-br', `${prefix}-s`])
  const netns = (await run(['ip', 'netns', 'list'])).stdout
  for (const line of netns.split('\n')) {
    const name = line.split(' ')[0]
    if (name?.startsWith(`${prefix}-`)) await run(['ip', 'netns', 'del', name])
  }
  const links = JSON.parse((await run(['ip', '-j', 'link', 'show'])).stdout || '[]') as { ifname: string }[]
  const pids = await pidsOf(docker, containers).catch(() => [])
  // pipework names a host end veth1pl<pid>; only those of the bench's containers are ours.
  const ours = new Set(pids.map((pid) => `veth1pl${pid}`))
  const batch = links
    .filter((l) => l.ifname.startsWith(`${prefix}-`) || ours.has(l.ifname))
    .map((l) => `link del ${l.ifname}`)
  if (batch.length > 0) await run(['ip', '-force', '-batch', '-'], `${batch.join('\n')}\n`)
}

async function pidsOf(docker: DockerApi, containers: readonly string[]): Promise<number[]> {
  const infos = await docker.inspectMany(containers)
  return containers.map((name) => {
    const info = infos.get(name)
    if (!info?.running) throw new Error(`bench container ${name} is not running`)
    return info.pid
  })
}

/** The containers the container runs wire: made once, reused by every run, removed at the end. */
export async function makeContainers(prefix: string, n: number, docker: DockerApi): Promise<string[]> {
  const names = Array.from({ length: n }, (_, i) => guestName(prefix, 'container', i))
  for (let i = 0; i < names.length; i += 10) {
    await Promise.all(
      names.slice(i, i + 10).map(async (name) => {
        await docker.create({
          name,
          image: 'labbox:latest',
          command: ['sleep', '1000000'],
          labels: { 'patchbay-bench': prefix },
        })
        await docker.start(name)
      }),
    )
  }
  return names
}

export async function removeContainers(prefix: string, docker: DockerApi): Promise<void> {
  const mine = await docker.list({ 'patchbay-bench': prefix })
  // Ten at a time: a hundred at once keep dockerd busy past its answer timeout on two cores.
  for (let i = 0; i < mine.length; i += 10)
    await Promise.all(mine.slice(i, i + 10).map((c) => docker.remove(c.name)))
}

/** patchbay's engine as the editor and `serve` run it: apply, apply again (no change), destroy. */
async function timePatchbay(lab: Lab) {
  const stateDir = mkdtempSync(join(tmpdir(), 'patchbay-bench-state-'))
  const engine = createEngine({ stateDir })
  try {
    const logStart = engine.run.log.length
    let applied = 0
    const apply = await elapsed(async () => {
      const { plan, result } = await engine.apply(lab)
      if (!result?.ok)
        throw new Error(`bench apply failed: ${result?.failed?.error ?? plan.problems[0]?.message}`)
      applied = plan.ops.length
    })
    const processes = byTool(engine.run.log.slice(logStart))
    const noop = await elapsed(async () => {
      const { plan } = await engine.apply(lab)
      if (plan.ops.length > 0) throw new Error(`a second apply was not empty: ${plan.ops[0]!.id}`)
    })
    const destroy = await elapsed(async () => {
      const { result } = await engine.destroy(lab)
      if (!result?.ok) throw new Error(`bench destroy failed: ${result?.failed?.error}`)
    })
    return { apply, noop, destroy, processes, ops: applied }
  } finally {
    rmSync(stateDir, { recursive: true, force: true })
  }
}

/** Process count and summed wall time by tool (`ip`, `ip -n`, `nsenter`, `ovs-vsctl`, …). */
function byTool(log: readonly { argv: readonly string[]; durationMs: number }[]) {
  const out: Record<string, { count: number; ms: number }> = {}
  for (const { argv, durationMs } of log) {
    const tool = argv[0] === 'ip' && argv[1] === '-n' ? 'ip -n (netns)' : argv[0]!
    const entry = out[tool] ?? { count: 0, ms: 0 }
    out[tool] = { count: entry.count + 1, ms: Math.round(entry.ms + durationMs) }
  }
  return out
}

/**
 * The lower bound: one `ip -batch` in the host making every veth with its peer born inside its
 * guest, then one OVS transaction for every port and one `ip -batch` per guest, all side by side.
 */
async function timeLowerBound(prefix: string, n: number, kind: GuestKind, docker: DockerApi) {
  const guests = Array.from({ length: n }, (_, i) => guestName(prefix, kind, i))
  const bridge = `${prefix}-s`
  const hostEnd = (i: number) => `${prefix}-h${i}`
  return elapsed(async () => {
    const where = kind === 'netns' ? guests : (await pidsOf(docker, guests)).map(String)
    const host = [
      ...(kind === 'netns' ? guests.map((g) => `netns add ${g}`) : []),
      ...where.map((ns, i) => `link add ${hostEnd(i)} type veth peer name eth1 netns ${ns}`),
      ...where.map((_, i) => `link set ${hostEnd(i)} up`),
    ]
    await must(['ip', '-batch', '-'], `${host.join('\n')}\n`)
    const ports = where.flatMap((_, i) => ['--', 'add-port', bridge, hostEnd(i), `tag=${benchVlan(i)}`])
    await Promise.all([
      must([
        'ovs-vsctl',
        '--',
        '--may-exist',
        'add-br',
        bridge,
        '--',
        'set',
        'bridge',
        bridge,
        'datapath_type=netdev',
        ...ports,
      ]),
      ...where.map((ns, i) =>
        must(
          kind === 'netns'
            ? ['ip', '-n', ns, '-batch', '-']
            : ['nsenter', '-t', ns, '-n', 'ip', '-batch', '-'],
          `addr add ${benchAddress(i)} dev eth1\nlink set eth1 up\nlink set lo up\n`,
        ),
      ),
    ])
  })
}

/** The real pipework, once per guest, one after another as a user's script runs it. */
async function timePipework(pipework: string, prefix: string, n: number) {
  const bridge = `${prefix}-s`
  // pipework would make a kernel-datapath bridge, which this kernel cannot: it gets one made for it.
  await must(['ovs-vsctl', 'add-br', bridge, '--', 'set', 'bridge', bridge, 'datapath_type=netdev'])
  return elapsed(async () => {
    for (let i = 0; i < n; i++) {
      const guest = guestName(prefix, 'container', i)
      await must([pipework, bridge, '-i', 'eth1', guest, benchAddress(i), `@${benchVlan(i)}`])
    }
  })
}

/** Untimed: the last guest really has its address, so no run is timed doing less than asked. */
async function checkWired(prefix: string, n: number, kind: GuestKind, docker: DockerApi) {
  const guest = guestName(prefix, kind, n - 1)
  const enter =
    kind === 'netns'
      ? ['ip', '-n', guest]
      : ['nsenter', '-t', String((await pidsOf(docker, [guest]))[0]), '-n', 'ip']
  const out = await must([...enter, '-br', 'addr', 'show', 'eth1'])
  if (!out.includes(benchAddress(n - 1)) || !/\bUP\b/.test(out))
    throw new Error(`${guest} is not wired: ${out.trim()}`)
}

export async function applyFigure(options: {
  prefix: string
  n: number
  kind: GuestKind
  runs: number
  pipework: string | undefined
  docker: DockerApi
  containers: readonly string[]
}): Promise<ApplyFigure> {
  const { prefix, n, kind, runs, docker } = options
  const lab = oneBridgeLab(prefix, n, kind)
  const own = options.containers.slice(0, n)
  const times = {
    apply: [] as number[],
    noop: [] as number[],
    destroy: [] as number[],
    lower: [] as number[],
  }
  const pipeworkTimes: number[] = []
  let processes: ApplyFigure['processes'] = {}
  for (let r = 0; r < runs; r++) {
    // Interleaved, so that whatever else the machine does falls on all three alike.
    if (options.pipework && kind === 'container') {
      pipeworkTimes.push(await timePipework(options.pipework, prefix, n))
      await checkWired(prefix, n, kind, docker)
      await cleanUp(prefix, docker, own)
    }
    const p = await timePatchbay(lab)
    times.apply.push(p.apply)
    times.noop.push(p.noop)
    times.destroy.push(p.destroy)
    processes = p.processes
    await cleanUp(prefix, docker, own)
    times.lower.push(await timeLowerBound(prefix, n, kind, docker))
    await checkWired(prefix, n, kind, docker)
    await cleanUp(prefix, docker, own)
  }
  const apply = spread(times.apply)
  const lowerBound = spread(times.lower)
  const pipework =
    kind === 'netns'
      ? { absent: 'pipework finds guests through Docker or cgroups; it cannot attach a bare netns' }
      : options.pipework
        ? spread(pipeworkTimes)
        : { absent: 'PIPEWORK is not set (PIPEWORK=/path/to/pipework npm run bench)' }
  return {
    kind,
    n,
    patchbay: { apply, noop: spread(times.noop), destroy: spread(times.destroy) },
    lowerBound,
    pipework,
    ratios: {
      pipeworkOverPatchbay: 'median' in pipework ? round2(pipework.median / apply.median) : null,
      patchbayOverLowerBound: round2(apply.median / lowerBound.median),
    },
    processes,
  }
}

const round2 = (x: number) => Math.round(x * 100) / 100
