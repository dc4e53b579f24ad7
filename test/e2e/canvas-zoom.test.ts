// Below reading zoom the canvas draws nodes as plain cards without their handles (fewer elements for
// Chromium to redo each pan frame); a node dropped then can still be linked once zoomed in. (Canvas.tsx
// also measures the drawn nodes' handles again when reading zoom comes back; this case does not need
// it, as the drop itself fits the view to a legible zoom.)
import { describe, expect, it } from 'vitest'
import { missingLabHost } from '../integration/support/lab-host.ts'
import { editorPage } from '../support/editor-page.ts'

const skipReason = await missingLabHost(['chromium'])

describe.skipIf(skipReason !== null)('zooming the canvas out and in', () => {
  const editor = editorPage({ stateDir: `/tmp/patchbay-test-state/pbzoom${process.pid}` })
  const zoom = () => editor.page.locator('.canvas').getAttribute('data-zoom')
  const press = async (button: 'zoomin' | 'zoomout', until: 'far' | 'near') => {
    for (let i = 0; i < 20 && (await zoom()) !== until; i++)
      await editor.page.locator(`.react-flow__controls-${button}`).click()
    expect(await zoom()).toBe(until)
  }

  it('draws no handles zoomed out, and links from a node dropped then once zoomed in', async () => {
    const { page } = editor
    const nodes = () => page.locator('[data-node-id]').evaluateAll((e) => e.map((n) => n.dataset.nodeId!))
    await press('zoomout', 'far')
    expect(
      await page
        .locator('.react-flow__handle')
        .evaluateAll((hs) => hs.filter((h) => (h as HTMLElement).offsetParent).length),
    ).toBe(0)

    const before = await nodes()
    const pane = page.locator('.react-flow__pane')
    const box = (await pane.boundingBox())!
    await page.locator('[data-palette="netns"]').dragTo(pane, {
      targetPosition: { x: box.width / 2, y: box.height * 0.6 },
    })
    await expect.poll(async () => (await nodes()).length).toBe(before.length + 1)
    const added = (await nodes()).find((n) => !before.includes(n))!
    const bridge = before.find((n) => n.startsWith('ovs'))!

    // Zoomed in around the new node until names can be read again.
    const at = (await page.locator(`[data-node-id="${added}"]`).boundingBox())!
    await page.mouse.move(at.x + at.width / 2, at.y + at.height / 2)
    for (let i = 0; i < 40 && (await zoom()) !== 'near'; i++) await page.mouse.wheel(0, -100)
    expect(await zoom()).toBe('near')
    // The whole lab in view, clear of the legend and controls: F with nothing selected.
    await page.mouse.click(box.x + 10, box.y + 10)
    await page.keyboard.press('f')
    await page.waitForTimeout(300)

    const from = (await page.locator(`[data-node-id="${added}"] .react-flow__handle-bottom`).boundingBox())!
    const to = (await page.locator(`[data-node-id="${bridge}"] .react-flow__handle-top`).boundingBox())!
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2)
    await page.mouse.down()
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 })
    await page.mouse.up()
    await page.waitForSelector(`[data-link-id^="${added}:"]`, { timeout: 5000 })
  })
})
