// Canvas elements keep their identity when equal to the last render's, so one moved node redraws
// that node and its links, not 2,500 elements.
import { describe, expect, it } from 'vitest'
import { sameData } from '../../../renderer/canvas/stable.ts'

describe('sameData', () => {
  it('compares plain data by value', () => {
    const a = { id: 'n', position: { x: 1, y: 2 }, data: { domains: ['d1'], problems: [] } }
    expect(sameData(a, structuredClone(a))).toBe(true)
    expect(sameData(a, { ...a, position: { x: 1, y: 3 } })).toBe(false)
    expect(sameData(a, { ...a, data: { domains: ['d1', 'd2'], problems: [] } })).toBe(false)
    expect(sameData({ a: undefined }, { b: undefined })).toBe(false)
    expect(sameData([1, 2], { 0: 1, 1: 2 })).toBe(false)
    expect(sameData(null, {})).toBe(false)
  })
})
