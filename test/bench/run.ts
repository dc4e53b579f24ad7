// `npm run bench`: figures, not tests. Prints one JSON document on stdout and a short table on
// stderr, and draws the scaling picture into test/bench/results/. Needs root and the lab host
// (build/lab-host.sh); PIPEWORK=/path/to/pipework adds the real pipework as the baseline.
//   PATCHBAY_BENCH_PARTS=apply,cli,events,domains,canvas   which parts run (all by default)
//   PATCHBAY_BENCH_RUNS=3                              runs per figure (5 at N=10)
//   PATCHBAY_BENCH_EVENT_FLIPS=200                     link flips the events part times
//   PATCHBAY_BENCH_CANVAS=open200                     the canvas part times only the 200-node open
//   PATCHBAY_BENCH_PREFIX=pbt1a2b                      the prefix of every name made (a test's own)
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, release } from 'node:os'
import { join } from 'node:path'
import { DockerApi } from '../../electron/core/drivers/docker-api.ts'
import { broadcastDomains } from '../../shared/l2/domains.ts'
import { type ApplyFigure, applyFigure, cleanUp, makeContainers, removeContainers } from './apply.ts'
import { canvasFigure } from './canvas.ts'
import { scalingSvg } from './chart.ts'
import { cliFigure } from './cli.ts'
import { eventFigure } from './events.ts'
import { bigLab } from './labs.ts'
import { round, spread } from './stats.ts'

const parts = new Set((process.env.PATCHBAY_BENCH_PARTS ?? 'apply,cli,events,domains,canvas').split(','))
const runsAt = (n: number) => Number(process.env.PATCHBAY_BENCH_RUNS ?? (n <= 10 ? 5 : 3))
const pipework = process.env.PIPEWORK || undefined
const SIZES = [10, 50, 100]
const eventFlips = Number(process.env.PATCHBAY_BENCH_EVENT_FLIPS ?? 200)
const prefixFor = (part: string) =>
  process.env.PATCHBAY_BENCH_PREFIX ?? `${part}${Math.random().toString(16).slice(2, 5)}`
const results = join(import.meta.dirname, 'results')
const say = (line: string) => process.stderr.write(`${line}\n`)

function domainsFigure(ports: number) {
  const lab = bigLab(Math.max(1, Math.round(ports / 50)), ports)
  // The editor recomputes domains on every edit: warmed up, as it is a few edits into a session.
  for (let i = 0; i < 5; i++) broadcastDomains(lab)
  const runs = Array.from({ length: 15 }, () => {
    const t = performance.now()
    broadcastDomains(lab)
    return round(performance.now() - t)
  })
  return { ports, ms: spread(runs) }
}

function machine() {
  const ovs = (() => {
    try {
      return execFileSync('ovs-vsctl', ['--version'], { encoding: 'utf8' }).split('\n')[0]
    } catch {
      return null
    }
  })()
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    kernel: release(),
    node: process.version,
    ovs,
    pipework: pipework ? { path: pipework, lines: readFileSync(pipework, 'utf8').split('\n').length } : null,
  }
}

async function applyFigures(): Promise<ApplyFigure[]> {
  if (pipework && !existsSync(pipework)) throw new Error(`PIPEWORK=${pipework}: no such file`)
  const prefix = prefixFor('pbb')
  const docker = new DockerApi()
  const figures: ApplyFigure[] = []
  say(`apply: making ${Math.max(...SIZES)} containers for the container runs…`)
  const containers = await makeContainers(prefix, Math.max(...SIZES), docker)
  try {
    // Untimed: the engine probes the host's capabilities once per process, as the editor does.
    await applyFigure({ prefix, n: 1, kind: 'netns', runs: 1, pipework: undefined, docker, containers })
    for (const kind of ['netns', 'container'] as const) {
      for (const n of SIZES) {
        const figure = await applyFigure({ prefix, n, kind, runs: runsAt(n), pipework, docker, containers })
        figures.push(figure)
        const base = 'median' in figure.pipework ? `, pipework ${figure.pipework.median} ms` : ''
        say(
          `apply ${kind} N=${n}: patchbay ${figure.patchbay.apply.median} ms (no-op ${figure.patchbay.noop.median}, destroy ${figure.patchbay.destroy.median}), lower bound ${figure.lowerBound.median} ms${base}`,
        )
      }
    }
  } finally {
    await cleanUp(prefix, docker, containers)
    await removeContainers(prefix, docker)
  }
  return figures
}

