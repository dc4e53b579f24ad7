// The editor as a file editor, in Chromium against a real `serve` started with a lab file: it opens
// that file, a painted link marks it unsaved, Ctrl+S writes it back with its comments, a change on
// disk is offered for reload, an invalid file is shown with its lines, and no other path is served.
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

const skipReason = await missingLabHost(['iproute2', 'ovs', 'chromium'])
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const rendererDir = join(root, 'dist', 'renderer')
const shots = join(root, 'test-results', 'e2e')

const labText = (p: string) => `# A commented lab: these lines must survive a save from the editor.
patchbay: 1
name: ${p}-files
nodes:
  ${p}s: { kind: ovs-bridge } # the one switch
  ${p}a: { kind: netns }
  ${p}b: { kind: netns }
links:
  # two guests, one line each
  - { guest: ${p}a, to: ${p}s, ip: 10.31.0.1/24 }
  - { guest: ${p}b, to: ${p}s, ip: 10.31.0.2/24 }
layout:
  ${p}s: { x: 300, y: 60 }
  ${p}a: { x: 140, y: 280 }
  ${p}b: { x: 460, y: 280 }
`

describe.skipIf(skipReason !== null)('the editor opens and saves the lab file serve was given', () => {
  const prefix = testPrefix()
  const LAB = labText(prefix)
  const [s, a, b] = [`${prefix}s`, `${prefix}a`, `${prefix}b`]
  const folder = mkdtempSync(join(tmpdir(), `${prefix}-files-`))
  const file = join(folder, 'lab.yaml')
  let server: RunningServer
  let browser: Browser
  let page: Page
  const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`) })
  const dirty = () => page.locator('[data-dirty]').getAttribute('data-dirty')

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true })
    writeFileSync(file, LAB)
    const engine = createEngine({ stateDir: `/tmp/patchbay-test-state/${prefix}` })
    server = await serve({
      service: engineService(engine, { files: new LabFiles({ file }) }),
      staticDir: rendererDir,
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

  it('opens the file, saved and named in the title', async () => {
    await page.waitForSelector(`[data-node-id="${s}"]`)
    await expect.poll(() => page.locator('[data-file]').getAttribute('data-file')).toBe(file)
    expect(await dirty()).toBe('false')
    expect(await page.title()).toBe('lab.yaml — patchbay')
  })

  it('marks a painted link unsaved, and Ctrl+S writes it into the file with its comments', async () => {
    await page.locator('[data-field="paint-vlan"]').fill('30')
    await page.locator(`[data-link-label="${b}:eth1"]`).click()
    await expect.poll(() => page.locator(`[data-link-id="${b}:eth1"]`).getAttribute('data-vlan')).toBe('30')
    expect(await dirty()).toBe('true')
    expect(await page.title()).toBe('● lab.yaml — patchbay')
    // The split subnet is listed; a click on it selects the link it is about.
    await page.locator('[data-problem-field="links[0].ip"]').click()
    await page.waitForSelector(`[data-inspector="${a}:eth1"]`)
    await shot('10-file-unsaved')
    await page.locator('[data-field="paint-vlan"]').fill('')
    await page.keyboard.press('Control+s')
    await expect.poll(dirty).toBe('false')
    expect(await page.title()).toBe('lab.yaml — patchbay')
    const text = readFileSync(file, 'utf8')
    expect(text).toContain('# A commented lab: these lines must survive a save from the editor.')
    expect(text).toContain(`  ${s}: { kind: ovs-bridge } # the one switch`)
    expect(text).toContain(`  # two guests, one line each\n  - { guest: ${a}, to: ${s}, ip: 10.31.0.1/24 }\n`)
    expect(text).toContain(`  - { guest: ${b}, to: ${s}, ip: 10.31.0.2/24, vlan: 30 }\n`)
    // Undo is a change again; the Save button writes it back too.
    await page.keyboard.press('Control+z')
    await expect.poll(dirty).toBe('true')
    await page.locator('[data-action="save"]').click()
    await expect.poll(dirty).toBe('false')
    expect(readFileSync(file, 'utf8')).toContain(`  - { guest: ${b}, to: ${s}, ip: 10.31.0.2/24 }\n`)
  })

  it('refuses a path the page names outside what serve was given', async () => {
    const answers = await page.evaluate(
      async ({ token }) => {
        const call = async (name: string, body: unknown) => {
          const res = await fetch(`/api/${name}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify(body),
          })
          return { status: res.status, error: ((await res.json()) as { error?: string }).error }
        }
        const lab = { patchbay: 1, name: 'x', nodes: {}, links: [] }
        return [
          await call('openLab', { path: '../../etc/passwd' }),
          await call('saveLab', { path: '/etc/passwd', lab, version: null, overwrite: true }),
        ]
      },
      { token: server.token },
    )
    expect(answers).toEqual([
      {
        status: 400,
        error: `"../../etc/passwd" may not be opened or written: this editor was given only ${JSON.stringify(file)}`,
      },
      {
        status: 400,
        error: `"/etc/passwd" may not be opened or written: this editor was given only ${JSON.stringify(file)}`,
      },
    ])
  })

  it('offers to reload when the file changes on disk, and shows an invalid one with its lines', async () => {
    writeFileSync(file, LAB.replace('10.31.0.2/24', '10.31.0.9/24'))
    await page.waitForSelector('[data-disk-changed]', { timeout: 5000 })
    await shot('11-file-changed-on-disk')
    await page.locator('[data-action="reload"]').click()
    await expect
      .poll(() => page.locator(`[data-link-id="${b}:eth1"]`).textContent())
      .toContain('10.31.0.9/24')
    expect(await dirty()).toBe('false')
    expect(await page.locator('[data-disk-changed]').count()).toBe(0)

    writeFileSync(file, LAB.replace('10.31.0.2/24', '10.31.0.2/99'))
    await page.waitForSelector('[data-disk-changed]', { timeout: 5000 })
    await page.locator('[data-action="reload"]').click()
    await page.waitForSelector('[data-output="text"].failed')
    expect(await page.locator('[data-output="text"] h4').textContent()).toContain('is not a valid lab')
    expect(await page.locator('[data-output="text"] pre').textContent()).toMatch(
      /lab\.yaml:11:\d+ links\[1\]\.ip/,
    )
    await shot('12-file-invalid')
    writeFileSync(file, LAB)
    await page.locator('[data-action="reload"]').click()
    await expect.poll(dirty).toBe('false')
  })

  it('shows the plan as a diff, runs it, and verify as a grid; the status bar follows the machine', async () => {
    expect(await page.locator('[data-machine]').getAttribute('data-machine')).toBe('not-applied')
    await page.locator('[data-action="apply"]').click()
    await page.waitForSelector('[data-plan-group="create"]')
    expect(await page.locator('[data-count="remove"]').textContent()).toBe('0 remove')
    const link = page.locator(`[data-plan-group="create"] [data-plan-subject="${a}:eth1"]`)
    await link.locator('summary').click()
    await shot('13-plan-diff')
    await page.locator('[data-action="run-plan"]').click()
    await expect
      .poll(() => page.locator('[data-output="text"] h4').textContent(), { timeout: 60_000 })
      .toMatch(/^applied: \d+ ops/)
    await expect.poll(() => page.locator('[data-machine]').getAttribute('data-machine')).toBe('in-sync')
    await page.locator('[data-action="verify"]').click()
    await page.waitForSelector('[data-output="matrix"][data-ok="true"]', { timeout: 30_000 })
    expect(await page.locator(`td[data-pair="${a}:eth1>${b}:eth1"]`).getAttribute('class')).toBe('reach')
    await shot('14-verify-grid')
    await page.locator('[data-action="destroy"]').click()
    await expect
      .poll(() => page.locator('[data-output="text"] h4').textContent(), { timeout: 60_000 })
      .toMatch(/^destroyed: \d+ ops/)
  })
})
