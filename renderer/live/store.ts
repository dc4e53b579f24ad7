// Live link state from the engine's watch stream, by link id. Never part of the document or its
// history; events arriving together are applied in one update per animation frame.
import { create } from 'zustand'
import type { LinkStatusReply, LiveEvent, LiveEventOf } from '../../shared/api/contract.ts'

export type Counters = Omit<LiveEventOf<'counters'>, 'type' | 'at' | 'linkId'>

/** Whether a machine of a lab over machines can be watched now, and why not. */
export type Reachability = { readonly reachable: boolean; readonly why?: string }

export interface LiveState {
  readonly links: Readonly<Record<string, LinkStatusReply>>
  /**
   * The id each drawn link (by its editor key, link-keys.ts) had in the lab being watched: the
   * machine knows a link by that id until the lab is applied again, even after its ifname is edited.
   */
  readonly watched: Readonly<Record<string, string>>
  setWatched(watched: Readonly<Record<string, string>>): void
  readonly counters: Readonly<Record<string, Counters>>
  /** Each machine of the watched lab, by its host name, as its channel last was. */
  readonly machines: Readonly<Record<string, Reachability>>
  readonly log: readonly string[]
  /** The apply running now, step by step. */
  readonly progress: { readonly done: number; readonly total: number; readonly op: string } | null
  receive(event: LiveEvent): void
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
  const later = (): Pending => {
    if (!pending) {
      pending = { links: {}, counters: {}, log: [] }
      requestAnimationFrame(flush)
    }
    return pending
  }
  return {
    links: {},
    watched: {},
    setWatched: (watched) => set({ watched }),
    counters: {},
    machines: {},
    log: [],
    progress: null,
    receive: (event) => {
      switch (event.type) {
        case 'link': {
          const p = later()
          p.links[event.link.id] = event.link
          p.log.push(`${event.link.id} ${event.link.state}`)
          break
        }
        case 'counters': {
          const { rxBytes, txBytes, rxRate, txRate } = event
          later().counters[event.linkId] = { rxBytes, txBytes, rxRate, txRate }
          break
        }
        case 'heal':
          later().log.push(
            `healed ${event.node}: ${event.ok ? `${event.ops} ops in ${event.ms} ms` : 'failed'}`,
          )
          break
        case 'container':
          later().log.push(`container ${event.node} ${event.action}`)
          break
        case 'notice':
          later().log.push(event.message)
          break
        case 'machine': {
          const { machine, reachable, why } = event
          set({
            machines: {
              ...get().machines,
              [machine]: why === undefined ? { reachable } : { reachable, why },
            },
          })
          later().log.push(`machine ${machine} ${reachable ? 'reachable' : `unreachable: ${why ?? '?'}`}`)
          break
        }
        case 'lab-file-changed':
          // The editor's file state, not live state (the document's open file hears it).
          break
        case 'progress':
          set({
            progress:
              event.done >= event.total ? null : { done: event.done, total: event.total, op: event.op },
          })
          break
        case 'error':
          later().log.push(`live state: ${event.error}`)
          break
      }
    },
    clear: () => set({ links: {}, counters: {}, machines: {}, log: [], watched: {} }),
  }
})

/** The id the machine knows a drawn link by: as it was when watching began, else its id now. */
export const liveLinkId = (s: Pick<LiveState, 'watched'>, key: string | undefined, id: string): string =>
  (key !== undefined ? s.watched[key] : undefined) ?? id
