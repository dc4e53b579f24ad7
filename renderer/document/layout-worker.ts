// The automatic layout's own thread: ELK (1.4 MB of compiled Java) is parsed, compiled and run here,
// so opening a big lab never stalls the page while it is placed. Messages are layout-thread.ts's.
import type { Lab } from '../../shared/lab/schema.ts'
import { autoLayout } from '../../shared/layout/auto-layout.ts'

export type LayoutRequest = { readonly id: number; readonly lab: Lab; readonly keep: readonly string[] }
export type LayoutReply =
  | { readonly id: number; readonly layout: NonNullable<Lab['layout']> }
  | { readonly id: number; readonly error: string }

self.addEventListener('message', async (event: MessageEvent<LayoutRequest>) => {
  const { id, lab, keep } = event.data
  let reply: LayoutReply
  try {
    reply = { id, layout: (await autoLayout(lab, { keep: new Set(keep) })).layout ?? {} }
  } catch (e) {
    reply = { id, error: e instanceof Error ? e.message : String(e) }
  } finally {
    // ELK, started in a worker, makes itself the worker's onmessage handler (it is built to be an
    // ELK worker); here it runs in-thread and this worker speaks its own protocol: none of that.
    self.onmessage = null
  }
  self.postMessage(reply)
})
