// The editor as a person uses it, in Chromium against a real `serve` on the real lab host: draw the
// single-host VLAN lab on an empty canvas, apply, verify, watch a link go down, destroy.
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine } from '../../electron/core/create-engine.ts'
import { engineService } from '../../electron/core/service.ts'
import { type RunningServer, serve } from '../../electron/serve/server.ts'
import { labScoped } from '../../shared/plan/device-names.ts'
import { missingLabHost, testPrefix } from '../integration/support/lab-host.ts'
import { sweep } from '../integration/support/machine.ts'
import { launchChromium } from '../support/chromium.ts'
import { outside, pairsOverlapping, rects } from '../support/dom-rects.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs', 'docker', 'chromium'])
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const rendererDir = join(root, 'dist', 'renderer')
const shots = join(root, 'test-results', 'e2e')

describe.skipIf(skipReason !== null)('drawing, applying and watching a lab in the editor', () => {
  const prefix = testPrefix()
  const labName = `${prefix}-drawn`
  const engine = createEngine({ stateDir: `/tmp/patchbay-test-state/${prefix}` })
  let server: RunningServer
  let browser: Browser
  let page: Page
  const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`) })

  beforeAll(async () => {
    if (!existsSync(join(rendererDir, 'index.html')))
      throw new Error('the renderer is not built: run `npm run build:renderer`')
    mkdirSync(shots, { recursive: true })
    server = await serve({ service: engineService(engine), staticDir: rendererDir })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
    // New asks before dropping unsaved changes; this person says yes.
    page.on('dialog', (dialog) => void dialog.accept())
    await page.goto(server.url)
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    // The bridge is the editor's default `ovs0`; it goes only if this lab made it.
    const owner = await execa(
      'ovs-vsctl',
      ['--if-exists', 'get', 'bridge', 'ovs0', 'external_ids:patchbay-lab'],
      { reject: false },
    )
    if (owner.stdout.replaceAll('"', '') === labName)
      await execa('ovs-vsctl', ['--if-exists', 'del-br', 'ovs0'], { reject: false })
    await sweep(prefix)
  })

  it('opens on the demo lab, with its two VLAN domains', async () => {
    await page.waitForSelector('[data-node-id="ovs0"]')
    expect(await page.locator('[data-link-id]').count()).toBe(4)
    expect(
      await page
        .locator('[data-domain-members]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-domain-members'))),
    ).toEqual(['test1:eth1 test2:eth1', 'test3:eth1 test4:eth1'])
    await shot('01-demo-lab')
  })

  it('lays the lab out, and draws a simulated host as a frame that takes the nodes dropped in it', async () => {
    await page.locator('[data-action="layout"]').click()
    await expect.poll(() => page.locator('[data-node-id]').count()).toBe(5)
    const pane = page.locator('.react-flow__pane')
    await page.locator('[data-palette="host"]').dragTo(pane, { targetPosition: { x: 860, y: 80 } })
    await page.waitForSelector('[data-host-id="host1"]')
    const frame = (await page.locator('[data-host-id="host1"]').boundingBox())!
    const paneBox = (await pane.boundingBox())!
    await page.locator('[data-palette="netns"]').dragTo(pane, {
      targetPosition: { x: frame.x - paneBox.x + 60, y: frame.y - paneBox.y + 60 },
    })
    await page.locator('[data-node-id="ns0"]').click()
    await expect.poll(() => page.locator('[data-field="nodes.ns0.host"]').inputValue()).toBe('host1')
    await shot('01b-layout-and-host')
  })

  it('draws the lab from an empty canvas by drag and drop', async () => {
    await page.getByRole('button', { name: 'New' }).click()
    await page.locator('[data-field="lab-name"]').fill(labName)
    const pane = page.locator('.react-flow__pane')
    await page.locator('[data-palette="ovs-bridge"]').dragTo(pane, { targetPosition: { x: 560, y: 80 } })
    for (const [i, x] of [120, 380, 640, 900].entries()) {
      await page.locator('[data-palette="container"]').dragTo(pane, { targetPosition: { x, y: 380 } })
      await page.waitForSelector(`[data-node-id="c${i + 1}"]`)
    }
    // A link is drawn from a guest's lower dot to the bridge's upper dot, as a person drags it.
    for (let i = 1; i <= 4; i++) {
      const from = await page.locator(`[data-node-id="c${i}"] .react-flow__handle-bottom`).boundingBox()
      const to = await page.locator('[data-node-id="ovs0"] .react-flow__handle-top').boundingBox()
      await page.mouse.move(from!.x + from!.width / 2, from!.y + from!.height / 2)
      await page.mouse.down()
      await page.mouse.move(to!.x + to!.width / 2, to!.y + to!.height / 2, { steps: 12 })
      await page.mouse.up()
      await page.waitForSelector(`[data-link-id="c${i}:eth1"]`)
    }
    for (let i = 1; i <= 4; i++) {
      await page.locator(`[data-link-id="c${i}:eth1"]`).click()
      const ip = page.locator(`[data-inspector="c${i}:eth1"] input[data-field$=".ip"]`)
      await ip.fill(`10.0.0.${i}/24`)
      await ip.press('Enter')
    }
    // Paint mode: pick a VLAN, click the ports.
    for (const [vlan, links] of [
      [100, [1, 2]],
      [200, [3, 4]],
    ] as const) {
      await page.locator('[data-paint]').fill(String(vlan))
      for (const i of links) await page.locator(`[data-link-id="c${i}:eth1"]`).click()
    }
    await page.locator('[data-paint]').fill('')
    await expect.poll(() => page.locator('[data-link-id="c3:eth1"]').getAttribute('data-vlan')).toBe('200')
    expect(
      await page
        .locator('[data-domain-members]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-domain-members'))),
    ).toEqual(['c1:eth1 c2:eth1', 'c3:eth1 c4:eth1'])
    // Ctrl+Z undoes the last paint stroke, Ctrl+Y puts it back.
    await page.locator('[data-paint]').blur()
    await page.keyboard.press('Control+z')
    await expect.poll(() => page.locator('[data-link-id="c4:eth1"]').getAttribute('data-vlan')).toBe('')
    await page.keyboard.press('Control+y')
    await expect.poll(() => page.locator('[data-link-id="c4:eth1"]').getAttribute('data-vlan')).toBe('200')
    await shot('02-drawn')
    // Drawn at the pointer, kept in view: every node and label on the canvas, nothing on anything.
    const canvas = (await page.locator('.react-flow__pane').boundingBox())!
    const nodes = await rects(page, '[data-node-id]', 'data-node-id')
    const labels = await rects(page, '[data-link-label]', 'data-link-label')
    expect(outside([...nodes, ...labels], canvas)).toEqual([])
    expect(pairsOverlapping(nodes, nodes)).toEqual([])
    expect(pairsOverlapping(labels, [...labels, ...nodes])).toEqual([])
  })

  it('applies, and verify shows the expected matrix', async () => {
    await page.locator('[data-action="apply"]').click()
    await page.waitForSelector('[data-output="plan"] [data-plan-group="create"]')
    // Grouped by what the ops do, with counts; per link the pipework line it stands for.
    expect(await page.locator('[data-count="create"]').textContent()).toMatch(/^\d+ create$/)
    expect(await page.locator('[data-count="remove"]').textContent()).toBe('0 remove')
    const c1 = page.locator('[data-plan-group="create"] [data-plan-subject="c1:eth1"]')
    expect(await c1.locator('summary .pipework').allTextContents()).toContain(
      '# pipework ovs0 c1 10.0.0.1/24 @100',
    )
    await c1.locator('summary').click()
    await expect.poll(() => c1.locator('[data-op]').first().isVisible()).toBe(true)
    await shot('03-plan')
    await page.locator('[data-action="run-plan"]').click()
    await expect
      .poll(() => page.locator('[data-output="text"] h4').textContent(), { timeout: 60_000 })
      .toMatch(/^applied: \d+ ops/)
    await expect
      .poll(() => page.locator('[data-link-id="c4:eth1"]').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('up')
    await page.locator('[data-action="verify"]').click()
    await page.waitForSelector('[data-output="matrix"][data-ok="true"]', { timeout: 30_000 })
    const reachable = await page
      .locator('[data-pair][data-reachable="true"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-pair')))
    expect(reachable).toEqual(['c1:eth1>c2:eth1', 'c2:eth1>c1:eth1', 'c3:eth1>c4:eth1', 'c4:eth1>c3:eth1'])
    await shot('04-applied-verified')
  })

  it('shows a link going down when its interface is brought down by hand', async () => {
    const pid = (await execa('docker', ['inspect', '-f', '{{.State.Pid}}', labScoped(labName, 'c2')])).stdout
    await execa('nsenter', ['-t', pid, '-n', 'ip', 'link', 'set', 'eth1', 'down'])
    await expect
      .poll(() => page.locator('[data-link-id="c2:eth1"]').getAttribute('data-state'), { timeout: 5000 })
      .toBe('down')
    // The machine's view of the domains: a link that is down cuts its guest off (c2 alone, and so
    // c1 too), so the drawn domain of c1 and c2 is marked as not so on the machine; VLAN 200 agrees.
    await page.locator('[data-action="observed-domains"]').click()
    await page.waitForSelector('[data-observed-members]')
    expect(
      await page
        .locator('[data-observed-members]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-observed-members'))),
    ).toEqual(['c1:eth1', 'c2:eth1', 'c3:eth1 c4:eth1'])
    expect(
      await page
        .locator('[data-differs="true"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-domain-members'))),
    ).toEqual(['c1:eth1 c2:eth1'])
    await shot('05-link-down')
  })

  it('destroys the lab', async () => {
    await page.locator('[data-action="destroy"]').click()
    await expect
      .poll(() => page.locator('[data-output="text"] h4').textContent(), { timeout: 60_000 })
      .toMatch(/^destroyed: \d+ ops/)
    const docker = await execa('docker', ['ps', '-a', '--format', '{{.Names}}'])
    expect(docker.stdout).not.toContain(labName)
    await shot('06-destroyed')
  })
})
