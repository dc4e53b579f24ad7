// Laying out the open document: right after a lab is opened (the nodes it gives no position), and
// when the user asks (Layout keeps the nodes they placed; Re-layout all does not). The view is
// fitted afterwards.
import type { Lab } from '../../shared/lab/schema.ts'
import { autoLayout } from '../../shared/layout/auto-layout.ts'
import { useUi } from '../ui/store.ts'
import { userPlaced } from './store.ts'
import { useDocument } from './use-document.ts'

/** The positions `after` gave the nodes it did not keep. */
function freshPositions(after: Lab, kept: ReadonlySet<string>) {
  return Object.fromEntries(
    Object.keys(after.nodes)
      .filter((n) => !kept.has(n) && after.layout?.[n])
      .map((n) => [n, after.layout![n]!]),
  )
}

/** A lab just opened: nodes without a position are laid out around those with one; no undo step. */
export async function settleOpened(): Promise<void> {
  const { lab, opened } = useDocument.getState()
  const placed = new Set(Object.keys(lab.nodes).filter((n) => lab.layout?.[n]))
  if (placed.size < Object.keys(lab.nodes).length) {
    const next = await autoLayout(lab, { keep: placed })
    // Another lab was opened (or this one edited) meanwhile: that one wins.
    if (useDocument.getState().opened !== opened || useDocument.getState().lab !== lab) return
    useDocument.getState().settle(next, freshPositions(next, placed))
  }
  useUi.getState().requestFit()
}

/** The Layout button: one undo step; `all` also moves the nodes the user placed. */
export async function layoutDocument(all: boolean): Promise<void> {
  const { lab, autoPlaced } = useDocument.getState()
  const keep = all ? new Set<string>() : userPlaced(lab, autoPlaced)
  const next = await autoLayout(lab, { keep })
  if (useDocument.getState().lab !== lab) return
  useDocument.getState().change(() => next)
  useDocument.getState().markAutoPlaced(freshPositions(next, keep))
  useUi.getState().requestFit()
}
