// Document commands for a link's impairments and administrative state. One call, one new lab: one
// undo step. `state: up` is the default, so setting a link up removes the field.
import { NETEM_FIELDS, type NetemField } from '../../shared/lab/netem.ts'
import { linkIds } from '../../shared/lab/normalize.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { updateLink } from './commands.ts'

const linkOf = (lab: Lab, linkId: string) => lab.links?.[linkIds(lab.links ?? []).indexOf(linkId)]

export const setLinkState = (lab: Lab, linkId: string, state: 'up' | 'down'): Lab =>
  updateLink(lab, linkId, { state: state === 'down' ? 'down' : undefined })

/** Up becomes down, down becomes up. */
export function toggleLinkState(lab: Lab, linkId: string): Lab {
  const link = linkOf(lab, linkId)
  return link ? setLinkState(lab, linkId, link.state === 'down' ? 'up' : 'down') : lab
}

/** Sets one netem field (empty removes it); a `netem:` left with no field goes away. */
export function setNetemField(lab: Lab, linkId: string, field: NetemField, value: string): Lab {
  const link = linkOf(lab, linkId)
  if (!link) return lab
  const next: Record<string, string> = {}
  for (const f of NETEM_FIELDS) {
    const v = f === field ? value.trim() : link.netem?.[f]
    if (v !== undefined && v !== '') next[f] = v
  }
  return updateLink(lab, linkId, { netem: Object.keys(next).length > 0 ? next : undefined })
}
