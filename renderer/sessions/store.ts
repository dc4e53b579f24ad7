// The capture and shell panels open in the editor. A panel owns its session: it starts it when it
// mounts and ends it when it is closed. Never part of the document.
import { create } from 'zustand'

export type SessionPanel =
  | { readonly kind: 'capture'; readonly id: string; readonly link: string }
  | { readonly kind: 'shell'; readonly id: string; readonly node: string }

interface SessionsState {
  /** Whether this page can open sessions at all (serve, where the engine runs and applying is allowed). */
  readonly available: boolean
  readonly panels: readonly SessionPanel[]
  setAvailable(available: boolean): void
  openCapture(link: string): void
  openShell(node: string): void
  closePanel(id: string): void
}

/** A session id the server accepts (letters, digits, - and _). */
const newId = () => crypto.randomUUID()

export const useSessions = create<SessionsState>((set) => ({
  available: false,
  panels: [],
  setAvailable: (available) => set({ available }),
  openCapture: (link) => set((s) => ({ panels: [...s.panels, { kind: 'capture', id: newId(), link }] })),
  openShell: (node) => set((s) => ({ panels: [...s.panels, { kind: 'shell', id: newId(), node }] })),
  closePanel: (id) => set((s) => ({ panels: s.panels.filter((p) => p.id !== id) })),
}))
