// The canvas as a new user first sees it, in Chromium against a real `serve`: a lab file without
// positions opens laid out — every node in view, nothing on top of anything, each broadcast domain's
// halo in its VLAN's colour — and every example lab is photographed at 1600×1000 for a person to look at.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine } from '../../electron/core/create-engine.ts'
import { engineService } from '../../electron/core/service.ts'
import { type RunningServer, serve } from '../../electron/serve/server.ts'
import { loadLab } from '../../shared/lab/load.ts'
import { missingLabHost } from '../integration/support/lab-host.ts'
import { launchChromium } from '../support/chromium.ts'
import { outside, pairsOverlapping, rects } from '../support/dom-rects.ts'
import { scenariosDir } from '../support/scenarios.ts'

const skipReason = await missingLabHost(['chromium'])
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const rendererDir = join(root, 'dist', 'renderer')
const examplesDir = join(root, 'examples')
const shots = join(root, 'test-results', 'canvas')

/** Every example lab, by file name (examples/ and its exercises first; the seed scenarios where it has none). */
function exampleLabs(): Map<string, string> {
  const labs = new Map<string, string>()
  for (const dir of [examplesDir, join(examplesDir, 'exercises'), scenariosDir])
    if (existsSync(dir))
      for (const file of readdirSync(dir).sort())
        if (file.endsWith('.yaml') && !labs.has(file)) labs.set(file, join(dir, file))
  return labs
}

/** Opens a lab file the way a user does today: the Open button's file picker. */
async function openLab(page: Page, path: string) {
  const lab = loadLab(readFileSync(path, 'utf8')).lab!
  await page.locator('input[type=file]').setInputFiles(path)
  const last = Object.keys(lab.nodes).at(-1)!
  await page.waitForSelector(`[data-node-id="${last}"]`)
  // Laid out and fitted: the nodes stop moving.
  let before = ''
  await expect
    .poll(async () => {
      const now = JSON.stringify(await rects(page, '[data-node-id]', 'data-node-id'))
      const still = now === before
      before = now
      return still
    })
    .toBe(true)
  return lab
}

/** A node's y on the canvas (its wrapper's top, Canvas.tsx placedAt), whatever the view's pan and zoom. */
const canvasY = (page: Page, id: string) =>
  page
    .locator(`.react-flow__node:has([data-node-id="${id}"])`)
    .evaluate((e) => Math.round(Number.parseFloat((e as HTMLElement).style.top)))

