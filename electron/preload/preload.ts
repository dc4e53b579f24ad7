// The preload: a few named functions, one per call of shared/api/contract.ts, and nothing generic
// (no invoke(channel, …) reaches the page). Sandboxed preloads may only require 'electron'.
import { contextBridge, ipcRenderer } from 'electron'
import { API_CALLS } from '../../shared/api/calls.ts'

const patchbay = Object.fromEntries(
  API_CALLS.map((call) => [call, (request: unknown) => ipcRenderer.invoke(call, request)]),
)

/**
 * Live state: main answers a watch request (the contract's WatchLab) with a MessagePort that
 * carries the lab's events; the page gets only a callback and a function to stop, never the port
 * or ipcRenderer. The page parses each event against the contract (renderer/api/client.ts).
 */
const watch = (lab: unknown, onEvent: (event: unknown) => void): (() => void) => {
  let port: MessagePort | null = null
  let stopped = false
  ipcRenderer.once('watch-port', (event) => {
    port = event.ports[0] ?? null
    if (!port || stopped) return port?.close()
    port.onmessage = (message) => onEvent(message.data)
  })
  ipcRenderer.send('watch', { lab })
  return () => {
    stopped = true
    port?.close()
  }
}

/** Editor events from main (the File menu, a lab file changed on disk); the page checks them. */
const onEvent = (listener: (event: unknown) => void): void => {
  ipcRenderer.on('editor-event', (_event, payload: unknown) => listener(payload))
}

contextBridge.exposeInMainWorld('patchbay', patchbay)
contextBridge.exposeInMainWorld('patchbayEvents', { onEvent })
contextBridge.exposeInMainWorld('patchbayLive', { watch })
