// An exercise as a student meets it, in Chromium against a real `serve`: the broken trunk exercise
// opens with its goals as a checklist (two unmet, each saying why), a goal explains its path on the
// canvas, fixing the trunk in the inspector turns every goal green at once, and once applied the
// same goals graded on the machine (checkLab) are green too.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine } from '../../electron/core/create-engine.ts'
import { engineService, type Service } from '../../electron/core/service.ts'
import { type RunningServer, serve } from '../../electron/serve/server.ts'
import { loadLab } from '../../shared/lab/load.ts'
import { missingLabHost } from '../integration/support/lab-host.ts'
import { launchChromium } from '../support/chromium.ts'

const skipReason = await missingLabHost(['chromium', 'iproute2', 'ovs'])
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const rendererDir = join(root, 'dist', 'renderer')
const shots = join(root, 'test-results', 'understand')

const goals = (page: Page) =>
  page
    .locator('[data-goal]')
    .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-goal')}: ${e.getAttribute('data-goal-ok')}`))

describe.skipIf(skipReason !== null)('an exercise checklist turning green', () => {
  let server: RunningServer
  let service: Service
  let browser: Browser
  let page: Page
  const exerciseFile = join(root, 'examples', 'exercises', '3-fix-broken-trunk.yaml')

  beforeAll(async () => {
    if (!existsSync(join(rendererDir, 'index.html')))
      throw new Error('the renderer is not built: run `npm run build:renderer`')
    mkdirSync(shots, { recursive: true })
    service = engineService(createEngine({ stateDir: '/tmp/patchbay-test-state/exercise' }))
    server = await serve({ service, staticDir: rendererDir })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
    page.on('dialog', (dialog) => void dialog.accept())
    await page.goto(server.url)
    await page.waitForSelector('[data-node-id]')
  })

  afterAll(async () => {
    // Whatever the page did, the exercise's lab leaves nothing on the machine.
    await service?.call('destroyLab', { lab: loadLab(readFileSync(exerciseFile, 'utf8')).lab })
    await browser?.close()
    await server?.close()
  })

  it('opens the broken-trunk exercise with two goals unmet, each saying why', async () => {
    // The demo lab has no exercise: no checklist.
    expect(await page.locator('[data-panel="exercise"]').count()).toBe(0)
    await page.locator('input[type=file]').setInputFiles(exerciseFile)
    await page.waitForSelector('[data-panel="exercise"]')
    await page.waitForSelector('.canvas[data-settled="true"]')
    expect(await goals(page)).toEqual([
      'reach h1a h2a: true',
      'reach h1b h2b: false',
      'isolated h1a h2b: true',
      'trunk ovs1~ovs2 carries 100, 200: false',
    ])
    expect(await page.locator('[data-exercise-score]').getAttribute('data-exercise-score')).toBe('2/4')
    expect(await page.locator('[data-goal="reach h1b h2b"] [data-goal-why]').textContent()).toBe(
      'the trunk ovs1~ovs2 does not carry VLAN 200 (it carries 100)',
    )
    // The goal explains its path on the canvas, the trunk marked as the blocking hop.
    await page.locator('[data-goal="reach h1b h2b"] .goal-link').click()
    await page.waitForSelector('[data-path-card="explain"]')
    expect(await page.locator('[data-path-blocked]').getAttribute('data-path-blocked')).toBe('ovs1~ovs2')
    await page.screenshot({ path: join(shots, '08-exercise-unmet.png') })
  })

  it('fixing the trunk on the canvas turns every goal green', async () => {
    await page.keyboard.press('Escape')
    await page.locator('[data-link-label="ovs1~ovs2"]').click()
    const trunk = page.locator('[data-field="links[4].trunk"]')
    await trunk.fill('100 200')
    await trunk.press('Enter')
    await expect
      .poll(() => page.locator('[data-exercise-score]').getAttribute('data-exercise-score'))
      .toBe('4/4')
    expect(await goals(page)).toEqual([
      'reach h1a h2a: true',
      'reach h1b h2b: true',
      'isolated h1a h2b: true',
      'trunk ovs1~ovs2 carries 100, 200: true',
    ])
    expect(await page.locator('[data-goal-why]').count()).toBe(0)
    await page.screenshot({ path: join(shots, '09-exercise-met.png') })
  })

  it('applied, the goals graded on the machine are green as well', async () => {
    // Before applying there is nothing on the machine to grade: it says so and grades the drawing.
    await page.locator('[data-action="check-machine"]').click()
    await page.waitForSelector('[data-machine-check="drawing"]')
    expect(await page.locator('[data-machine-check] .exercise-source').textContent()).toBe(
      'graded from the drawing (the lab is not applied)',
    )
    await page.locator('[data-action="apply"]').click()
    await page.waitForSelector('[data-output="plan"] [data-plan-group="create"]')
    await page.locator('[data-action="run-plan"]').click()
    await expect
      .poll(() => page.locator('[data-output="text"] h4').textContent(), { timeout: 60_000 })
      .toMatch(/^applied: \d+ ops/)
    await page.locator('[data-action="check-machine"]').click()
    await page.waitForSelector('[data-machine-check="machine"]', { timeout: 30_000 })
    expect(await page.locator('[data-machine-check]').getAttribute('data-machine-check-ok')).toBe('true')
    expect(
      await page
        .locator('[data-machine-goal-ok]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-machine-goal-ok'))),
    ).toEqual(['true', 'true', 'true', 'true'])
    await page.screenshot({ path: join(shots, '10-exercise-met-on-machine.png') })
  })
})
