import { describe, expect, it } from 'vitest'
import { vlanColour } from '../../../renderer/canvas/vlan-colour.ts'

const hue = (vlan: number) => Number(/hsl\((\d+)/.exec(vlanColour(vlan).css)![1])
const hueDistance = (a: number, b: number) => Math.min(Math.abs(a - b), 360 - Math.abs(a - b))

describe('VLAN colours', () => {
  it('are stable: the same VLAN always gets the same colour', () => {
    expect(vlanColour(100)).toEqual(vlanColour(100))
    expect(vlanColour(100).css).toBe('hsl(71 70% 45%)')
  })

  it('put consecutive VLANs far apart on the colour wheel', () => {
    for (let v = 1; v < 4094; v++) expect(hueDistance(hue(v), hue(v + 1))).toBeGreaterThan(100)
  })

  it('give the seed VLANs 100 and 200 clearly different colours', () => {
    expect(hueDistance(hue(100), hue(200))).toBeGreaterThan(60)
  })
})
