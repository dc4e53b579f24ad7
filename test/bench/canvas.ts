// Frame times of the editor's canvas with 1,000 nodes and 1,500 links in headless Chromium, panned
// and zoomed, against a real `serve` with the built renderer.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { createEngine } from '../../electron/core/create-engine.ts'
import { engineService } from '../../electron/core/service.ts'
import { serve } from '../../electron/serve/server.ts'
import { saveLab } from '../../shared/lab/save.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { labNodeSizes } from '../../shared/layout/geometry.ts'
import { launchChromium } from '../support/chromium.ts'
import { bigLab } from './labs.ts'
import { round, spread } from './stats.ts'

/** PATCHBAY_BENCH_CANVAS=open200 times only the 200-node open (the 1,000-node gestures take minutes). */
const only = process.env.PATCHBAY_BENCH_CANVAS

export async function canvasFigure() {
  // 1,000 nodes (100 bridges, 900 guests) and 1,500 links: 900 guest links, the chain of 99
  // trunks, and more trunks between bridges further apart until there are 1,500.
  const lab = bigLab(100, 900, 'canvas-bench')
  for (let step = 2; lab.links!.length < 1500; step++) {
    for (let b = 0; b + step < 100 && lab.links!.length < 1500; b++) {
      lab.links!.push({ between: [`s${b}`, `s${b + step}`], trunk: [10 * step] })
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'patchbay-bench-'))
  const file = join(dir, 'big.yaml')
  writeFileSync(file, saveLab(lab))
  const server = await serve({
    service: engineService(createEngine({ stateDir: dir })),
    staticDir: join(import.meta.dirname, '..', '..', 'dist', 'renderer'),
  })
  const browser = await launchChromium()
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    await page.goto(server.url)
    await page.waitForSelector('[data-node-id="ovs0"]')
    if (only === 'open200') return { open200: await openFigure(page, dir) }
    if (only !== undefined) throw new Error(`PATCHBAY_BENCH_CANVAS=${only}: only open200 is known`)
    const started = performance.now()
    await page.locator('input[type=file]').setInputFiles(file)
    // All 1,000 nodes are drawn: the minimap draws every node (the canvas draws only those in view,
    // so the last node need not be in the page).
    await page.waitForSelector('[data-minimap-nodes="1000"]', { timeout: 60_000 })
    const loadMs = round(performance.now() - started)
    const frames = async (gesture: 'pan' | 'drag' | 'zoom') => {
      const pane = (await page.locator('.react-flow__pane').boundingBox())!
      // Where the gesture starts: a pan presses on the empty canvas, a drag on a node. (Pressed on
      // a node, a "pan" drags that node instead: the laid-out lab has nodes at the centre.)
      const start = await startPoint(page, pane, gesture === 'drag' ? 'node' : 'pane', lab)
      // Frames from the press to the release. The figure is frames per second over the whole gesture,
      // not the median frame: a gesture whose moves each take a long task between idle frames would
      // otherwise read as 60 fps (dragging did, at ~1 s per move).
      await recordFrames(page)
      await page.mouse.move(start.x, start.y)
      if (gesture === 'zoom') {
        for (let i = 0; i < 30; i++) await page.mouse.wheel(0, i < 15 ? -60 : 60)
      } else {
        await page.mouse.down()
        for (let i = 0; i < 60; i++) await page.mouse.move(start.x - i * 8, start.y - i * 4)
        await page.mouse.up()
      }
      const times = await stopFrames(page)
      const total = times.reduce((a, b) => a + b, 0)
      return { frameMs: spread(times.map(round)), fps: round((1000 * times.length) / total) }
    }
    return {
      nodes: Object.keys(lab.nodes).length,
      links: lab.links!.length,
      loadMs,
      // Dragging a node moves it in the lab: every frame redraws its links, labels and halos.
      drag: await frames('drag'),
      pan: await frames('pan'),
      zoom: await frames('zoom'),
      // The same gestures with the whole lab in view (the controls' fit button, zoom ~0.12): every
      // node and link is drawn, none culled, as a user sees who zooms out to find something.
      whole: await (async () => {
        await page.locator('[data-action="fit-whole"]').click()
        await page.waitForSelector('.canvas[data-zoom="far"]')
        await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => resolve(null)))')
        return { drag: await frames('drag'), pan: await frames('pan'), zoom: await frames('zoom') }
      })(),
      // Last: it reloads the page with a 200-node lab (measured first, the gestures above were of it).
      open200: await openFigure(page, dir),
    }
  } finally {
    await browser.close()
    await server.close()
  }
}

