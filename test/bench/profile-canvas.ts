// Where a canvas gesture's time goes: the canvas bench's lab and gestures, with a Chromium trace of
// each gesture summed per event on the page's main thread and a CPU profile's self time per
// function. A tool for whoever makes the canvas faster, not a figure: `npx tsx test/bench/profile-canvas.ts
// [dist dir] [drag,pan,zoom]` (build the renderer first; `--minify false` gives readable names).
//   PROF_CSS='…'        a style sheet added to the page first: what would a change of style save?
//   PROF_QUIET=1        no CPU profile lines
//   PROF_FRAME=30       what the main thread did before the 30th long (> 5 ms) Layerize
//   PROF_LAYERIZE_US=0  ... counting every Layerize (one a frame), not only long ones
//   PROF_MIN_US=0       ... every event of it, not only those over 300 µs
//   PROF_CATEGORIES=…   trace categories (e.g. add blink,cc,disabled-by-default-blink.debug)
//   PROF_DUMP=Paint     the arguments of the last 30 events of that name
//   PROF_LONG=8         every main-thread task over 8 ms, and what was in it
//   PROF_DROP=1         the CPU profile of the drag's release alone
//   PROF_PROBE='js'     evaluated in the page at the 6th move of a pan or drag, printed
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { CDPSession, Page } from 'playwright-core'
import { createEngine } from '../../electron/core/create-engine.ts'
import { engineService } from '../../electron/core/service.ts'
import { serve } from '../../electron/serve/server.ts'
import { saveLab } from '../../shared/lab/save.ts'
import { launchChromium } from '../support/chromium.ts'
import { recordFrames, startPoint, stopFrames } from './canvas.ts'
import { bigLab } from './labs.ts'

const staticDir = resolve(process.argv[2] ?? join(import.meta.dirname, '..', '..', 'dist', 'renderer'))
const gestures = (process.argv[3] ?? 'drag,pan,zoom').split(',') as ('pan' | 'zoom' | 'drag')[]

const lab = bigLab(100, 900, 'canvas-bench')
for (let step = 2; lab.links!.length < 1500; step++)
  for (let b = 0; b + step < 100 && lab.links!.length < 1500; b++)
    lab.links!.push({ between: [`s${b}`, `s${b + step}`], trunk: [10 * step] })
const dir = mkdtempSync(join(tmpdir(), 'patchbay-prof-'))
const file = join(dir, 'big.yaml')
writeFileSync(file, saveLab(lab))
const server = await serve({ service: engineService(createEngine({ stateDir: dir })), staticDir })
const browser = await launchChromium()
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
  await page.goto(server.url)
  await page.waitForSelector('[data-node-id="ovs0"]')
  await page.locator('input[type=file]').setInputFiles(file)
  // All 1,000 nodes are drawn (the minimap draws every node; the canvas only those in view).
  await page.waitForSelector('[data-minimap-nodes="1000"]', { timeout: 60_000 })
  await page.waitForSelector('.canvas[data-settled="true"]')
  // PROF_CSS: a style sheet added to the page, to try what a change of style would save.
  if (process.env.PROF_CSS) await page.addStyleTag({ content: process.env.PROF_CSS })
  await page.waitForTimeout(1000)
  // PROF_WHOLE=1: the whole lab in view (the controls' fit button), as the bench's 'whole' figure.
  if (process.env.PROF_WHOLE) {
    await page.locator('[data-action="fit-whole"]').click()
    await page.waitForTimeout(500)
  }
  const cdp = await page.context().newCDPSession(page)
  for (const g of gestures) await profile(page, cdp, g)
} finally {
  await browser.close()
  await server.close()
}

async function profile(page: Page, cdp: CDPSession, gesture: 'pan' | 'zoom' | 'drag') {
  const events: TraceEvent[] = []
  const collect = (e: { value: unknown[] }) => {
    events.push(...(e.value as TraceEvent[]))
  }
  cdp.on('Tracing.dataCollected', collect)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
  await cdp.send('Tracing.start', {
    categories:
      process.env.PROF_CATEGORIES ??
      'devtools.timeline,disabled-by-default-devtools.timeline,v8,blink.user_timing',
    transferMode: 'ReportEvents',
  })
  // PROF_DROP=1: the CPU profile covers only the release of a drag (the drop), not its moves.
  const dropOnly = process.env.PROF_DROP !== undefined && gesture === 'drag'
  if (!dropOnly) await cdp.send('Profiler.start')
  const zoom = await page.evaluate(
    '(() => { const t = getComputedStyle(document.querySelector(".react-flow__viewport")).transform; return t })()',
  )
  const pane = (await page.locator('.react-flow__pane').boundingBox())!
  const start = await startPoint(page, pane, gesture === 'drag' ? 'node' : 'pane', lab)
  await recordFrames(page)
  const t0 = performance.now()
  await page.mouse.move(start.x, start.y)
  if (gesture === 'zoom') {
    for (let i = 0; i < 30; i++) await page.mouse.wheel(0, i < 15 ? -60 : 60)
  } else {
    await page.mouse.down()
    for (let i = 0; i < 60; i++) {
      await page.mouse.move(start.x - i * 8, start.y - i * 4)
      if (i === 5 && process.env.PROF_PROBE)
        console.log('  probe:', await page.evaluate(process.env.PROF_PROBE))
    }
    if (dropOnly) await cdp.send('Profiler.start')
    await page.mouse.up()
    if (dropOnly) await page.evaluate('new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50)))')
  }
  const wall = performance.now() - t0
  const times = await stopFrames(page)
  const { profile: cpu } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile }
  const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r))
  await cdp.send('Tracing.end')
  await done
  cdp.off('Tracing.dataCollected', collect)
  const total = times.reduce((a, b) => a + b, 0)
  console.log(
    `\n== ${gesture}: ${((1000 * times.length) / total).toFixed(1)} fps, ${times.length} frames, gesture ${wall.toFixed(0)} ms, viewport ${zoom}`,
  )
  summariseTrace(events)
  if (!process.env.PROF_QUIET) summariseCpu(cpu)
}

