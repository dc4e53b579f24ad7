// Following a frame on the canvas, in Chromium against a real `serve`, without applying anything:
// on the three-host lab an ARP request from web1 is stepped hop by hop (the DOM says which links it
// is on at each step, with which 802.1Q tag, and where guests hear it), guests of other VLANs are
// never reached, and a path explained to a guest of another VLAN marks the blocking hop.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
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

const skipReason = await missingLabHost(['chromium'])
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const rendererDir = join(root, 'dist', 'renderer')
const examplesDir = join(root, 'examples')
const shots = join(root, 'test-results', 'understand')

/** Guests of VLANs other than 10 in the three-host lab: an ARP request from web1 must never reach them. */
const OTHER_VLANS = ['db1', 'mon1', 'db2', 'db3', 'mon2', 'gw', 'dns', 'log']

async function openLab(page: Page, path: string) {
  const lab = loadLab(readFileSync(path, 'utf8')).lab!
  await page.locator('input[type=file]').setInputFiles(path)
  await page.waitForSelector(`[data-node-id="${Object.keys(lab.nodes).at(-1)!}"]`)
  await page.waitForSelector('.canvas[data-settled="true"]')
  return lab
}

/** What the overlay draws now: the current step's links as `link tag fate`, and every lit link. */
const overlay = (page: Page) =>
  page.locator('[data-path-link]').evaluateAll((els) => ({
    current: els
      .filter((e) => e.getAttribute('data-current') === 'true')
      .map(
        (e) =>
          `${e.getAttribute('data-path-link')} ${e.getAttribute('data-tag')} ${e.getAttribute('data-fate')}`,
      )
      .sort(),
    lit: [...new Set(els.map((e) => e.getAttribute('data-path-link')!))].sort(),
    to: els.map((e) => e.getAttribute('data-to')!),
  }))

const ringed = (page: Page) =>
  page
    .locator('[data-path-node]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-path-node')).sort())

describe.skipIf(skipReason !== null)('following a frame on the canvas, without root', () => {
  let server: RunningServer
  let browser: Browser
  let page: Page
  const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`) })

  beforeAll(async () => {
    if (!existsSync(join(rendererDir, 'index.html')))
      throw new Error('the renderer is not built: run `npm run build:renderer`')
    mkdirSync(shots, { recursive: true })
    server = await serve({
      service: engineService(createEngine({ stateDir: '/tmp/patchbay-test-state/understand' })),
      staticDir: rendererDir,
    })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
    page.on('dialog', (dialog) => void dialog.accept())
    await page.goto(server.url)
    await page.waitForSelector('[data-node-id]')
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('steps an ARP request from web1 across the three hosts, lit link by link', async () => {
    await openLab(page, join(examplesDir, 'three-hosts.yaml'))
    await page.locator('[data-node-id="web1"]').click({ button: 'right' })
    await page.locator('[data-menu-action="step-arp"]').click()
    await page.waitForSelector('[data-path-card="steps"]')

    const expected = [
      ['web1:eth1 untagged forwarded'],
      ['ovsl1~spine 10 forwarded', 'web2:eth1 untagged delivered'],
      ['ovsl2~spine 10 forwarded'],
      ['web3:eth1 untagged delivered'],
    ]
    const ringsAt = [[], ['web2'], ['web2'], ['web2', 'web3']]
    for (let i = 0; i < expected.length; i++) {
      await expect.poll(() => page.locator('[data-path-overlay]').getAttribute('data-step')).toBe(String(i))
      const now = await overlay(page)
      expect(now.current).toEqual(expected[i])
      // The trail: every link of the steps so far stays lit.
      expect(now.lit).toEqual(
        [
          ...new Set(
            expected
              .slice(0, i + 1)
              .flat()
              .map((m) => m.split(' ')[0]!),
          ),
        ].sort(),
      )
      expect(now.to.filter((n) => OTHER_VLANS.includes(n))).toEqual([])
      expect(await ringed(page)).toEqual(ringsAt[i])
      await expect
        .poll(() => page.locator('[data-path-counter]').getAttribute('data-path-counter'))
        .toBe(`${i + 1}/4`)
      if (i === 1) await shot('01-arp-step-2-flooded-on-leaf1')
      if (i < expected.length - 1) await page.locator('[data-path-action="next"]').click()
    }
    expect(await page.locator('[data-path-action="next"]').isDisabled()).toBe(true)
    expect(await page.locator('[data-path-why]').textContent()).toBe(
      'an ARP request from web1:eth1 (VLAN 10) reaches web2:eth1, web3:eth1',
    )
    await shot('02-arp-last-step')
    // Prev walks back: the current frame is on the second trunk again.
    await page.locator('[data-path-action="prev"]').click()
    expect((await overlay(page)).current).toEqual(expected[2])
  })

  it('explains web1 → db2 on the canvas: the hop that blocks it is marked, the why in one sentence', async () => {
    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('[data-path-overlay]').count()).toBe(0)
    await page.locator('[data-node-id="web1"]').click({ button: 'right' })
    await page.locator('[data-menu-action="explain-path"]').click()
    await page.waitForSelector('[data-path-card="picking"]')
    await page.locator('[data-node-id="db2"]').click()
    await page.waitForSelector('[data-path-card="explain"]')
    expect(await page.locator('[data-path-why]').textContent()).toBe(
      'db2:eth1 is in VLAN 20, web1:eth1 in VLAN 10',
    )
    expect(await page.locator('[data-path-reachable]').getAttribute('data-path-reachable')).toBe('false')
    expect(await page.locator('[data-path-blocked]').getAttribute('data-path-blocked')).toBe('db2:eth1')
    await shot('03-explain-blocked')
  })

  it('explains a reachable pair with every hop lit and the trunk tags shown', async () => {
    await page.locator('[data-path-field="from"]').selectOption('web1:eth1')
    await page.locator('[data-path-field="to"]').selectOption('web3:eth1')
    await page.locator('[data-action="explain-path"]').click()
    await expect
      .poll(() => page.locator('[data-path-reachable]').getAttribute('data-path-reachable'))
      .toBe('true')
    const lit = await page
      .locator('[data-path-link]')
      .evaluateAll((els) =>
        els.map((e) => `${e.getAttribute('data-path-link')} ${e.getAttribute('data-tag')}`),
      )
    expect(lit).toEqual(['web1:eth1 untagged', 'ovsl1~spine 10', 'ovsl2~spine 10', 'web3:eth1 untagged'])
    expect(await page.locator('[data-path-blocked]').count()).toBe(0)
    await shot('04-explain-reachable')
  })

  it('steps a frame into a native-VLAN mismatch: it crosses untagged and lands in VLAN 300', async () => {
    await openLab(page, join(examplesDir, 'exercises', '4-native-mismatch.yaml'))
    await page.locator('[data-path-field="from"]').selectOption('h1a:eth1')
    await page.locator('[data-action="step-arp"]').click()
    await page.locator('[data-path-action="next"]').click()
    expect((await overlay(page)).current).toEqual(['ovs1~ovs2 untagged forwarded'])
    expect(await page.locator('[data-move-link="ovs1~ovs2"]').textContent()).toContain(
      'ovs2 takes it into VLAN 300',
    )
    await shot('05-native-mismatch-step')
  })
})
