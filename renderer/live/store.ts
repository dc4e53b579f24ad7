// Live link state from the engine's watch stream, by link id. Never part of the document or its
// history; events arriving together are applied in one update per animation frame.
import { create } from 'zustand'
import type { LinkStatusReply } from '../../shared/api/contract.ts'

export interface Counters {
  readonly rxBytes: number
  readonly txBytes: number
  readonly rxRate: number
  readonly txRate: number
}

export interface LiveState {
  readonly links: Readonly<Record<string, LinkStatusReply>>
  readonly counters: Readonly<Record<string, Counters>>
  readonly log: readonly string[]
  /** The apply running now, step by step. */
  readonly progress: { readonly done: number; readonly total: number; readonly op: string } | null
  receive(event: unknown): void
  clear(): void
}

type Pending = { links: Record<string, LinkStatusReply>; counters: Record<string, Counters>; log: string[] }

export const useLive = create<LiveState>()((set, get) => {
  let pending: Pending | null = null
  const flush = () => {
    const p = pending
    pending = null
    if (!p) return
    const s = get()
    set({
      links: { ...s.links, ...p.links },
      counters: { ...s.counters, ...p.counters },
      log: [...s.log, ...p.log].slice(-50),
    })
  }
  return {
    links: {},
    counters: {},
    log: [],
    progress: null,
    receive: (event) => {
      const e = event as { type?: string; link?: LinkStatusReply; linkId?: string } & Counters & {
          node?: string
          action?: string
          ok?: boolean
          ms?: number
          ops?: number
        }
      if (!pending) {
        pending = { links: {}, counters: {}, log: [] }
        requestAnimationFrame(flush)
      }
      if (e.type === 'link' && e.link) {
        pending.links[e.link.id] = e.link
        pending.log.push(`${e.link.id} ${e.link.state}`)
      } else if (e.type === 'counters' && e.linkId) {
        pending.counters[e.linkId] = {
          rxBytes: e.rxBytes,
          txBytes: e.txBytes,
          rxRate: e.rxRate,
          txRate: e.txRate,
        }
      } else if (e.type === 'heal') {
        pending.log.push(`healed ${e.node}: ${e.ok ? `${e.ops} ops in ${e.ms} ms` : 'failed'}`)
      } else if (e.type === 'progress') {
        const p = event as { done: number; total: number; op: string }
        set({ progress: p.done >= p.total ? null : { done: p.done, total: p.total, op: p.op } })
      } else if (e.type === 'container') {
        pending.log.push(`container ${e.node} ${e.action}`)
      } else if (e.type === 'notice') {
        pending.log.push(String((event as { message?: unknown }).message))
      }
    },
    clear: () => set({ links: {}, counters: {}, log: [] }),
  }
})
