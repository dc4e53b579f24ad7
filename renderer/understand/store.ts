// What the student asked to understand: a path explained (hops lit at once, the blocking hop
// marked), or a frame stepped hop by hop (simulated from the drawing, or traced on the machine).
// UI state only: never part of the document or its history.
import { create } from 'zustand'
import type { Explanation } from '../../shared/l2/explain.ts'
import type { FrameStep } from '../../shared/l2/frames.ts'

export interface Stepping {
  /** `simulated`: computed from the drawing (no root); `traced`: frames captured on the machine. */
  readonly source: 'simulated' | 'traced'
  readonly title: string
  readonly why: string
  readonly steps: readonly FrameStep[]
  /** Guest interfaces the frame was for or reached. */
  readonly reached: readonly string[]
}

export type PathView =
  | {
      readonly kind: 'explain'
      readonly explanation: Explanation
      readonly source: 'drawing' | 'machine'
      /** Explained from the machine: what the drawing says, and whether the two differ. */
      readonly drawing?: { readonly reachable: boolean; readonly why: string }
      readonly disagrees?: boolean
    }
  | { readonly kind: 'steps'; readonly stepping: Stepping; readonly index: number }

export interface UnderstandState {
  /** The guest interface a path starts from; the next guest clicked on the canvas ends it. */
  readonly picking: { readonly from: string; readonly then: 'explain' | 'unicast' } | null
  readonly view: PathView | null
  readonly playing: boolean
  /** The last pair asked about, kept for the panel's pickers. */
  readonly from: string | null
  readonly to: string | null
  startPick(from: string, then: 'explain' | 'unicast'): void
  setPair(from: string | null, to: string | null): void
  show(view: PathView | null): void
  step(delta: number): void
  goTo(index: number): void
  setPlaying(playing: boolean): void
}

export const useUnderstand = create<UnderstandState>()((set) => ({
  picking: null,
  view: null,
  playing: false,
  from: null,
  to: null,
  startPick: (from, then) => set({ picking: { from, then }, from }),
  setPair: (from, to) => set({ from, to }),
  show: (view) => set({ view, picking: null, playing: false }),
  step: (delta) =>
    set((s) => {
      if (s.view?.kind !== 'steps') return s
      const last = s.view.stepping.steps.length - 1
      const index = Math.max(0, Math.min(last, s.view.index + delta))
      return { view: { ...s.view, index }, playing: s.playing && index < last }
    }),
  goTo: (index) =>
    set((s) => {
      if (s.view?.kind !== 'steps') return s
      const last = s.view.stepping.steps.length - 1
      return { view: { ...s.view, index: Math.max(0, Math.min(last, index)) } }
    }),
  setPlaying: (playing) => set({ playing }),
}))