describe.skipIf(skipReason !== null)('a lab opened on the canvas', () => {
  let server: RunningServer
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    if (!existsSync(join(rendererDir, 'index.html')))
      throw new Error('the renderer is not built: run `npm run build:renderer`')
    mkdirSync(shots, { recursive: true })
    server = await serve({
      service: engineService(createEngine({ stateDir: '/tmp/patchbay-test-state/canvas' })),
      staticDir: rendererDir,
    })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
    await page.goto(server.url)
    await page.waitForSelector('[data-node-id]')
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('lays out the three-host lab readably: all in view, no overlaps, domains in their VLAN colours', async () => {
    const lab = await openLab(page, join(examplesDir, 'three-hosts.yaml'))
    expect(lab.layout).toBeUndefined()
    const canvas = (await page.locator('.react-flow__pane').boundingBox())!
    const nodes = await rects(page, '[data-node-id]', 'data-node-id')
    expect(nodes.map((n) => n.id).sort()).toEqual(Object.keys(lab.nodes).sort())

    // Every node inside the visible canvas.
    const outside = nodes.filter(
      (n) =>
        n.x < canvas.x ||
        n.y < canvas.y ||
        n.x + n.width > canvas.x + canvas.width ||
        n.y + n.height > canvas.y + canvas.height,
    )
    expect(outside.map((n) => n.id)).toEqual([])
    expect(pairsOverlapping(nodes, nodes)).toEqual([])

    // Labels and chips: one per link, none on another or on a node, and big enough to read.
    const labels = await rects(page, '[data-link-label]', 'data-link-label')
    expect(labels).toHaveLength(lab.links!.length)
    const chips = (await rects(page, '[data-link-chip]', 'data-link-chip')).map((c) => ({
      ...c,
      id: `chip ${c.id}`,
    }))
    const texts = [...labels, ...chips]
    expect(pairsOverlapping(texts, texts)).toEqual([])
    expect(pairsOverlapping(texts, nodes)).toEqual([])
    // Text on screen at 9px or more: the label's font size times the canvas zoom.
    const fontPx = await page
      .locator('[data-link-label]')
      .first()
      .evaluate(
        (e) =>
          Number.parseFloat(getComputedStyle(e).fontSize) *
          (e.getBoundingClientRect().height / (e as HTMLElement).offsetHeight),
      )
    expect(fontPx).toBeGreaterThanOrEqual(9)

    // The guest end of a link carries its address; its bridge end the VLAN chip.
    const web1 = labels.find((l) => l.id === 'web1:eth1')!
    const web1Node = nodes.find((n) => n.id === 'web1')!
    const leaf = nodes.find((n) => n.id === 'ovsl1')!
    expect(await page.locator('[data-link-label="web1:eth1"]').textContent()).toContain('10.10.0.1/24')
    expect(Math.abs(web1.y + web1.height - web1Node.y)).toBeLessThan(30)
    const chip = chips.find((c) => c.id === 'chip web1:eth1')!
    expect(Math.abs(chip.y - (leaf.y + leaf.height))).toBeLessThan(30)

    // One colour per VLAN: the links, chips and legend agree, and so does each domain's halo.
    const coloured = await page
      .locator('[data-vlan][data-colour]')
      .evaluateAll((els) =>
        els.map((e) => [e.getAttribute('data-vlan'), e.getAttribute('data-colour')] as const),
      )
    const colourOf = new Map<string, Set<string>>()
    for (const [vlan, colour] of coloured)
      colourOf.set(vlan!, (colourOf.get(vlan!) ?? new Set()).add(colour!))
    expect([...colourOf.keys()].sort()).toEqual(['10', '20', '30'])
    for (const [vlan, colours] of colourOf) expect([vlan, [...colours]]).toEqual([vlan, [[...colours][0]]])
    const overlays = await page
      .locator('[data-domain-overlay]')
      .evaluateAll((els) =>
        els.map((e) => [e.getAttribute('data-domain-vlan'), e.getAttribute('data-colour')] as const),
      )
    expect(overlays.map(([vlan]) => vlan).sort()).toEqual(['', '10', '20', '30'])
    for (const [vlan, colour] of overlays)
      if (vlan !== '') expect([vlan, colour]).toEqual([vlan, [...colourOf.get(vlan!)!][0]])
    expect(new Set([...colourOf.values()].map((c) => [...c][0])).size).toBe(3)
    await page.screenshot({ path: join(shots, 'three-hosts-opened.png') })
  })

  it('paints a link by clicking its label with a VLAN typed, one undo step', async () => {
    await page.locator('[data-field="paint-vlan"]').fill('20')
    await page.locator('[data-link-label="web2:eth1"]').click()
    await expect
      .poll(() => page.locator('[data-link-label="web2:eth1"]').getAttribute('data-vlan'))
      .toBe('20')
    await page.locator('[data-field="paint-vlan"]').fill('')
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } })
    await page.keyboard.press('Control+z')
    await expect
      .poll(() => page.locator('[data-link-label="web2:eth1"]').getAttribute('data-vlan'))
      .toBe('10')
  })

  it('keeps a node the user placed when laying out again, and re-lays it when asked to', async () => {
    const node = page.locator('[data-node-id="db3"]')
    const box = (await node.boundingBox())!
    const y0 = await canvasY(page, 'db3')
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 + 160, { steps: 8 })
    await page.mouse.up()
    const moved = (await node.boundingBox())!
    expect(moved.y).toBeGreaterThan(box.y + 60)
    // Once the browser is idle after the drop, every label is placed for the lab as it is now
    // (Canvas.tsx keeps the drag's placement until then): none on another label or on a node.
    await expect
      .poll(async () => {
        const labels = await rects(page, '[data-link-label]', 'data-link-label')
        const nodes = await rects(page, '[data-node-id]', 'data-node-id')
        return [...pairsOverlapping(labels, labels), ...pairsOverlapping(labels, nodes)]
      })
      .toEqual([])
    // The drag was one undo step: one Ctrl+Z puts it back (where it is on the canvas: a drag near
    // the canvas's edge pans the view as it goes, so the screen position is not the measure).
    await page.keyboard.press('Control+z')
    await expect.poll(() => canvasY(page, 'db3')).toBe(Math.round(y0))
    await page.keyboard.press('Control+y')
    await page.locator('[data-action="layout"]').click()
    const after = await rects(page, '[data-node-id]', 'data-node-id')
    expect(pairsOverlapping(after, after)).toEqual([])
    // Layout kept db3 below its neighbours; Re-layout all puts it back in their row.
    const row = (id: string) => Math.round(after.find((n) => n.id === id)!.y)
    expect(row('db3')).toBeGreaterThan(row('db2'))
    await page.locator('[data-action="relayout"]').click()
    await expect
      .poll(async () => {
        const again = await rects(page, '[data-node-id]', 'data-node-id')
        const y = (id: string) => Math.round(again.find((n) => n.id === id)!.y)
        return y('db3') === y('db2')
      })
      .toBe(true)
  })

  it('photographs every example lab at 1600×1000', async () => {
    const labs = exampleLabs()
    expect(labs.size).toBeGreaterThan(0)
    for (const [file, path] of labs) {
      const lab = await openLab(page, path)
      await page.screenshot({ path: join(shots, file.replace(/\.yaml$/, '.png')) })
      // Every example reads as cleanly as the three-host lab: all of it in view, nothing on anything.
      const canvas = (await page.locator('.react-flow__pane').boundingBox())!
      const nodes = await rects(page, '[data-node-id]', 'data-node-id')
      // (nodes out of view are not in the page at all: every one of them must be there)
      expect([file, nodes.map((n) => n.id).sort()]).toEqual([file, Object.keys(lab.nodes).sort()])
      expect([file, outside(nodes, canvas)]).toEqual([file, []])
      const texts = [
        ...(await rects(page, '[data-link-label]', 'data-link-label')),
        ...(await rects(page, '[data-link-chip]', 'data-link-chip')),
      ]
      expect([file, pairsOverlapping(nodes, nodes)]).toEqual([file, []])
      expect([file, pairsOverlapping(texts, [...texts, ...nodes])]).toEqual([file, []])
      expect([file, outside(texts, canvas)]).toEqual([file, []])
    }
  })

  it('drops palette nodes clear of the others (never on a bridge) and keeps them in view', async () => {
    page.once('dialog', (dialog) => void dialog.accept())
    await page.getByRole('button', { name: 'New' }).click()
    await expect.poll(() => page.locator('[data-node-id]').count()).toBe(0)
    const pane = page.locator('.react-flow__pane')
    const size = (await pane.boundingBox())!
    await page.locator('[data-palette="ovs-bridge"]').dragTo(pane, { targetPosition: { x: 400, y: 200 } })
    await page.waitForSelector('[data-node-id="ovs0"]')
    // Right on the bridge, then just beside it, then at the canvas's right edge (half out of view).
    const drops = [
      { x: 400, y: 200 },
      { x: 430, y: 215 },
      { x: size.width - 8, y: 300 },
    ]
    for (const [i, at] of drops.entries()) {
      await page.locator('[data-palette="netns"]').dragTo(pane, { targetPosition: at })
      await page.waitForSelector(`[data-node-id="ns${i}"]`)
    }
    const canvas = (await pane.boundingBox())!
    // All `count` nodes in the canvas (once any fit has run), none on another.
    const inViewApart = async (count: number) => {
      await expect
        .poll(async () => outside(await rects(page, '[data-node-id]', 'data-node-id'), canvas))
        .toEqual([])
      const drawn = await rects(page, '[data-node-id]', 'data-node-id')
      expect(drawn).toHaveLength(count)
      expect(pairsOverlapping(drawn, drawn)).toEqual([])
      return drawn
    }
    const nodes = await inViewApart(4)
    // The one dropped on the bridge is still near where it was dropped.
    const bridge = nodes.find((n) => n.id === 'ovs0')!
    const first = nodes.find((n) => n.id === 'ns0')!
    expect(Math.hypot(first.x - bridge.x, first.y - bridge.y)).toBeLessThan(200)
    expect(first.y).toBeGreaterThan(bridge.y + bridge.height)
    await page.screenshot({ path: join(shots, 'drawn-drops.png') })

    // Copy the bridge and the guest under it, paste: the copies land clear of everything, in view.
    await page.locator('[data-node-id="ovs0"]').click()
    await page.locator('[data-node-id="ns0"]').click({ modifiers: ['Shift'] })
    await page.keyboard.press('Control+c')
    await page.keyboard.press('Control+v')
    await page.waitForSelector('[data-node-id="ovs1"]')
    await inViewApart(6)
    await page.screenshot({ path: join(shots, 'drawn-pasted.png') })
  })
})
