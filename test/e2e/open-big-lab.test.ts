// Opening a 200-node lab without positions (the bench's open200 lab), in Chromium against a real
// `serve`: ELK runs in the layout's worker, not in the page, and the canvas draws each node once,
// where the layout put it, never first in the waiting grid (that drawing was a third of the open).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { saveLab } from '../../shared/lab/save.ts'
import { bigLab } from '../bench/labs.ts'
import { missingLabHost } from '../integration/support/lab-host.ts'
import { editorPage } from '../support/editor-page.ts'

const skipReason = await missingLabHost(['chromium'])

describe.skipIf(skipReason !== null)('a 200-node lab opened without positions', () => {
  const editor = editorPage({ stateDir: `/tmp/patchbay-test-state/openbig${process.pid}` })
  let dir: string | undefined
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }))

  it('is laid out in the worker and drawn once, every node where the layout put it', async () => {
    const { page } = editor
    await page.waitForSelector('.canvas[data-settled="true"] [data-node-id]')
    const lab = bigLab(20, 180, 'open-big')
    delete lab.layout
    dir = mkdtempSync(join(tmpdir(), 'patchbay-open-big-'))
    const file = join(dir, 'open-200.yaml')
    writeFileSync(file, saveLab(lab))
    // Where each node was first drawn on the canvas (its wrapper's left and top, in lab coordinates).
    await page.evaluate(`(() => {
      window.__firstDrawn = {}
      const note = (el) => {
        const id = el.getAttribute('data-node-id')
        const wrapper = el.closest('.react-flow__node')
        if (id && wrapper && !(id in window.__firstDrawn)) window.__firstDrawn[id] = wrapper.style.left + ',' + wrapper.style.top
      }
      new MutationObserver((records) => {
        for (const r of records)
          for (const added of r.addedNodes)
            if (added instanceof Element) {
              if (added.matches('[data-node-id]')) note(added)
              for (const el of added.querySelectorAll('[data-node-id]')) note(el)
            }
      }).observe(document.querySelector('.canvas'), { childList: true, subtree: true })
      return true
    })()`)
    await page.locator('input[type=file]').setInputFiles(file)
    await page.waitForSelector('[data-node-id="s0"]', { state: 'attached' })
    await page.waitForSelector('.canvas[data-settled="true"]')
    // Opened at a legible zoom, a lab this big shows its top-left part: those nodes are in the page,
    // each where it was first drawn.
    const drawn = (await page.evaluate(`(() => {
      const now = {}
      for (const el of document.querySelectorAll('[data-node-id]'))
        { const w = el.closest('.react-flow__node'); now[el.getAttribute('data-node-id')] = w.style.left + ',' + w.style.top }
      return { first: window.__firstDrawn, now }
    })()`)) as { first: Record<string, string>; now: Record<string, string> }
    const shown = Object.keys(drawn.now)
    expect(shown.length).toBeGreaterThan(10)
    expect(shown.filter((n) => drawn.first[n] !== drawn.now[n])).toEqual([])
    // Laid out, not in the waiting grid: guests below their bridge.
    const y = (n: string) => Number.parseFloat(drawn.now[n]!.split(',')[1]!)
    expect(y('g0')).toBeGreaterThan(y('s0'))
    // The fit button shows all of it, zoomed out: every node drawn on the overview, none as an element.
    await page.locator('[data-action="fit-whole"]').click()
    await page.waitForSelector('.canvas[data-zoom="far"]')
    expect(await page.locator('.overview').getAttribute('data-overview-nodes')).toBe(
      String(Object.keys(lab.nodes).length),
    )
    expect(await page.locator('[data-node-id]').count()).toBe(0)
    // ELK ran in its worker (started, and rehearsed, when the editor came up).
    expect(
      page
        .workers()
        .map((w) => w.url())
        .filter((u) => u.includes('layout-worker')),
    ).toHaveLength(1)
    // Opening is part of the file as it is: not an unsaved change.
    expect(await page.title()).not.toMatch(/^●/)
  }, 60_000)
})
