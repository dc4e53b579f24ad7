// The document store: the lab being drawn, and its history. Every change goes through `change`,
// which records one undo step; live state and UI state live elsewhere and are never in history.
import { create } from 'zustand'
import type { Lab } from '../../shared/lab/schema.ts'

const LIMIT = 200

export interface DocumentState {
  readonly lab: Lab
  readonly past: readonly Lab[]
  readonly future: readonly Lab[]
  /** Applies a command; a command that returns null or the same lab changes nothing. */
  change(command: (lab: Lab) => Lab | null): void
  /** Replaces the lab (open, new): a fresh history. */
  load(lab: Lab): void
  undo(): void
  redo(): void
}

export const createDocumentStore = (initial: Lab) =>
  create<DocumentState>()((set, get) => ({
    lab: initial,
    past: [],
    future: [],
    change: (command) => {
      const { lab, past } = get()
      const next = command(lab)
      if (!next || next === lab) return
      set({ lab: next, past: [...past, lab].slice(-LIMIT), future: [] })
    },
    load: (lab) => set({ lab, past: [], future: [] }),
    undo: () => {
      const { lab, past, future } = get()
      const previous = past.at(-1)
      if (previous) set({ lab: previous, past: past.slice(0, -1), future: [lab, ...future] })
    },
    redo: () => {
      const { lab, past, future } = get()
      const [next, ...rest] = future
      if (next) set({ lab: next, past: [...past, lab], future: rest })
    },
  }))
