// The one live stream the editor keeps open: the lab last applied.
import type { Client } from '../api/client.ts'
import { useLive } from './store.ts'

let stop: (() => void) | null = null

export function startWatching(client: Client, lab: unknown): void {
  stop?.()
  stop = client.watch(lab, useLive.getState().receive)
}

export function stopWatching(): void {
  stop?.()
  stop = null
  useLive.getState().clear()
}
