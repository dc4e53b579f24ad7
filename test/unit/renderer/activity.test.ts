// Activity marks: which links count as busy, and how busy, from the counters' rates.
import { describe, expect, it } from 'vitest'
import { activityLevel, busyLinks } from '../../../renderer/canvas/activity.tsx'

describe('activity marks', () => {
  it('grades a rate: idle below 100 B/s, then three steps', () => {
    expect([0, 99, 100, 9_999, 10_000, 999_999, 1_000_000, 5e9].map(activityLevel)).toEqual([
      0, 0, 1, 1, 2, 2, 3, 3,
    ])
  })

  it('lists only the busy links, and the same text while no level changes', () => {
    const rate = (r: number) => ({ rxRate: r, txRate: 0 })
    const counters: Record<string, { rxRate: number; txRate: number }> = {
      's1~s2': rate(50_000),
      'a:eth1': rate(196),
      'b:eth1': rate(0),
    }
    const first = busyLinks(counters)
    expect(JSON.parse(first)).toEqual([
      ['a:eth1', 1],
      ['s1~s2', 2],
    ])
    counters['a:eth1'] = rate(250) // still level 1: nothing to draw anew
    expect(busyLinks(counters)).toBe(first)
    counters['s1~s2'] = rate(0)
    expect(JSON.parse(busyLinks(counters))).toEqual([['a:eth1', 1]])
  })
})
