// A link's state and impairments in the editor, in Chromium against a real `serve` with a lab file:
// an impaired link carries a mark whose tooltip gives its values, the context menu takes a link
// down in one undo step (drawn as down on purpose, in the legend too) and the saved file says
// `state: down`; the inspector edits a netem field into the file.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine } from '../../electron/core/create-engine.ts'
import { LabFiles } from '../../electron/core/lab-files.ts'
import { engineService } from '../../electron/core/service.ts'
import { type RunningServer, serve } from '../../electron/serve/server.ts'
import { missingLabHost, testPrefix } from '../integration/support/lab-host.ts'
import { sweep } from '../integration/support/machine.ts'
import { launchChromium } from '../support/chromium.ts'

const skipReason = await missingLabHost(['iproute2', 'chromium'])
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const shots = join(root, 'test-results', 'e2e')

describe.skipIf(skipReason !== null)('link state and impairments in the editor', () => {
  const prefix = testPrefix()
  const [s, a, b] = [`${prefix}s`, `${prefix}a`, `${prefix}b`]
  const folder = mkdtempSync(join(tmpdir(), `${prefix}-state-`))
  const file = join(folder, 'lab.yaml')
  let server: RunningServer
  let browser: Browser
  let page: Page
  const dirty = () => page.locator('[data-dirty]').getAttribute('data-dirty')
  const save = async () => {
    await page.keyboard.press('Control+s')
    await expect.poll(dirty).toBe('false')
    return readFileSync(file, 'utf8')
  }

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true })
    writeFileSync(
      file,
      [
        'patchbay: 1',
        `name: ${prefix}-state`,
        'nodes:',
        `  ${s}: { kind: linux-bridge }`,
        `  ${a}: { kind: netns }`,
        `  ${b}: { kind: netns }`,
        'links:',
        `  - { guest: ${a}, to: ${s}, ip: 10.32.0.1/24, netem: { delay: 40ms, loss: 1% } }`,
        `  - { guest: ${b}, to: ${s}, ip: 10.32.0.2/24 }`,
        'layout:',
        `  ${s}: { x: 300, y: 60 }`,
        `  ${a}: { x: 140, y: 280 }`,
        `  ${b}: { x: 460, y: 280 }`,
        '',
      ].join('\n'),
    )
    const engine = createEngine({ stateDir: `/tmp/patchbay-test-state/${prefix}` })
    server = await serve({
      service: engineService(engine, { files: new LabFiles({ file }) }),
      staticDir: join(root, 'dist', 'renderer'),
    })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
    await page.goto(server.url)
    await page.waitForSelector(`[data-node-id="${s}"]`)
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await sweep(prefix)
    rmSync(folder, { recursive: true, force: true })
  })

  it('marks the impaired link only, with its values in the tooltip', async () => {
    const mark = page.locator(`[data-netem-mark="${a}:eth1"]`)
    expect(await mark.getAttribute('title')).toBe('impaired: delay 40ms, loss 1%')
    expect(await page.locator(`[data-netem-mark="${b}:eth1"]`).count()).toBe(0)
    expect(await page.locator('[data-legend-state="admin-down"]').count()).toBe(1)
  })

  it('takes a link down from its context menu in one undo step, and the file says state: down', async () => {
    await page.locator(`[data-link-label="${b}:eth1"]`).click({ button: 'right' })
    const toggle = page.locator('[data-menu-action="toggle-state"]')
    expect(await toggle.textContent()).toBe('Take link down')
    await toggle.click()
    const line = page.locator(`[data-link-line="${b}:eth1"]`)
    await expect.poll(() => line.getAttribute('data-state')).toBe('admin-down')
    expect(await page.locator(`[data-admin-down-mark="${b}:eth1"]`).count()).toBe(1)
    await page.screenshot({ path: join(shots, 'link-admin-down.png') })
    expect(await save()).toContain(`  - { guest: ${b}, to: ${s}, ip: 10.32.0.2/24, state: down }\n`)

    await page.keyboard.press('Control+z')
    await expect.poll(() => line.getAttribute('data-admin-down')).toBe(null)
    expect(await save()).toContain(`  - { guest: ${b}, to: ${s}, ip: 10.32.0.2/24 }\n`)
  })

  it('edits a netem field in the inspector, and a hostile value is shown as a problem there', async () => {
    await page.locator(`[data-link-label="${a}:eth1"]`).click()
    await page.waitForSelector(`[data-inspector="${a}:eth1"]`)
    const delay = page.locator('[data-field="links[0].netem.delay"]')
    await delay.fill('20ms')
    await delay.press('Enter')
    expect(await save()).toContain(`netem: { delay: 20ms, loss: 1% }`)
    const loss = page.locator('[data-field="links[0].netem.loss"]')
    await loss.fill('200%')
    await loss.press('Enter')
    await expect
      .poll(() => page.locator('[data-problem="links[0].netem.loss"]').first().textContent())
      .toBe('"200%" is more than 100%')
  })
})
