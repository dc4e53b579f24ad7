// Laying out the open document: as a lab is opened (the nodes it gives no position), and when the
// user asks (Layout keeps the nodes they placed; Re-layout all does not). The view is fitted
// afterwards.
import type { Lab } from '../../shared/lab/schema.ts'
import { useUi } from '../ui/store.ts'
import { layOut } from './layout-thread.ts'
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

const placedIn = (lab: Lab) => new Set(Object.keys(lab.nodes).filter((n) => lab.layout?.[n]))

let opening = 0

/**
 * Opens a lab as the document (open, New, this machine): nodes without a position are laid out
 * around those with one first, so that the canvas draws the lab once, where it stays, rather than
 * in a waiting grid and again laid out (for 200 nodes that second drawing was a third of the open).
 * The lab loaded, or null when another lab was loaded meanwhile (that one wins).
 */
export async function loadLaidOut(lab: Lab, readOnly?: string): Promise<Lab | null> {
  const mine = ++opening
  const placed = placedIn(lab)
  const next = placed.size < Object.keys(lab.nodes).length ? await layOut(lab, placed) : lab
  if (mine !== opening) return null
  const document = useDocument.getState()
  document.load(next, readOnly)
  // The same tick: one drawing, and Layout later knows which positions were not the user's.
  document.markAutoPlaced(freshPositions(next, placed))
  return next
}

/**
 * A lab just loaded: nodes without a position are laid out around those with one (a lab loaded
 * without loadLaidOut); no undo step. Then the view is fitted.
 */
export async function settleOpened(): Promise<void> {
  const { lab, opened } = useDocument.getState()
  const placed = placedIn(lab)
  if (placed.size < Object.keys(lab.nodes).length) {
    const next = await layOut(lab, placed)
    // Another lab was opened (or this one edited) meanwhile: that one wins.
    if (useDocument.getState().opened !== opened || useDocument.getState().lab !== lab) return
    useDocument.getState().settle(next, freshPositions(next, placed))
  }
  useUi.getState().requestFit()
}

let layingOut: Promise<void> = Promise.resolve()

/**
 * The Layout button: one undo step; `all` also moves the nodes the user placed. Clicks are laid
 * out in turn, each from the lab the one before left: Layout then Re-layout all, clicked while the
 * first was in the worker, dropped the second (its lab was no longer the document's).
 */
export function layoutDocument(all: boolean): Promise<void> {
  const run = layingOut.then(() => layoutOnce(all))
  // A failed one (its error is the caller's) does not stop the next.
  layingOut = run.catch(() => undefined)
  return run
}

async function layoutOnce(all: boolean): Promise<void> {
  const { lab, autoPlaced } = useDocument.getState()
  const keep = all ? new Set<string>() : userPlaced(lab, autoPlaced)
  const next = await layOut(lab, keep)
  if (useDocument.getState().lab !== lab) return
  useDocument.getState().change(() => next)
  useDocument.getState().markAutoPlaced(freshPositions(next, keep))
  useUi.getState().requestFit()
}
