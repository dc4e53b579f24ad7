import { describe, expect, it } from 'vitest'
import { VLAN_PALETTE, vlanColour } from '../../../renderer/canvas/vlan-colour.ts'

describe('VLAN colours', () => {
  it('are stable: the same VLAN always gets the same colour, as #rrggbb', () => {
    expect(vlanColour(100)).toEqual(vlanColour(100))
    for (let v = 1; v <= 4094; v++) expect(vlanColour(v).css).toMatch(/^#[0-9a-f]{6}$/)
  })

  it('come from the colour-blind-safe palette, nine distinct colours', () => {
    expect(new Set(VLAN_PALETTE).size).toBe(9)
    for (let v = 1; v <= 4094; v++) expect(VLAN_PALETTE).toContain(vlanColour(v).css)
  })

  it('give VLANs numbered the usual ways different colours within a lab', () => {
    const distinct = (ids: number[]) => new Set(ids.map((v) => vlanColour(v).css)).size
    for (let v = 1; v < 4094; v++) expect(vlanColour(v).css).not.toBe(vlanColour(v + 1).css)
    expect(distinct([1, 2, 3, 4, 5, 6, 7, 8, 9])).toBe(9)
    expect(distinct([101, 102, 103, 104, 105, 106, 107, 108, 109])).toBe(9)
    expect(distinct([10, 20, 30, 40, 50, 60, 70, 80, 90])).toBe(9)
    expect(distinct([100, 200, 300, 400, 500, 600, 700, 800, 900])).toBe(9)
  })

  it('put dark ink on light colours and light ink on dark ones', () => {
    const luminance = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255)
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
    }
    for (let v = 1; v <= 9; v++) {
      const { css, ink } = vlanColour(v)
      expect(ink === '#111111').toBe(luminance(css) > 0.45)
    }
  })
})
