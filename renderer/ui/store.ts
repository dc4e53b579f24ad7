// What the user is looking at and doing: selection, paint mode, overlays, the last output.
import { create } from 'zustand'
import type { ApiReply } from '../../shared/api/contract.ts'

export type Output =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'text'
      readonly title: string
      readonly lines: readonly string[]
      readonly failed?: boolean
    }
  | { readonly kind: 'plan'; readonly plan: ApiReply<'planLab'>; readonly note?: string }
  | {
      readonly kind: 'matrix'
      readonly ok: boolean
      readonly pairs: readonly { from: string; to: string; expected: boolean; reachable: boolean }[]
    }

export interface UiState {
  readonly selectedNodes: readonly string[]
  readonly selectedLinks: readonly string[]
  /** Paint mode: the VLAN a click on a link gives it (null: paint mode off). */
  readonly paintVlan: number | null
  readonly showDomains: boolean
  /** The broadcast domains of the node under the mouse: everything in them lights up. */
  readonly hoverDomains: readonly string[]
  readonly busy: string | null
  readonly output: Output
  select(nodes: readonly string[], links: readonly string[]): void
  setPaint(vlan: number | null): void
  toggleDomains(): void
  hover(domains: readonly string[]): void
  setBusy(what: string | null): void
  show(output: Output): void
}

export const useUi = create<UiState>()((set) => ({
  selectedNodes: [],
  selectedLinks: [],
  paintVlan: null,
  showDomains: false,
  hoverDomains: [],
  busy: null,
  output: { kind: 'none' },
  select: (selectedNodes, selectedLinks) => set({ selectedNodes, selectedLinks }),
  setPaint: (paintVlan) => set({ paintVlan }),
  toggleDomains: () => set((s) => ({ showDomains: !s.showDomains })),
  hover: (hoverDomains) => set({ hoverDomains }),
  setBusy: (busy) => set({ busy }),
  show: (output) => set({ output }),
}))
