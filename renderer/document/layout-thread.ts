// Where the automatic layout runs: in its own worker (layout-worker.ts), so that the page stays
// responsive while ELK places a big lab, and warmed up there while the editor idles: ELK's first
// layout in a fresh thread spends ~0.3 s compiling itself, which opening a lab should not wait for.
// Where no worker can be started, the layout runs in the page as before.
import type { Lab } from '../../shared/lab/schema.ts'
import { autoLayout } from '../../shared/layout/auto-layout.ts'
import type { LayoutReply, LayoutRequest } from './layout-worker.ts'

type Waiting = {
  readonly lab: Lab
  readonly keep: ReadonlySet<string>
  resolve(lab: Lab): void
  reject(error: Error): void
}

/** undefined: not started yet; null: no worker here (or it failed), the page lays out. */
let worker: Worker | null | undefined
const waiting = new Map<number, Waiting>()
let lastId = 0

function inPage(job: Waiting): void {
  autoLayout(job.lab, { keep: job.keep }).then(job.resolve, job.reject)
}

function started(): Worker | null {
  if (worker !== undefined) return worker
  try {
    worker = new Worker(new URL('./layout-worker.ts', import.meta.url), { type: 'module', name: 'layout' })
  } catch {
    worker = null
    return worker
  }
  worker.onmessage = (event: MessageEvent<LayoutReply>) => {
    const reply = event.data
    const job = waiting.get(reply.id)
    if (!job) return
    waiting.delete(reply.id)
    if ('error' in reply) job.reject(new Error(`layout failed: ${reply.error}`))
    else job.resolve({ ...job.lab, layout: reply.layout })
  }
  // The worker's script could not be loaded or it died: what it had is laid out in the page.
  worker.onerror = (event) => {
    event.preventDefault()
    worker?.terminate()
    worker = null
    const jobs = [...waiting.values()]
    waiting.clear()
    for (const job of jobs) inPage(job)
  }
  return worker
}

/** The lab with positions for every node but those in `keep` (autoLayout's result). */
export function layOut(lab: Lab, keep: ReadonlySet<string> = new Set()): Promise<Lab> {
  return new Promise((resolve, reject) => {
    const job: Waiting = { lab, keep, resolve, reject }
    const thread = started()
    if (!thread) return inPage(job)
    const id = ++lastId
    waiting.set(id, job)
    thread.postMessage({ id, lab, keep: [...keep] } satisfies LayoutRequest)
  })
}
