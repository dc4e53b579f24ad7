// "This machine" in Chromium against a real `serve` run by root: the editor shows what discover
// finds (here a user's bridge and netns made by hand under this test's prefix), changes nothing in
// it, and becomes an ordinary editable file once saved with Save As.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine } from '../../electron/core/create-engine.ts'
import { LabFiles } from '../../electron/core/lab-files.ts'
import { engineService } from '../../electron/core/service.ts'
import { type RunningServer, serve } from '../../electron/serve/server.ts'
import { missingLabHost, testPrefix } from '../integration/support/lab-host.ts'
import { sweep } from '../integration/support/machine.ts'
import { launchChromium } from '../support/chromium.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs', 'docker', 'chromium'])
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

describe.skipIf(skipReason !== null)('the editor opens this machine', () => {
  const prefix = testPrefix()
  const [bridge, ns, hostEnd] = [`${prefix}u`, `${prefix}n`, `${prefix}h`]
  const folder = mkdtempSync(join(tmpdir(), `${prefix}-machine-`))
  let server: RunningServer
  let browser: Browser
  let page: Page
  const readOnly = () => page.locator('[data-state="read-only"]').count()
  /** The node's own menu, Delete: the same command whether or not the lab may change. */
  const deleteNode = async () => {
    await page.locator(`[data-node-id="${ns}"]`).click({ button: 'right' })
    await page.locator('[data-menu-action="delete"]').click()
  }

  beforeAll(async () => {
    for (const argv of [
      ['link', 'add', bridge, 'type', 'bridge'],
      ['link', 'set', bridge, 'up'],
      ['netns', 'add', ns],
      ['link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', 'eth1', 'netns', ns],
      ['link', 'set', hostEnd, 'master', bridge, 'up'],
      ['-n', ns, 'addr', 'add', '10.93.0.2/24', 'dev', 'eth1'],
      ['-n', ns, 'link', 'set', 'eth1', 'up'],
    ])
      await execa('ip', argv)
    const engine = createEngine({ stateDir: `/tmp/patchbay-test-state/${prefix}` })
    server = await serve({
      service: engineService(engine, { files: new LabFiles({ dir: folder }) }),
      staticDir: join(root, 'dist', 'renderer'),
    })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
    await page.goto(server.url)
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await sweep(prefix)
    rmSync(folder, { recursive: true, force: true })
  })

  it('shows what discover finds, read-only', async () => {
    await page.locator('[data-action="open-machine"]').click()
    await page.waitForSelector(`[data-node-id="${bridge}"]`, { timeout: 60_000 })
    await page.waitForSelector(`[data-node-id="${ns}"]`)
    await page.waitForSelector(`[data-link-id="${ns}:eth1"]`)
    expect(await readOnly()).toBe(1)
    // A delete changes nothing while it is the machine as it is.
    await deleteNode()
    await page.waitForTimeout(300)
    expect(await page.locator(`[data-node-id="${ns}"]`).count()).toBe(1)
  }, 90_000)

  it('becomes an editable file with Save As', async () => {
    page.once('dialog', (dialog) => void dialog.accept('machine.yaml'))
    await page.locator('[data-action="save-as"]').click()
    await expect.poll(readOnly).toBe(0)
    const saved = join(folder, 'machine.yaml')
    expect(existsSync(saved)).toBe(true)
    expect(readFileSync(saved, 'utf8')).toContain(`hostIfname: ${hostEnd}`)
    await deleteNode()
    await expect.poll(() => page.locator(`[data-node-id="${ns}"]`).count()).toBe(0)
  })
})
