// A link's identity in the editor. The lab names a link by `node:ifname` (or `a~b` for a wire), so
// editing its ifname renames it; the editor gives each drawn link a key of its own that survives
// such edits, and keeps the selection and the live state (keyed by the name the machine knows)
// on the link that was edited.
import { create } from 'zustand'
import { linkIds } from '../../shared/lab/normalize.ts'
import type { Lab, LabLink } from '../../shared/lab/schema.ts'
import { useUi } from '../ui/store.ts'
import { useDocument } from './use-document.ts'

let counter = 0
const freshKey = () => `link-${++counter}`

/** Keys of link objects seen before: undo and redo bring back the very objects, and their keys. */
const seen = new WeakMap<LabLink, string>()

/**
 * The keys of `after`'s links. A link object seen before keeps its key; a link replaced at the same
 * place (an edit makes a new object) takes the key of the one it replaced; anything else is new.
 */
export function reconcileLinkKeys(
  before: readonly LabLink[],
  keys: readonly string[],
  after: readonly LabLink[],
): string[] {
  const remaining = new Set(after)
  const used = new Set<string>()
  return after.map((link, i) => {
    let key = seen.get(link)
    const replaced = before[i]
    if (key === undefined && replaced !== undefined && !remaining.has(replaced)) key = keys[i]
    if (key === undefined || used.has(key)) key = freshKey()
    used.add(key)
    seen.set(link, key)
    return key
  })
}

export interface LinkKeys {
  /** Key of each link of the document's lab, in order. */
  readonly keys: readonly string[]
  /** The lab's id of each link, in order (linkIds). */
  readonly ids: readonly string[]
}

const keysOf = (lab: Lab, before?: { lab: Lab; keys: readonly string[] }): LinkKeys => {
  const links = lab.links ?? []
  const keys = before
    ? reconcileLinkKeys(before.lab.links ?? [], before.keys, links)
    : reconcileLinkKeys([], [], links)
  return { keys, ids: linkIds(links) }
}

export const useLinkKeys = create<LinkKeys>()(() => keysOf(useDocument.getState().lab))

/** The lab's current id of the link with this key. */
export const idOfKey = (key: string): string | undefined => {
  const { keys, ids } = useLinkKeys.getState()
  const i = keys.indexOf(key)
  return i < 0 ? undefined : ids[i]
}

export const keyOfId = (id: string): string | undefined => {
  const { keys, ids } = useLinkKeys.getState()
  const i = ids.indexOf(id)
  return i < 0 ? undefined : keys[i]
}

useDocument.subscribe((now, before) => {
  if (now.lab.links === before.lab.links) return
  const previous = useLinkKeys.getState()
  const next = keysOf(now.lab, { lab: before.lab, keys: previous.keys })
  useLinkKeys.setState(next)
  // A selected link whose id changed (its ifname or a node was renamed) stays selected.
  const renamed = new Map<string, string>()
  next.keys.forEach((key, i) => {
    const was = previous.ids[previous.keys.indexOf(key)]
    if (was !== undefined && was !== next.ids[i]) renamed.set(was, next.ids[i]!)
  })
  if (renamed.size === 0) return
  const ui = useUi.getState()
  if (ui.selectedLinks.some((id) => renamed.has(id)))
    ui.select(
      ui.selectedNodes,
      ui.selectedLinks.map((id) => renamed.get(id) ?? id),
    )
})
