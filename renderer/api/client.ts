// The renderer's side of shared/api/contract.ts, over `serve` or the desktop app's preload: typed
// calls, replies and events checked against the same schemas the other side used.
import {
  type ApiCall,
  ApiError,
  type ApiReply,
  type ApiRequest,
  api,
  EditorEvent,
  LiveEvent,
  SessionEvent,
  type SessionRequest,
} from '../../shared/api/contract.ts'

export class ApiFailure extends Error {
  constructor(
    message: string,
    readonly problems: NonNullable<ApiError['problems']> = [],
    readonly kind: ApiError['kind'] = undefined,
  ) {
    super(message)
  }
}

export interface Client {
  call<C extends ApiCall>(call: C, request: ApiRequest<C>): Promise<ApiReply<C>>
  /** Opens the live stream of a lab's events; returns the function that closes it. */
  watch(lab: unknown, onEvent: (event: LiveEvent) => void): () => void
  /** Editor events: a lab file changed on disk, the desktop app's File menu. Checked on arrival. */
  onEditorEvent(listener: (event: EditorEvent) => void): () => void
  /**
   * A channel for captures and shells (serve's authenticated WebSocket, where the engine runs).
   * Absent where the page cannot have them: the menu items that open them are then absent too.
   */
  sessions?(onEvent: (event: SessionEvent) => void): SessionChannel
}

/** One socket's sessions: what is sent before it opens is sent once it does; close ends them all. */
export interface SessionChannel {
  send(request: SessionRequest): void
  close(): void
}

/** A message of a live stream, parsed: what does not fit the contract becomes an error event. */
export function liveEvent(message: unknown): LiveEvent {
  const parsed = LiveEvent.safeParse(message)
  return parsed.success
    ? parsed.data
    : {
        type: 'error',
        error: `a live event that does not fit the contract: ${parsed.error.issues[0]?.message}`,
      }
}

const checked = (listener: (event: EditorEvent) => void) => (message: unknown) => {
  const parsed = EditorEvent.safeParse(message)
  if (parsed.success) listener(parsed.data)
}

export function httpClient(token: string, origin = window.location.origin): Client {
  return {
    async call(call, request) {
      const res = await fetch(`${origin}/api/${call}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(request),
      })
      const body: unknown = await res.json()
      if (!res.ok) {
        const error = ApiError.safeParse(body)
        throw new ApiFailure(
          error.success ? error.data.error : `HTTP ${res.status}`,
          error.data?.problems ?? [],
          error.data?.kind,
        )
      }
      return api[call].res.parse(body) as ApiReply<typeof call>
    },
    watch(lab, onEvent) {
      const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(token)}`)
      ws.onopen = () => ws.send(JSON.stringify({ type: 'watch', lab }))
      ws.onmessage = (m) => {
        let message: unknown
        try {
          message = JSON.parse(String(m.data))
        } catch {
          message = null
        }
        onEvent(liveEvent(message))
      }
      return () => ws.close()
    },
    onEditorEvent(listener) {
      // A socket that watches no lab: it hears what the server tells every editor.
      const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(token)}`)
      const receive = checked(listener)
      ws.onmessage = (m) => {
        try {
          receive(JSON.parse(String(m.data)))
        } catch {
          // not JSON: not for us
        }
      }
      return () => ws.close()
    },
    sessions(onEvent) {
      const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(token)}`)
      const waiting: string[] = []
      ws.onopen = () => {
        for (const message of waiting.splice(0)) ws.send(message)
      }
      ws.onmessage = (m) => {
        let message: unknown
        try {
          message = JSON.parse(String(m.data))
        } catch {
          message = null
        }
        const parsed = SessionEvent.safeParse(message)
        onEvent(
          parsed.success
            ? parsed.data
            : { type: 'error', error: 'a session event that does not fit the contract' },
        )
      }
      ws.onclose = (e) => {
        if (e.code !== 1000) onEvent({ type: 'error', error: `the connection closed (${e.code})` })
      }
      return {
        send(request) {
          const message = JSON.stringify(request)
          if (ws.readyState === WebSocket.OPEN) ws.send(message)
          else if (ws.readyState === WebSocket.CONNECTING) waiting.push(message)
        },
        close: () => ws.close(1000),
      }
    },
  }
}

/** The desktop app's client: the preload's named functions (window.patchbay), one per call. */
export function ipcClient(
  bridge: Record<string, (request: unknown) => Promise<unknown>>,
  live?: { watch(lab: unknown, onEvent: (event: unknown) => void): () => void },
  events?: { onEvent(listener: (event: unknown) => void): void },
): Client {
  return {
    async call(call, request) {
      const fn = bridge[call]
      if (!fn) throw new ApiFailure(`the desktop app has no call ${call}`)
      return api[call].res.parse(await fn(request)) as ApiReply<typeof call>
    },
    // In the desktop app the live state arrives on a MessagePort the preload keeps to itself.
    watch: (lab, onEvent) => live?.watch(lab, (message) => onEvent(liveEvent(message))) ?? (() => {}),
    onEditorEvent(listener) {
      let on = true
      events?.onEvent((e) => on && checked(listener)(e))
      return () => {
        on = false
      }
    },
  }
}
