// Below reading zoom the canvas draws the lab on one <canvas> (renderer/canvas/overview.tsx) and
// React Flow holds no nodes; pressing on a node there still selects it, drags it (one undo step) and
// opens its menu. A node dropped then can be linked once zoomed in (its handles are measured when
// React Flow draws it again).
import { describe, expect, it } from 'vitest'
import { KIND_COLOURS } from '../../renderer/canvas/kind-colours.ts'
import type { NodeKind } from '../../shared/lab/schema.ts'
import { missingLabHost } from '../integration/support/lab-host.ts'
import { editorPage } from '../support/editor-page.ts'

const skipReason = await missingLabHost(['chromium'])

type Box = { x: number; y: number; width: number; height: number }
const rgb = (hex: string) =>
  `rgb(${[1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join(', ')})`

describe.skipIf(skipReason !== null)('zooming the canvas out and in', () => {
  const editor = editorPage({ stateDir: `/tmp/patchbay-test-state/pbzoom${process.pid}` })
  const zoom = () => editor.page.locator('.canvas').getAttribute('data-zoom')
  const press = async (button: 'zoomin' | 'zoomout', until: 'far' | 'near') => {
    for (let i = 0; i < 20 && (await zoom()) !== until; i++)
      await editor.page.locator(`.react-flow__controls-${button}`).click()
    expect(await zoom()).toBe(until)
  }
  const nodes = () =>
    editor.page.locator('[data-node-id]').evaluateAll((e) => e.map((n) => (n as HTMLElement).dataset.nodeId!))
  /** A drawn node's box in canvas units (its wrapper's left and top, Canvas.tsx placedAt). */
  const canvasBox = (name: string): Promise<Box> =>
    editor.page.locator(`.react-flow__node[data-id="${name}"]`).evaluate((e) => {
      const { style, offsetWidth, offsetHeight } = e as HTMLElement
      return {
        x: Number.parseFloat(style.left),
        y: Number.parseFloat(style.top),
        width: offsetWidth,
        height: offsetHeight,
      }
    })
  /** Where a point of the canvas is on the screen now. */
  const onScreen = async (p: { x: number; y: number }) => {
    const pane = (await editor.page.locator('.react-flow__pane').boundingBox())!
    const v = await editor.page
      .locator('.react-flow__viewport')
      .evaluate((e) => new DOMMatrix(getComputedStyle(e).transform))
    return { x: pane.x + v.e + p.x * v.a, y: pane.y + v.f + p.y * v.a, zoom: v.a }
  }
  const centre = (b: Box) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 })

  it('draws the lab on one canvas, where a node is selected, dragged in one undo step and has its menu', async () => {
    const { page } = editor
    const names = await nodes()
    const guest = names.find((n) => !n.startsWith('ovs') && !n.startsWith('br'))!
    const kind = (await page.locator(`[data-node-id="${guest}"]`).getAttribute('data-kind')) as NodeKind
    const before = await canvasBox(guest)
    await press('zoomout', 'far')

    // No node elements: the overview draws all of them, the guest in its kind's colour.
    expect(await nodes()).toEqual([])
    expect(await page.locator('.overview').getAttribute('data-overview-nodes')).toBe(String(names.length))
    const at = await onScreen(centre(before))
    const pixel = await page.locator('.overview').evaluate((c, p) => {
      const canvas = c as HTMLCanvasElement
      const r = canvas.getBoundingClientRect()
      const ratio = canvas.width / r.width
      const [red, green, blue] = canvas
        .getContext('2d')!
        .getImageData(Math.round((p.x - r.left) * ratio), Math.round((p.y - r.top) * ratio), 1, 1).data
      return `rgb(${red}, ${green}, ${blue})`
    }, at)
    expect(pixel, `the pixel at ${guest}'s centre`).toBe(rgb(KIND_COLOURS[kind].fill))

    // A click selects it (the inspector shows it) and is not the pane's (which would clear that).
    await page.mouse.click(at.x, at.y)
    await page.waitForSelector(`[data-inspector="${guest}"]`)

    // Dragged 120 screen pixels right: it moved by as many canvas units as that is at this zoom.
    await page.mouse.move(at.x, at.y)
    await page.mouse.down()
    await page.mouse.move(at.x + 120, at.y, { steps: 8 })
    await page.mouse.up()
    await page.mouse.click(at.x + 120, at.y, { button: 'right' })
    await page.waitForSelector('.context-menu [data-menu-action="inspect"]')
    await page.keyboard.press('Escape')

    await press('zoomin', 'near')
    const moved = await canvasBox(guest)
    expect(moved.x).toBeCloseTo(before.x + 120 / at.zoom, 0)
    expect(moved.y).toBeCloseTo(before.y, 0)
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } })
    await page.keyboard.press('Control+z')
    await expect.poll(async () => (await canvasBox(guest)).x).toBeCloseTo(before.x, 0)
  })

  it('links from a node dropped zoomed out once zoomed in', async () => {
    const { page } = editor
    const before = await nodes()
    const bridge = before.find((n) => n.startsWith('ovs'))!
    await press('zoomout', 'far')
    const pane = page.locator('.react-flow__pane')
    const box = (await pane.boundingBox())!
    const drop = { x: box.width / 2, y: box.height * 0.6 }
    await page.locator('[data-palette="netns"]').dragTo(pane, { targetPosition: drop })
    await expect
      .poll(() => page.locator('.overview').getAttribute('data-overview-nodes'))
      .toBe(String(before.length + 1))

    // Zoomed in around where it was dropped until names can be read again.
    await page.mouse.move(box.x + drop.x, box.y + drop.y)
    for (let i = 0; i < 40 && (await zoom()) !== 'near'; i++) await page.mouse.wheel(0, -100)
    expect(await zoom()).toBe('near')
    // The whole lab in view, clear of the legend and controls: F with nothing selected.
    await page.mouse.click(box.x + 10, box.y + 10)
    await page.keyboard.press('f')
    await page.waitForTimeout(300)
    const added = (await nodes()).find((n) => !before.includes(n))!
    expect(added).toBeDefined()

    const from = (await page.locator(`[data-node-id="${added}"] .react-flow__handle-bottom`).boundingBox())!
    const to = (await page.locator(`[data-node-id="${bridge}"] .react-flow__handle-top`).boundingBox())!
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2)
    await page.mouse.down()
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 })
    await page.mouse.up()
    await page.waitForSelector(`[data-link-id^="${added}:"]`, { timeout: 5000 })
  })

  it('deletes the selection with Delete, at reading zoom and zoomed out, one undo step each', async () => {
    const { page } = editor
    await press('zoomin', 'near')
    const names = await nodes()
    const guest = names.find((n) => !n.startsWith('ovs') && !n.startsWith('br'))!
    const links = () => page.locator('[data-link-label]').count()
    const linksBefore = await links()
    // A link: clicked on its label, gone with Delete.
    const label = page.locator('[data-link-label]').first()
    const linkId = (await label.getAttribute('data-link-label'))!
    await label.click()
    await page.keyboard.press('Delete')
    await expect.poll(links).toBe(linksBefore - 1)
    expect(await page.locator(`[data-link-label="${linkId}"]`).count()).toBe(0)
    await page.keyboard.press('Control+z')
    await expect.poll(links).toBe(linksBefore)
    // A node and its links; selected, it is drawn so (the editor's selection, not React Flow's).
    await page.locator(`[data-node-id="${guest}"]`).click()
    expect(await page.locator(`[data-node-id="${guest}"]`).getAttribute('class')).toMatch(/\bselected\b/)
    await page.keyboard.press('Delete')
    await expect.poll(nodes).toEqual(names.filter((n) => n !== guest))
    await page.keyboard.press('Control+z')
    await expect.poll(async () => (await nodes()).length).toBe(names.length)
    // Zoomed out: pressed on the overview, deleted the same way.
    const before = await canvasBox(guest)
    await press('zoomout', 'far')
    const at = await onScreen(centre(before))
    await page.mouse.click(at.x, at.y)
    await page.keyboard.press('Delete')
    await expect
      .poll(() => page.locator('.overview').getAttribute('data-overview-nodes'))
      .toBe(String(names.length - 1))
    await page.keyboard.press('Control+z')
    await expect
      .poll(() => page.locator('.overview').getAttribute('data-overview-nodes'))
      .toBe(String(names.length))
  })

  it('drags the selected nodes together, in one undo step', async () => {
    const { page } = editor
    await press('zoomin', 'near')
    const [a, b] = (await nodes()).filter((n) => !n.startsWith('ovs') && !n.startsWith('br'))
    const before = [await canvasBox(a!), await canvasBox(b!)]
    await page.locator(`[data-node-id="${a}"]`).click()
    await page.keyboard.down('Shift')
    await page.locator(`[data-node-id="${b}"]`).click()
    await page.keyboard.up('Shift')
    const at = (await page.locator(`[data-node-id="${b}"]`).boundingBox())!
    await page.mouse.move(at.x + 20, at.y + 20)
    await page.mouse.down()
    await page.mouse.move(at.x + 20, at.y + 100, { steps: 6 })
    await page.mouse.up()
    const after = [await canvasBox(a!), await canvasBox(b!)]
    // Both moved down by the same amount, neither sideways.
    expect(after[0]!.y - before[0]!.y).toBeGreaterThan(20)
    expect(after[1]!.y - before[1]!.y).toBeCloseTo(after[0]!.y - before[0]!.y, 0)
    expect(after.map((n) => n.x)).toEqual(before.map((n) => n.x))
    await page.keyboard.press('Control+z')
    await expect
      .poll(async () => [(await canvasBox(a!)).y, (await canvasBox(b!)).y])
      .toEqual(before.map((n) => n.y))
  })
})
