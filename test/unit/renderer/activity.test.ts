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
    const links = ['a:eth1', 'b:eth1', 's1~s2'].map((id) => ({ linkId: id, linkKey: id }))
    const rates: Record<string, number> = { 'a:eth1': 196, 's1~s2': 50_000 }
    const first = busyLinks(links, (l) => rates[l.linkId])
    expect(first).toBe('0:1,2:2')
    rates['a:eth1'] = 250 // still level 1: nothing to draw anew
    expect(busyLinks(links, (l) => rates[l.linkId])).toBe(first)
    rates['s1~s2'] = 0
    expect(busyLinks(links, (l) => rates[l.linkId])).toBe('0:1')
  })
})
