// Traffic at a glance: a thin mark that runs along a link while it carries traffic (the counters
// event's rx/tx rates, sampled once a second by watch), faster the busier it is. One SVG layer of
// its own, re-rendered only when a link's activity level changes, never per frame: the motion is a
// CSS animation of the dashes, so a 1,000-node lab pays for the busy links alone. Drawn with the links,
// under the nodes and the link labels: a label's opaque box interrupts the dashes, never the reverse
// (in the layer over the nodes, marks that appear after the labels were drawn across them).
import { memo } from 'react'
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
 * The busy links as `index:level`, comma-separated: a string, so that a counters event that leaves
 * every level as it was gives the same value and renders nothing.
 */
export function busyLinks(
  links: readonly Pick<LabEdgeData, 'linkKey' | 'linkId'>[],
  rateOf: (link: Pick<LabEdgeData, 'linkKey' | 'linkId'>) => number | undefined,
): string {
  const parts: string[] = []
  links.forEach((d, i) => {
    const level = activityLevel(rateOf(d) ?? 0)
    if (level > 0) parts.push(`${i}:${level}`)
  })
  return parts.join(',')
}

function ActivityMarksView({ links }: { links: readonly LabEdgeData[] }) {
  const busy = useLive((s) =>
    busyLinks(links, (d) => {
      const c = s.counters[liveLinkId(s, d.linkKey, d.linkId)]
      return c ? c.rxRate + c.txRate : undefined
    }),
  )
  if (busy === '') return null
  return (
    <UnderNodes>
      <svg className="activity-marks" aria-hidden="true">
        {busy.split(',').map((part) => {
          const [index, level] = part.split(':').map(Number)
          const d = links[index!]
          const g = d?.geometry
          if (!d || !g) return null
          return (
            <path
              key={d.linkKey}
              className={`activity level-${level}`}
              data-activity={d.linkId}
              data-activity-level={level}
              d={`M ${g.from.x},${g.from.y} L ${g.to.x},${g.to.y}`}
            />
          )
        })}
      </svg>
    </UnderNodes>
  )
}

export const ActivityMarks = memo(ActivityMarksView)
