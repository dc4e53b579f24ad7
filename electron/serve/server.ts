// `patchbay serve`: the editor's API over HTTP and its live state over a WebSocket, on 127.0.0.1
// only. POST /api/<call> takes and returns the JSON of shared/api/contract.ts; /ws streams a lab's
// watch events. Static files (the renderer) are served from `staticDir` when there is one.
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'
import { WebSocketServer } from 'ws'
import {
  type ErrorKind,
  isApiCall,
  type LiveEvent,
  SessionRequest,
  WatchRequest,
} from '../../shared/api/contract.ts'
import { failureOf, type LiveStream, type Service, ServiceError } from '../core/service.ts'
import { checkRequest, requestTarget } from './guard.ts'
import { SocketSessions } from './sessions.ts'

export interface ServeOptions {
  /**
   * The application service of this process (core/service.ts), over its one Engine and the lab
   * files the page may open and save. The server owns it: closing the server closes it.
   */
  readonly service: Service
  readonly port?: number
  readonly token?: string
  /** The built renderer, served at /. */
  readonly staticDir?: string
  /** Bigger bodies are refused: a lab is a small document. */
  readonly maxBodyBytes?: number
}

/** Request bodies over this are refused (400) before they are parsed. */
export const MAX_BODY_BYTES = 256 * 1024

/** A WebSocket message is a watch request naming one lab, or a session's; anything bigger is closed with 1009. */
export const WS_MAX_MESSAGE_BYTES = 64 * 1024

export interface RunningServer {
  readonly url: string
  readonly port: number
  readonly token: string
  close(): Promise<void>
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
}

/** The HTTP status of each kind of failed call. */
const STATUS: Record<ErrorKind, number> = { invalid: 400, 'no-call': 404, capability: 403, failed: 500 }

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  res.end(text)
}

async function readBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) throw new ServiceError('invalid', `request body over ${limit} bytes`)
    chunks.push(chunk as Buffer)
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null')
  } catch {
    throw new ServiceError('invalid', 'request body is not JSON')
  }
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  const sockets = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_MESSAGE_BYTES })
  const { service } = options
  const sendEvent = (ws: { send(data: string): void }, event: LiveEvent) => ws.send(JSON.stringify(event))
  // Progress of a running apply, and a lab file changed on disk, go to every open editor.
  service.onBroadcast((event) => {
    for (const client of sockets.clients) sendEvent(client, event)
  })
  // A lab is a small document (a few KiB; a thousand nodes and links are about 100 KiB). Validating
  // is linear in its size but runs on this one thread: the limit keeps one request from holding the
  // others for more than a fraction of a second, where a worker thread would copy every lab per call.
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES
  let port = options.port ?? 0

  const server: Server = createServer(async (req, res) => {
    const target = requestTarget(req)
    if (!target) return send(res, 400, { error: 'the request target is not a path on this server' })
    const path = target.pathname
    const isApi = path.startsWith('/api/')
    const verdict = checkRequest(req, target, port, token, isApi)
    if (!verdict.ok) return send(res, verdict.status, { error: verdict.reason })
    if (isApi) {
      const call = path.slice('/api/'.length)
      if (req.method !== 'POST' || !isApiCall(call)) return send(res, 404, { error: `no call ${call}` })
      let body: unknown
      try {
        body = await readBody(req, limit)
      } catch (e) {
        const failure = failureOf(e)
        return send(res, STATUS[failure.kind], failure)
      }
      const outcome = await service.call(call, body)
      return outcome.ok
        ? send(res, 200, outcome.reply)
        : send(res, STATUS[outcome.failure.kind], outcome.failure)
    }
    if (!options.staticDir || req.method !== 'GET') return send(res, 404, { error: 'not found' })
    // Static files of the renderer; never outside its folder.
    const file = normalize(join(options.staticDir, path === '/' ? 'index.html' : path))
    if (!file.startsWith(normalize(options.staticDir))) return send(res, 403, { error: 'outside the app' })
    try {
      const body = await readFile(file)
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-security-policy':
          "default-src 'self'; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
        'x-content-type-options': 'nosniff',
      })
      res.end(body)
    } catch {
      send(res, 404, { error: 'not found' })
    }
  })

  server.on('upgrade', (req, socket, head) => {
    const target = requestTarget(req)
    if (!target) {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')
      return
    }
    const verdict = checkRequest(req, target, port, token, true)
    if (!verdict.ok || target.pathname !== '/ws') {
      socket.end(
        `HTTP/1.1 ${verdict.ok ? 404 : verdict.status} ${verdict.ok ? 'Not Found' : 'Refused'}\r\n\r\n`,
      )
      return
    }
    sockets.handleUpgrade(req, socket, head, (ws) => {
      let stream: LiveStream | null = null
      // Captures and shells this page opens on this socket; they end with it.
      const sessions = new SocketSessions(service, (event) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event))
      })
      // A message over the limit (or a broken frame): ws has already sent the close (1009, 1002);
      // the error event that follows would be thrown if nobody listened.
      ws.on('error', () => {})
      ws.on('message', (data) => {
        let message: unknown
        try {
          message = JSON.parse(data.toString())
        } catch {
          message = null
        }
        const session = SessionRequest.safeParse(message)
        if (session.success) return void sessions.handle(session.data)
        const parsed = WatchRequest.safeParse(message)
        if (!parsed.success)
          return sendEvent(ws, {
            type: 'error',
            error: 'expected {"type":"watch","lab":…} or a capture or shell session message',
          })
        stream?.stop()
        try {
          stream = service.watch(parsed.data.lab, (event) => sendEvent(ws, event), {
            heal: true,
            counters: true,
          })
        } catch (e) {
          stream = null
          return sendEvent(ws, { type: 'error', error: failureOf(e).error })
        }
        stream.ready.catch((e: unknown) =>
          sendEvent(ws, { type: 'error', error: `watching failed: ${failureOf(e).error}` }),
        )
      })
      ws.on('close', () => {
        stream?.stop()
        sessions.close()
      })
    })
  })

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        service.close()
        for (const client of sockets.clients) client.terminate()
        sockets.close()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