/**
 * The first point of a grid over the pane whose topmost element is the empty pane, or the centre of
 * a node near the middle. Zoomed out the lab is one canvas (overview.tsx): a node is then found from
 * the lab's layout and the view's transform, as the canvas places it.
 */
export async function startPoint(
  page: Page,
  pane: { x: number; y: number; width: number; height: number },
  on: 'pane' | 'node',
  lab: Lab,
): Promise<{ x: number; y: number }> {
  const sizes = labNodeSizes(lab)
  const nodes = Object.keys(lab.nodes).map((name) => {
    const at = lab.layout![name]!
    const size = sizes.get(name)!
    return { x: at.x + size.width / 2, y: at.y + size.height / 2 }
  })
  const found = (await page.evaluate(`(() => {
    const box = ${JSON.stringify(pane)}
    const far = document.querySelector('.canvas[data-zoom="far"]') !== null
    const on = ${JSON.stringify(on)}
    if (on === 'node' && far) {
      const m = new DOMMatrixReadOnly(getComputedStyle(document.querySelector('.react-flow__viewport')).transform)
      const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 }
      const screen = ${JSON.stringify(nodes)}.map((n) => ({ x: box.x + m.e + n.x * m.a, y: box.y + m.f + n.y * m.a }))
        .filter((p) => document.elementFromPoint(p.x, p.y)?.classList.contains('react-flow__pane'))
        .sort((a, b) => Math.hypot(a.x - centre.x, a.y - centre.y) - Math.hypot(b.x - centre.x, b.y - centre.y))
      return screen[0] ?? null
    }
    for (const fy of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9])
      for (const fx of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8]) {
        const x = box.x + box.width * fx, y = box.y + box.height * fy
        const hit = document.elementFromPoint(x, y)
        const ok = on === 'pane'
          ? hit && hit.classList.contains('react-flow__pane')
          : hit && hit.closest('.react-flow__node') && !hit.closest('.react-flow__node-domains')
        if (ok) return { x, y }
      }
    return null
  })()`)) as { x: number; y: number } | null
  if (!found) throw new Error(`bench: no ${on} to press on in the canvas`)
  return found
}

/**
 * Opening a 200-node lab that has no positions (20 OVS bridges in a chain of trunks, 180 guests, all
 * on one host: ELK's biggest single graph) until it is laid out and drawn, as a user opens a file
 * in an editor that has been open a moment (ELK is loaded while the first lab shows).
 */
async function openFigure(page: Page, dir: string) {
  const lab = bigLab(20, 180, 'open-bench')
  delete lab.layout
  const file = join(dir, 'open-200.yaml')
  writeFileSync(file, saveLab(lab))
  const runs: number[] = []
  for (let run = 0; run < Number(process.env.PATCHBAY_BENCH_RUNS ?? 3); run++) {
    await page.reload()
    await page.waitForSelector('.canvas[data-settled="true"] [data-node-id]')
    // The page is loaded and idle, as an editor a user has just started.
    await page.waitForTimeout(1500)
    const started = performance.now()
    await page.locator('input[type=file]').setInputFiles(file)
    // Looked for at every frame: waitForSelector polls at growing intervals (after 270 ms, every
    // 500 ms), which added up to half a second to the figure, a different amount each run.
    await page.evaluate(`new Promise((resolve, reject) => {
      const until = performance.now() + 60000
      const look = () => {
        // Its 200 nodes are drawn (the minimap draws them all; the canvas those in view).
        if (document.querySelector('[data-minimap-nodes="200"]') && document.querySelector('.canvas[data-settled="true"]'))
          resolve(null)
        else if (performance.now() > until) reject(new Error('bench: the 200-node lab did not settle in 60 s'))
        else requestAnimationFrame(look)
      }
      look()
    })`)
    // Drawn: the frame after the laid-out lab rendered.
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => resolve(null)))')
    runs.push(round(performance.now() - started))
  }
  return { nodes: Object.keys(lab.nodes).length, links: lab.links!.length, ms: spread(runs) }
}

/**
 * Starts recording frame times in the page (a string, not a function: the TypeScript loader would
 * add helpers the page does not have); stopFrames ends it and gives them.
 */
export async function recordFrames(page: Page): Promise<void> {
  await page.evaluate(`window.__benchFrames = new Promise((resolve) => {
    const times = []
    let last = performance.now()
    window.__benchStop = false
    const tick = (now) => {
      times.push(now - last)
      last = now
      if (!window.__benchStop) requestAnimationFrame(tick)
      else resolve(times.slice(1))
    }
    requestAnimationFrame(tick)
  }); true`)
}

export const stopFrames = async (page: Page): Promise<number[]> =>
  (await page.evaluate('window.__benchStop = true; window.__benchFrames')) as number[]
