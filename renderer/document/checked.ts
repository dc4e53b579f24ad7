// The document's check and broadcast domains, computed once per content rather than once per lab
// object: a drag gives the lab a new layout on every mouse move, and neither the check nor the
// domains read positions, so re-checking a 1,000-node lab each frame (in the canvas, the legend and
// every inspector field) is what made dragging slow. The check does read which names the layout
// has (a position for a node that does not exist is a warning), so those are part of the content.
import { broadcastDomains, type DomainAnalysis } from '../../shared/l2/domains.ts'
import { checkLab, type LabCheck } from '../../shared/lab/check.ts'
import type { Lab } from '../../shared/lab/schema.ts'

type Content = { readonly parts: readonly unknown[]; readonly layoutNames: string }

const contentOf = (lab: Lab): Content => ({
  parts: Object.entries(lab)
    .filter(([key]) => key !== 'layout')
    .flat(),
  layoutNames: Object.keys(lab.layout ?? {}).join('\n'),
})

const sameContent = (a: Content, b: Content): boolean =>
  a.layoutNames === b.layoutNames &&
  a.parts.length === b.parts.length &&
  a.parts.every((part, i) => part === b.parts[i])

/** `shared` is one object for every lab of the same content: the domains are computed once for all. */
type Entry = {
  content: Content
  checked: LabCheck
  shared: { readonly checked: LabCheck; domains?: DomainAnalysis['domains'] }
}
let last: Entry | null = null
const perLab = new WeakMap<Lab, Entry>()

function entryOf(lab: Lab): Entry {
  const known = perLab.get(lab)
  if (known) return known
  const content = contentOf(lab)
  let entry: Entry
  if (last && sameContent(last.content, content)) {
    // Same content, new positions: the same problems and domains; the checked lab carries this
    // lab's layout, so nobody reads stale positions from it.
    const checked = last.checked.lab
      ? { lab: { ...last.checked.lab, layout: lab.layout }, problems: last.checked.problems }
      : last.checked
    entry = { content, checked, shared: last.shared }
  } else {
    const checked = checkLab(lab)
    entry = { content, checked, shared: { checked } }
  }
  perLab.set(lab, entry)
  last = entry
  return entry
}

/** checkLab of the document's lab; the same problems (the same array) while only positions change. */
export const checkedLab = (lab: Lab): LabCheck => entryOf(lab).checked

/** The drawn lab's broadcast domains (none while it has errors); the same array while only positions change. */
export function labDomains(lab: Lab): DomainAnalysis['domains'] {
  const { checked, shared } = entryOf(lab)
  shared.domains ??= checked.lab ? broadcastDomains(checked.lab).domains : []
  return shared.domains
}

/**
 * The check of the lab's content: the same object while only positions change (its layout is the
 * one it was first checked with). For what reads no positions and should not redraw on a drag.
 */
export const checkedContent = (lab: Lab): LabCheck => entryOf(lab).shared.checked
