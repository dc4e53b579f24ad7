// The desktop window's security settings and the one check every IPC message passes. Pure data
// and a pure function, so they are unit-tested with hostile senders and payloads; main.ts uses
// exactly these.
import { API_CALLS } from '../../shared/api/calls.ts'
import { type ApiCall, api } from '../../shared/api/contract.ts'

/** The renderer is served from this origin, never from disk paths or the network. */
export const APP_ORIGIN = 'app://patchbay'

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ')

/** BrowserWindow options (webPreferences as Electron names them). */
export const windowOptions = (preload: string) => ({
  width: 1400,
  height: 900,
  title: 'patchbay',
  show: false,
  webPreferences: {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    webviewTag: false,
    allowRunningInsecureContent: false,
    spellcheck: false,
  },
})

/** The calls the preload exposes, one named function each: exactly the contract's (tested). */
export const IPC_CALLS: readonly ApiCall[] = API_CALLS

export type IpcVerdict<C extends ApiCall = ApiCall> =
  | { readonly ok: true; readonly call: C; readonly request: unknown }
  | { readonly ok: false; readonly reason: string }

/**
 * Accepts an IPC message only from our own app:// page (top frame) on a channel the contract
 * names, with a payload its schema accepts.
 */
export function acceptIpc(
  sender: { url: string; isMainFrame: boolean } | null,
  channel: string,
  payload: unknown,
): IpcVerdict {
  if (!sender) return { ok: false, reason: 'no sender frame' }
  let origin: string
  try {
    origin = new URL(sender.url).origin
  } catch {
    return { ok: false, reason: `sender URL ${JSON.stringify(sender.url)} is not a URL` }
  }
  // app:// URLs have an opaque origin in WHATWG terms ("null"): compare scheme and host instead.
  const url = new URL(sender.url)
  if (`${url.protocol}//${url.host}` !== APP_ORIGIN || !sender.isMainFrame) {
    return {
      ok: false,
      reason: `IPC from ${origin === 'null' ? sender.url : origin} refused: not this app's page`,
    }
  }
  if (!(IPC_CALLS as string[]).includes(channel))
    return { ok: false, reason: `no call ${JSON.stringify(channel)}` }
  const parsed = api[channel as ApiCall].req.safeParse(payload)
  if (!parsed.success)
    return {
      ok: false,
      reason: `malformed ${channel} request: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
    }
  return { ok: true, call: channel as ApiCall, request: parsed.data }
}
