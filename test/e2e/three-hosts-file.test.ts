// The editor as a new user meets it, end to end: `patchbay serve three-hosts.yaml` on the command line,
// the page in Chromium opens that file laid out readably (judged from the rectangles Chromium drew:
// every node in view, nothing on a node or a label, each domain's halo in its VLAN's colour), a link
// painted into another VLAN, Ctrl+S, and the file on disk has the new VLAN and still its comments.
import type { ChildProcess } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { missingLabHost } from '../integration/support/lab-host.ts'
import { launchChromium } from '../support/chromium.ts'
import { outside, pairsOverlapping, rects } from '../support/dom-rects.ts'
import { serveFile } from '../support/serve-file.ts'

const skipReason = await missingLabHost(['chromium'])
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const example = join(root, 'examples', 'three-hosts.yaml')
const shots = join(root, 'test-results', 'e2e')

describe.skipIf(skipReason !== null)('patchbay serve three-hosts.yaml: open, read, paint, save', () => {
  // A copy: Ctrl+S writes the file, and the example in the repository must stay as it is.
  const folder = mkdtempSync(join(tmpdir(), 'patchbay-three-hosts-'))
  const file = join(folder, 'three-hosts.yaml')
  let server: ChildProcess | undefined
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    copyFileSync(example, file)
    const served = await serveFile(file)
    server = served.process
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
    await page.goto(served.url)
  })

  afterAll(async () => {
    await browser?.close()
    server?.kill('SIGTERM')
    rmSync(folder, { recursive: true, force: true })
  })

  it('opens it readably, and a painted link saved with Ctrl+S keeps the comments', async () => {
    const original = readFileSync(example, 'utf8')
    const ids = [...original.matchAll(/^ {2}(\w+): +\{ kind:/gm)].map((m) => m[1]!)
    expect(ids).toHaveLength(15)
    await page.waitForSelector(`[data-node-id="${ids.at(-1)}"]`)
    await expect.poll(() => page.locator('[data-file]').getAttribute('data-file')).toBe(file)
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

    const canvas = (await page.locator('.react-flow__pane').boundingBox())!
    const nodes = await rects(page, '[data-node-id]', 'data-node-id')
    expect(nodes.map((n) => n.id).sort()).toEqual([...ids].sort())
    expect(outside(nodes, canvas)).toEqual([])
    expect(pairsOverlapping(nodes, nodes)).toEqual([])
    const labels = await rects(page, '[data-link-label]', 'data-link-label')
    expect(labels).toHaveLength(14)
    expect(pairsOverlapping(labels, [...labels, ...nodes])).toEqual([])

    // Each domain's halo has the colour every element of its VLAN has (and there is one per VLAN).
    const coloured = await page
      .locator('[data-vlan][data-colour]')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('data-vlan')!, e.getAttribute('data-colour')!]))
    const colourOf = new Map<string, Set<string>>()
    for (const [vlan, colour] of coloured)
      colourOf.set(vlan!, (colourOf.get(vlan!) ?? new Set()).add(colour!))
    expect([...colourOf].map(([vlan, c]) => [vlan, c.size]).sort()).toEqual([
      ['10', 1],
      ['20', 1],
      ['30', 1],
    ])
    const overlays = await page
      .locator('[data-domain-overlay]')
      .evaluateAll((els) =>
        els.map((e) => [e.getAttribute('data-domain-vlan')!, e.getAttribute('data-colour')!]),
      )
    const tagged = overlays.filter(([vlan]) => vlan !== '')
    expect(tagged.map(([vlan]) => vlan).sort()).toEqual(['10', '20', '30'])
    for (const [vlan, colour] of tagged) expect([vlan, colour]).toEqual([vlan, [...colourOf.get(vlan!)!][0]])
    await page.screenshot({ path: join(shots, 'three-hosts-served.png') })

    // Paint web2's link into VLAN 20 by clicking its label, then Ctrl+S writes the file.
    await page.locator('[data-field="paint-vlan"]').fill('20')
    await page.locator('[data-link-label="web2:eth1"]').click()
    await expect
      .poll(() => page.locator('[data-link-label="web2:eth1"]').getAttribute('data-vlan'))
      .toBe('20')
    await page.locator('[data-field="paint-vlan"]').fill('')
    await expect.poll(() => page.locator('[data-dirty]').getAttribute('data-dirty')).toBe('true')
    await page.keyboard.press('Control+s')
    await expect.poll(() => page.locator('[data-dirty]').getAttribute('data-dirty')).toBe('false')
    const saved = readFileSync(file, 'utf8')
    expect(saved).toContain('  - { guest: web2, to: ovsl1, ip: 10.10.0.2/24, vlan: 20 }\n')
    expect(saved).not.toContain('ip: 10.10.0.2/24, vlan: 10')
    for (const comment of original.split('\n').filter((l) => l.trimStart().startsWith('#')))
      expect(saved).toContain(`${comment}\n`)
  })
})
