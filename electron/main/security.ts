// The desktop window's security settings and the one check every IPC message passes. Pure data
// and a pure function, so they are unit-tested with hostile senders and payloads; main.ts uses
// exactly these.
import { API_CALLS } from '../../shared/api/calls.ts'
import { type ApiCall, api, WatchLab } from '../../shared/api/contract.ts'

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

/** Why a sender is not our own app:// page in its top frame, or null when it is. */
function foreignSender(sender: { url: string; isMainFrame: boolean } | null): string | null {
  if (!sender) return 'no sender frame'
  let url: URL
  try {
    url = new URL(sender.url)
  } catch {
    return `sender URL ${JSON.stringify(sender.url)} is not a URL`
  }
  // app:// URLs have an opaque origin in WHATWG terms ("null"): compare scheme and host instead.
  if (`${url.protocol}//${url.host}` !== APP_ORIGIN || !sender.isMainFrame)
    return `IPC from ${url.origin === 'null' ? sender.url : url.origin} refused: not this app's page`
  return null
}

const issues = (error: { issues: readonly { message: string }[] }) =>
  error.issues.map((i) => i.message).join('; ')

/**
 * Accepts an IPC message only from our own app:// page (top frame) on a channel the contract
 * names, with a payload its schema accepts.
 */
export function acceptIpc(
  sender: { url: string; isMainFrame: boolean } | null,
  channel: string,
  payload: unknown,
): IpcVerdict {
  const foreign = foreignSender(sender)
  if (foreign) return { ok: false, reason: foreign }
  if (!(IPC_CALLS as string[]).includes(channel))
    return { ok: false, reason: `no call ${JSON.stringify(channel)}` }
  const parsed = api[channel as ApiCall].req.safeParse(payload)
  if (!parsed.success) return { ok: false, reason: `malformed ${channel} request: ${issues(parsed.error)}` }
  return { ok: true, call: channel as ApiCall, request: parsed.data }
}

/** The same check for the one stream, `watch`: its payload is the contract's WatchLab. */
export function acceptWatch(
  sender: { url: string; isMainFrame: boolean } | null,
  payload: unknown,
): { readonly ok: true; readonly request: WatchLab } | { readonly ok: false; readonly reason: string } {
  const foreign = foreignSender(sender)
  if (foreign) return { ok: false, reason: foreign }
  const parsed = WatchLab.safeParse(payload)
  if (!parsed.success) return { ok: false, reason: `malformed watch request: ${issues(parsed.error)}` }
  return { ok: true, request: parsed.data }
}
