// Traffic at a glance: a thin mark that runs along a link while it carries traffic (the counters
// event's rx/tx rates, sampled once a second by watch), faster the busier it is. One SVG layer of
// its own, re-rendered only when a link's activity level changes, never per frame: the motion is a
// CSS animation of the dashes, so a 1,000-node lab pays for the busy links alone. Drawn with the links,
// under the nodes and the link labels: a label's opaque box interrupts the dashes, never the reverse
// (in the layer over the nodes, marks that appear after the labels were drawn across them).
import { memo, useMemo } from 'react'
import { liveLinkId, useLive } from '../live/store.ts'
import type { LabEdgeData } from './edges.tsx'
import { UnderNodes } from './layers.tsx'

/** Bytes per second (rx + tx) from which a link counts as busy, and the next two steps. */
export const ACTIVITY_LEVELS = [100, 10_000, 1_000_000] as const

/** 0 for idle, else 1 to 3. */
export function activityLevel(rate: number): 0 | 1 | 2 | 3 {
  let level: 0 | 1 | 2 | 3 = 0
  for (const [i, min] of ACTIVITY_LEVELS.entries()) if (rate >= min) level = (i + 1) as 1 | 2 | 3
  return level
}

/**
 * The busy links' live ids with their levels, as text: a counters event that leaves every level as
 * it was gives the same text and renders nothing. Read from the counters alone, not the lab's
 * links, so that a drag frame (new link positions) does not walk 1,500 links to find none busy.
 */
export function busyLinks(counters: Readonly<Record<string, { rxRate: number; txRate: number }>>): string {
  const busy: [string, number][] = []
  for (const [id, c] of Object.entries(counters)) {
    const level = activityLevel(c.rxRate + c.txRate)
    if (level > 0) busy.push([id, level])
  }
  return JSON.stringify(busy.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

function ActivityMarksView({ links }: { links: readonly LabEdgeData[] }) {
  const busy = useLive((s) => busyLinks(s.counters))
  const watched = useLive((s) => s.watched)
  const marks = useMemo(() => {
    const levels = new Map(JSON.parse(busy) as [string, number][])
    if (levels.size === 0) return []
    return links.flatMap((d) => {
      const level = levels.get(liveLinkId({ watched }, d.linkKey, d.linkId))
      return level && d.geometry ? [{ d, g: d.geometry, level }] : []
    })
  }, [busy, watched, links])
  if (marks.length === 0) return null
  return (
    <UnderNodes>
      <svg className="activity-marks" aria-hidden="true">
        {marks.map(({ d, g, level }) => (
          <path
            key={d.linkKey}
            className={`activity level-${level}`}
            data-activity={d.linkId}
            data-activity-level={level}
            d={`M ${g.from.x},${g.from.y} L ${g.to.x},${g.to.y}`}
          />
        ))}
      </svg>
    </UnderNodes>
  )
}

export const ActivityMarks = memo(ActivityMarksView)
