// Rectangles of elements on the page as Chromium drew them, and which of them overlap: how the e2e
// tests judge whether a canvas reads cleanly (nothing on top of anything, everything in view).
import type { Page } from 'playwright-core'

export type Rect = { x: number; y: number; width: number; height: number; id: string }

/** The client rectangle of every element matching `selector`, named by its `attribute`. */
export const rects = (page: Page, selector: string, attribute: string): Promise<Rect[]> =>
  page.locator(selector).evaluateAll(
    (els, attr) =>
      els.map((e) => {
        const r = e.getBoundingClientRect()
        return { x: r.x, y: r.y, width: r.width, height: r.height, id: e.getAttribute(attr as string) ?? '' }
      }),
    attribute,
  )

export const overlap = (a: Rect, b: Rect) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height

/** "a × b" for each pair of an element of `as` and another of `bs` that overlap. */
export const pairsOverlapping = (as: Rect[], bs: Rect[]) =>
  as.flatMap((a) => bs.filter((b) => b !== a && overlap(a, b)).map((b) => `${a.id} × ${b.id}`))

/** The ids of `items` not wholly inside `frame`. */
export const outside = (items: Rect[], frame: { x: number; y: number; width: number; height: number }) =>
  items
    .filter(
      (n) =>
        n.x < frame.x ||
        n.y < frame.y ||
        n.x + n.width > frame.x + frame.width ||
        n.y + n.height > frame.y + frame.height,
    )
    .map((n) => n.id)
