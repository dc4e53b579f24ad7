// `patchbay serve`: the editor's API over HTTP and its live state over a WebSocket, on 127.0.0.1
// only. POST /api/<call> takes and returns the JSON of shared/api/contract.ts; /ws streams a lab's
// watch events. Static files (the renderer) are served from `staticDir` when there is one.
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'
import { WebSocketServer } from 'ws'
import { type ApiCall, api, WatchRequest } from '../../shared/api/contract.ts'
import { checkLab } from '../../shared/lab/check.ts'
import { DockerApi } from '../core/drivers/docker-api.ts'
import type { Engine } from '../core/engine.ts'
import { fileHandlers } from '../core/file-calls.ts'
import type { LabFiles } from '../core/lab-files.ts'
import { LabWatcher } from '../core/monitor/lab-watcher.ts'
import { apiHandlers, BadRequest, parseRequest } from './api-handlers.ts'
import { checkRequest, requestTarget } from './guard.ts'

export interface ServeOptions {
  readonly engine: Engine
  readonly port?: number
  readonly token?: string
  /** The built renderer, served at /. */
  readonly staticDir?: string
  /** Bigger bodies are refused: a lab is a small document. */
  readonly maxBodyBytes?: number
  /** The lab files the page may open and save (the one on the command line, those under --dir). */
  readonly files?: LabFiles
}

/** Request bodies over this are refused (400) before they are parsed. */
export const MAX_BODY_BYTES = 256 * 1024

/** A WebSocket message is a watch request naming one lab; anything bigger is closed with 1009. */
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
    if (size > limit) throw new BadRequest(`request body over ${limit} bytes`)
    chunks.push(chunk as Buffer)
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null')
  } catch {
    throw new BadRequest('request body is not JSON')
  }
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  const sockets = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_MESSAGE_BYTES })
  // Progress of a running apply, and a lab file changed on disk, go to every open editor.
  const broadcast = (event: unknown) => {
    for (const client of sockets.clients) client.send(JSON.stringify(event))
  }
  const handlers = apiHandlers(
    options.engine,
    broadcast,
    options.files ? fileHandlers(options.files, { onChange: broadcast }) : undefined,
  )
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
      if (req.method !== 'POST' || !(call in api)) return send(res, 404, { error: `no call ${call}` })
      try {
        const body = await readBody(req, limit)
        const request = parseRequest(call as ApiCall, body)
        const reply = await (handlers[call as ApiCall] as (r: unknown) => Promise<unknown>)(request)
        return send(res, 200, reply)
      } catch (e) {
        if (e instanceof BadRequest)
          return send(res, 400, { error: e.message, ...(e.problems.length ? { problems: e.problems } : {}) })
        return send(res, 500, { error: (e as Error).message })
      }
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
      let watcher: LabWatcher | null = null
      // A message over the limit (or a broken frame): ws has already sent the close (1009, 1002);
      // the error event that follows would be thrown if nobody listened.
      ws.on('error', () => {})
      ws.on('message', async (data) => {
        let message: unknown
        try {
          message = JSON.parse(data.toString())
        } catch {
          message = null
        }
        const parsed = WatchRequest.safeParse(message)
        const checked = parsed.success ? checkLab(parsed.data.lab) : null
        if (!checked?.lab) {
          ws.send(
            JSON.stringify({
              type: 'error',
              error: parsed.success ? 'the lab has errors' : 'expected {"type":"watch","lab":…}',
            }),
          )
          return
        }
        watcher?.stop()
        watcher = new LabWatcher(options.engine, checked.lab, new DockerApi(), { heal: true, counters: true })
        watcher.on('event', (event) => ws.send(JSON.stringify(event)))
        try {
          await watcher.start()
        } catch (e) {
          ws.send(JSON.stringify({ type: 'error', error: `watching failed: ${(e as Error).message}` }))
        }
      })
      ws.on('close', () => watcher?.stop())
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
        options.files?.close()
        for (const client of sockets.clients) client.terminate()
        sockets.close()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