interface TraceEvent {
  name: string
  ph: string
  pid: number
  tid: number
  ts: number
  dur?: number
  args?: { name?: string; data?: unknown }
}

function summariseTrace(events: TraceEvent[]) {
  // PROF_DUMP=Paint: the arguments of a few events of that name (what was painted, and why).
  const dump = process.env.PROF_DUMP
  if (dump)
    for (const e of events.filter((e) => e.name === dump).slice(-30))
      console.log(`  ${dump} ${JSON.stringify(e.args)}`)
  const threads = new Map<string, string>()
  for (const e of events)
    if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args?.name ?? '')
  // PROF_LONG=8: each main-thread task over 8 ms, with what took most of it.
  const long = Number(process.env.PROF_LONG ?? 0)
  if (long) {
    const main = events.filter((e) => threads.get(`${e.pid}:${e.tid}`) === 'CrRendererMain' && e.ph === 'X')
    const t0 = Math.min(...main.map((e) => e.ts))
    for (const task of main.filter((e) => e.name === 'RunTask' && (e.dur ?? 0) > long * 1000)) {
      const inside = main.filter(
        (e) =>
          e !== task && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= task.ts + task.dur! && (e.dur ?? 0) > 500,
      )
      const parts = inside
        .filter((e) => !['v8.callFunction', 'FunctionCall', 'RunTask'].includes(e.name))
        .map((e) => `${e.name} ${((e.dur ?? 0) / 1000).toFixed(1)}`)
      console.log(
        `  +${((task.ts - t0) / 1000).toFixed(0)}ms task ${(task.dur! / 1000).toFixed(1)}ms: ${parts.join(', ')}`,
      )
    }
  }
  // PROF_FRAME=60: what the main thread did around the 60th Layerize (one frame of the gesture).
  const frameAt = Number(process.env.PROF_FRAME ?? 0)
  if (frameAt) {
    const main = events.filter((e) => threads.get(`${e.pid}:${e.tid}`) === 'CrRendererMain')
    const layerize = main.filter(
      (e) => e.name === 'Layerize' && (e.dur ?? 0) > Number(process.env.PROF_LAYERIZE_US ?? 5000),
    )
    const at = layerize[frameAt]!
    const prev = layerize[frameAt - 1]!
    for (const e of main.filter((e) => e.ts > prev.ts && e.ts <= at.ts).sort((a, b) => a.ts - b.ts))
      if ((e.dur ?? 0) > Number(process.env.PROF_MIN_US ?? 300) || (e.ph !== 'X' && process.env.PROF_MIN_US))
        console.log(
          `   +${((e.ts - prev.ts) / 1000).toFixed(1)}ms ${e.name} ${((e.dur ?? 0) / 1000).toFixed(1)}ms ${JSON.stringify(e.args?.data ?? '').slice(0, 160)}`,
        )
  }
  for (const name of ['Layerize', 'HitTest', 'Paint', 'FunctionCall']) {
    const ds = events
      .filter((e) => e.name === name && threads.get(`${e.pid}:${e.tid}`) === 'CrRendererMain' && e.dur)
      .map((e) => e.dur! / 1000)
      .sort((a, b) => a - b)
    if (ds.length)
      console.log(
        `  ${name} ms: p50 ${ds[ds.length >> 1]!.toFixed(1)} p90 ${ds[Math.floor(ds.length * 0.9)]!.toFixed(1)} max ${ds.at(-1)!.toFixed(1)} (${ds.length})`,
      )
  }
  const perThread = new Map<string, Map<string, { ms: number; n: number }>>()
  for (const e of events) {
    if (e.ph !== 'X' || e.dur === undefined) continue
    const thread = threads.get(`${e.pid}:${e.tid}`) ?? `${e.tid}`
    const byName = perThread.get(thread) ?? new Map()
    perThread.set(thread, byName)
    const s = byName.get(e.name) ?? { ms: 0, n: 0 }
    s.ms += e.dur / 1000
    s.n++
    byName.set(e.name, s)
  }
  for (const [thread, byName] of perThread) {
    if (!/CrRendererMain|Compositor|Raster|VizCompositor|CrBrowserMain/.test(thread)) continue
    const top = [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, 14)
    console.log(`  [${thread}] ${top.map(([n, s]) => `${n} ${s.ms.toFixed(0)}ms/${s.n}`).join(', ')}`)
  }
}

interface CpuProfile {
  nodes: {
    id: number
    callFrame: { functionName: string; url: string; lineNumber: number }
    children?: number[]
  }[]
  samples: number[]
  timeDeltas: number[]
}

function summariseCpu(p: CpuProfile) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const self = new Map<string, number>()
  p.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame
    const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`
    self.set(key, (self.get(key) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000)
  })
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)
  for (const [k, ms] of top) console.log(`    ${ms.toFixed(0).padStart(6)} ms  ${k}`)
  // Inclusive time per function (each counted once per sample however deep it recurses).
  const parent = new Map<number, number>()
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const inclusive = new Map<string, number>()
  p.samples.forEach((id, i) => {
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame
      if (!f.url) continue
      const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`
      if (seen.has(key)) continue
      seen.add(key)
      inclusive.set(key, (inclusive.get(key) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000)
    }
  })
  console.log('  inclusive:')
  const topIn = [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.PROF_TOP ?? 60))
  for (const [k, ms] of topIn) console.log(`    ${ms.toFixed(0).padStart(6)} ms  ${k}`)
}
