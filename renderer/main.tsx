import '@xyflow/react/dist/style.css'
import './styles.css'
import { createRoot } from 'react-dom/client'
import { App } from './App.tsx'
import { httpClient, ipcClient } from './api/client.ts'

// `patchbay serve` prints http://127.0.0.1:PORT/?token=…; the token then travels in headers only.
const token = new URLSearchParams(window.location.search).get('token') ?? ''
// In the desktop app the preload provides window.patchbay; in a browser, serve does.
const desktop = window as unknown as {
  patchbay?: Record<string, (r: unknown) => Promise<unknown>>
  patchbayLive?: { watch(lab: unknown, onEvent: (event: unknown) => void): () => void }
  patchbayEvents?: { onEvent(listener: (event: unknown) => void): void }
}
createRoot(document.getElementById('root')!).render(
  <App
    client={
      desktop.patchbay
        ? ipcClient(desktop.patchbay, desktop.patchbayLive, desktop.patchbayEvents)
        : httpClient(token)
    }
  />,
)
