// Fitting the view: the whole lab, as big as the canvas allows, clear of the overlays at the
// canvas's foot, and never smaller than a legible zoom (a big lab shows its top-left, to scroll).
import { describe, expect, it } from 'vitest'
import { drawnBounds, fitViewport, MAX_FIT_ZOOM, MIN_FIT_ZOOM } from '../../../renderer/canvas/fit.ts'

const view = { width: 1200, height: 900 }
const onScreen = (b: { x: number; y: number; width: number; height: number }, v = fitViewport(b, view)) => ({
  x0: b.x * v.zoom + v.x,
  y0: b.y * v.zoom + v.y,
  x1: (b.x + b.width) * v.zoom + v.x,
  y1: (b.y + b.height) * v.zoom + v.y,
})

describe('fitViewport', () => {
  it('fits by width and height both, centred', () => {
    const wide = { x: 100, y: 50, width: 1300, height: 200 }
    const v = fitViewport(wide, view)
    expect(v.zoom).toBeCloseTo((1200 - 32) / 1300, 3)
    const s = onScreen(wide, v)
    expect(s.x0).toBeCloseTo(16, 3)
    expect((s.y0 + s.y1) / 2).toBeCloseTo(450, 3)
    const tall = { x: 0, y: 0, width: 400, height: 1000 }
    expect(fitViewport(tall, view).zoom).toBeCloseTo((900 - 32) / 1000, 3)
  })

  it('does not blow a small lab up past the largest zoom', () => {
    expect(fitViewport({ x: 0, y: 0, width: 200, height: 100 }, view).zoom).toBe(MAX_FIT_ZOOM)
  })

  it('shows a lab too big to read whole from its top-left corner at the smallest legible zoom', () => {
    const big = { x: -500, y: -300, width: 6000, height: 4000 }
    const v = fitViewport(big, view)
    expect(v.zoom).toBe(MIN_FIT_ZOOM)
    const s = onScreen(big, v)
    expect([s.x0, s.y0]).toEqual([16, 16])
  })

  it('keeps the lab off an overlay at the foot of the canvas when it would cover it', () => {
    const legend = { x: 10, y: 850, width: 600, height: 45 }
    const square = { x: 0, y: 0, width: 800, height: 800 }
    const s = onScreen(square, fitViewport(square, view, [legend]))
    expect(s.y1).toBeLessThanOrEqual(850)
    // A wide lab leaves room below it: fitted to the whole canvas.
    const wide = { x: 0, y: 0, width: 1300, height: 200 }
    expect(fitViewport(wide, view, [legend])).toEqual(fitViewport(wide, view))
  })
})

describe('drawnBounds', () => {
  const drawn = {
    nodes: new Map([
      ['a', { x: 0, y: 0, width: 100, height: 40 }],
      ['b', { x: 300, y: 0, width: 100, height: 40 }],
    ]),
    around: [{ x: -20, y: -40, width: 440, height: 100 }],
    // a's label sticks out below it
    labels: [{ ends: ['a', 'b'], boxes: [{ x: 10, y: 60, width: 120, height: 30 }] }],
  }
  it('covers nodes, frames and the labels that stick out of node boxes', () => {
    expect(drawnBounds(drawn, null)).toEqual({ x: -20, y: -40, width: 440, height: 130 })
  })
  it('covers only the nodes asked for, with their links’ labels', () => {
    expect(drawnBounds(drawn, new Set(['a']))).toEqual({ x: 0, y: 0, width: 130, height: 90 })
  })
})

describe('fitViewport for the whole lab (the fit button)', () => {
  it('goes below the legible zoom when that is what shows all of a big lab', () => {
    const big = { x: 0, y: 0, width: 12000, height: 6000 }
    const v = fitViewport(big, view, [], 0.05)
    expect(v.zoom).toBeCloseTo((1200 - 32) / 12000, 4)
    const s = onScreen(big, v)
    expect(s.x0).toBeGreaterThanOrEqual(0)
    expect(s.x1).toBeLessThanOrEqual(1200)
    expect(s.y1).toBeLessThanOrEqual(900)
  })
})
