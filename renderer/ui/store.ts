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
      readonly pairs: readonly {
        from: string
        to: string
        address?: string
        expected: boolean
        reachable: boolean
      }[]
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
  /**
   * A request to fit the view: to these nodes, or to the whole lab (null); `seq` tells requests
   * apart. `whole`: all of it in view however small (the fit button), not only at a legible zoom.
   */
  readonly fit: { readonly seq: number; readonly nodes: readonly string[] | null; readonly whole: boolean }
  /** The context menu open on a node or link, at a point of the window. */
  readonly menu: {
    readonly node?: string
    readonly link?: string
    readonly x: number
    readonly y: number
  } | null
  readonly showHelp: boolean
  select(nodes: readonly string[], links: readonly string[]): void
  setPaint(vlan: number | null): void
  toggleDomains(): void
  hover(domains: readonly string[]): void
  setBusy(what: string | null): void
  show(output: Output): void
  requestFit(nodes?: readonly string[], whole?: boolean): void
  openMenu(menu: UiState['menu']): void
  toggleHelp(show?: boolean): void
}

export const useUi = create<UiState>()((set) => ({
  selectedNodes: [],
  selectedLinks: [],
  paintVlan: null,
  // The domain halos are soft enough to stay on: they are how the picture shows broadcast domains.
  showDomains: true,
  hoverDomains: [],
  busy: null,
  output: { kind: 'none' },
  fit: { seq: 0, nodes: null, whole: false },
  menu: null,
  showHelp: false,
  select: (selectedNodes, selectedLinks) => set({ selectedNodes, selectedLinks }),
  setPaint: (paintVlan) => set({ paintVlan }),
  toggleDomains: () => set((s) => ({ showDomains: !s.showDomains })),
  hover: (hoverDomains) => set({ hoverDomains }),
  setBusy: (busy) => set({ busy }),
  show: (output) => set({ output }),
  requestFit: (nodes, whole = false) =>
    set((s) => ({ fit: { seq: s.fit.seq + 1, nodes: nodes ?? null, whole } })),
  openMenu: (menu) => set({ menu }),
  toggleHelp: (show) => set((s) => ({ showHelp: show ?? !s.showHelp })),
}))
