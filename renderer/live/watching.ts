// The one live stream the editor keeps open: the lab last applied.
import type { Client } from '../api/client.ts'
import { useLinkKeys } from '../document/link-keys.ts'
import { useLive } from './store.ts'

let stop: (() => void) | null = null

/** Watches `lab`, the document's lab as it is now (as just planned or applied). */
export function startWatching(client: Client, lab: unknown): void {
  stop?.()
  const { keys, ids } = useLinkKeys.getState()
  useLive.getState().setWatched(Object.fromEntries(keys.map((key, i) => [key, ids[i]!])))
  stop = client.watch(lab, useLive.getState().receive)
}

/** Watches `lab` unless a stream is open already (a lab found applied when opened, or re-read). */
export function keepWatching(client: Client, lab: unknown): void {
  if (stop === null) startWatching(client, lab)
}

export function stopWatching(): void {
  stop?.()
  stop = null
  useLive.getState().clear()
}