const result: Record<string, unknown> = { machine: machine() }
if (parts.has('apply')) {
  const figures = await applyFigures()
  result.apply = figures
  mkdirSync(results, { recursive: true })
  writeFileSync(
    join(results, 'scaling-containers.svg'),
    scalingSvg(figures, 'container', 'Apply time, N containers on one OVS bridge with VLANs'),
  )
  writeFileSync(
    join(results, 'scaling-netns.svg'),
    scalingSvg(figures, 'netns', 'Apply time, N netns guests on one OVS bridge with VLANs'),
  )
}
if (parts.has('cli')) {
  result.cli = await cliFigure(prefixFor('pbc'), 100, runsAt(100))
}
if (parts.has('events')) {
  result.events = await eventFigure(prefixFor('pbe'), eventFlips)
  say(`events: p50 ${(result.events as { ms: { p50: number } }).ms.p50} ms`)
}
if (parts.has('domains')) result.domains = [domainsFigure(1000), domainsFigure(10000)]
if (parts.has('canvas')) result.canvas = await canvasFigure()

const json = JSON.stringify(result, null, 2)
console.log(json)
if (parts.size === 5) writeFileSync(join(results, 'latest.json'), `${json}\n`)
say(table(result))

function table(r: Record<string, unknown>): string {
  const rows: string[] = []
  for (const f of (r.apply as ApplyFigure[] | undefined) ?? []) {
    const pw = 'median' in f.pipework ? `${f.pipework.median}` : '-'
    rows.push(
      `${f.kind.padEnd(9)} N=${String(f.n).padEnd(4)} patchbay ${String(f.patchbay.apply.median).padStart(7)} ms  no-op ${String(f.patchbay.noop.median).padStart(6)}  lower ${String(f.lowerBound.median).padStart(7)}  pipework ${pw.padStart(8)}  pw/pb ${f.ratios.pipeworkOverPatchbay ?? '-'}  pb/lower ${f.ratios.patchbayOverLowerBound}`,
    )
  }
  const cli = r.cli as { n: number; apply: { median: number }; noop: { median: number } } | undefined
  if (cli)
    rows.push(
      `patchbay apply as a whole process, ${cli.n} netns guests: ${cli.apply.median} ms, no-op ${cli.noop.median} ms`,
    )
  const events = r.events as { ms: { p50: number; p95: number } } | undefined
  if (events) rows.push(`events: p50 ${events.ms.p50} ms, p95 ${events.ms.p95} ms`)
  const domains = r.domains as { ports: number; ms: { median: number } }[] | undefined
  if (domains) rows.push(`domains: ${domains.map((d) => `${d.ports} ports ${d.ms.median} ms`).join(', ')}`)
  const canvas = r.canvas as
    | {
        pan?: { fps: number }
        zoom?: { fps: number }
        drag?: { fps: number }
        whole?: { pan: { fps: number }; zoom: { fps: number }; drag: { fps: number } }
        open200: { ms: { min: number; median: number; max: number } }
      }
    | undefined
  if (canvas) {
    if (canvas.pan && canvas.zoom && canvas.drag)
      rows.push(
        `canvas 1000 nodes / 1500 links: pan ${canvas.pan.fps} fps, zoom ${canvas.zoom.fps} fps, dragging a node ${canvas.drag.fps} fps`,
      )
    if (canvas.whole)
      rows.push(
        `  the whole lab in view: pan ${canvas.whole.pan.fps} fps, zoom ${canvas.whole.zoom.fps} fps, dragging a node ${canvas.whole.drag.fps} fps`,
      )
    rows.push(
      `opening a 200-node lab, first layout included: ${canvas.open200.ms.median} ms (min ${canvas.open200.ms.min}, max ${canvas.open200.ms.max})`,
    )
  }
  return rows.join('\n')
}
