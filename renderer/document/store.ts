// The document store: the lab being drawn, and its history. Every change goes through `change`,
// which records one undo step per gesture: changes that carry the same gesture key (the moves of one
// drag, the keystrokes of one name) replace each other's result until the gesture ends, so undo
// takes the whole drag or the whole name back. Live state and UI state live elsewhere.
import { create } from 'zustand'
import type { Lab } from '../../shared/lab/schema.ts'

const LIMIT = 200

type Position = { x: number; y: number }

export interface DocumentState {
  readonly lab: Lab
  readonly past: readonly Lab[]
  readonly future: readonly Lab[]
  /** The gesture in progress, whose changes share one undo step (null: none). */
  readonly gesture: string | null
  /** Counts loads (open, New): the canvas lays out and fits the view when it changes. */
  readonly opened: number
  /**
   * Why the lab may not be changed (this machine as discovered, until saved as a file), or null.
   * While set, `change`, `undo` and `redo` change nothing; opening and laying out still work.
   */
  readonly readOnly: string | null
  /** Where the automatic layout last put nodes; a node elsewhere was placed by the user. */
  readonly autoPlaced: Readonly<Record<string, Position>>
  /**
   * Applies a command; a command that returns null or the same lab changes nothing. With a
   * `gesture` key equal to the one in progress, the change joins that gesture's undo step.
   */
  change(command: (lab: Lab) => Lab | null, gesture?: string): void
  /** Ends the gesture in progress: the next change is a new undo step. */
  endGesture(): void
  /** Replaces the lab (open, new): a fresh history, editable unless `readOnly` says why not. */
  load(lab: Lab, readOnly?: string): void
  /** The document became a file of its own (Save As): it may be changed from now on. */
  makeEditable(): void
  /** The first layout of a lab just opened: part of opening it, so not an undo step. */
  settle(lab: Lab, autoPlaced: Readonly<Record<string, Position>>): void
  /** Records the positions an automatic layout chose (after `change` applied it). */
  markAutoPlaced(autoPlaced: Readonly<Record<string, Position>>): void
  undo(): void
  redo(): void
}

export const createDocumentStore = (initial: Lab) =>
  create<DocumentState>()((set, get) => ({
    lab: initial,
    past: [],
    future: [],
    gesture: null,
    opened: 0,
    autoPlaced: {},
    readOnly: null,
    change: (command, gesture) => {
      const { lab, past, readOnly } = get()
      if (readOnly !== null) return
      const next = command(lab)
      if (!next || next === lab) return
      if (gesture !== undefined && gesture === get().gesture) set({ lab: next, future: [] })
      else set({ lab: next, past: [...past, lab].slice(-LIMIT), future: [], gesture: gesture ?? null })
    },
    endGesture: () => set({ gesture: null }),
    load: (lab, readOnly) =>
      set((s) => ({
        lab,
        past: [],
        future: [],
        gesture: null,
        opened: s.opened + 1,
        autoPlaced: {},
        readOnly: readOnly ?? null,
      })),
    makeEditable: () => set({ readOnly: null }),
    settle: (lab, autoPlaced) => set({ lab, autoPlaced }),
    markAutoPlaced: (autoPlaced) => set((s) => ({ autoPlaced: { ...s.autoPlaced, ...autoPlaced } })),
    undo: () => {
      const { lab, past, future, readOnly } = get()
      if (readOnly !== null) return
      const previous = past.at(-1)
      if (previous) set({ lab: previous, past: past.slice(0, -1), future: [lab, ...future], gesture: null })
    },
    redo: () => {
      const { lab, past, future, readOnly } = get()
      if (readOnly !== null) return
      const [next, ...rest] = future
      if (next) set({ lab: next, past: [...past, lab], future: rest, gesture: null })
    },
  }))

/** Nodes the user placed: they have a position, and not the one the automatic layout gave them. */
export function userPlaced(lab: Lab, autoPlaced: Readonly<Record<string, Position>>): Set<string> {
  const out = new Set<string>()
  for (const name of Object.keys(lab.nodes)) {
    const at = lab.layout?.[name]
    const auto = autoPlaced[name]
    if (at && !(auto && auto.x === at.x && auto.y === at.y)) out.add(name)
  }
  return out
}
