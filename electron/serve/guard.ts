// Who may talk to `serve`: only this machine, only with the printed token, only from the page it
// served. The Host check stops DNS rebinding; the Origin check stops other sites in the browser.
import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export type Verdict = { ok: true } | { ok: false; status: 401 | 403; reason: string }

const BASE = 'http://127.0.0.1'

/**
 * The path and query of an origin-form request target (`/path?query`), or null for anything
 * else: `*`, `http://host/…`, `//host…`, `/\host…` or text no URL parser accepts. A hostile target
 * (`//a:x`) once threw here outside any handler and ended the process; the caller answers 400.
 */
export function requestTarget(req: IncomingMessage): URL | null {
  const target = req.url ?? ''
  if (!target.startsWith('/')) return null
  try {
    const url = new URL(target, BASE)
    // A target that names a host of its own (`//x`, `/\x`) is not a path on this server.
    return url.origin === BASE ? url : null
  } catch {
    return null
  }
}

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`])
}

/** The token from `Authorization: Bearer …`, or `?token=` (the printed URL, and WebSockets). */
export function tokenOf(req: IncomingMessage, target: URL): string | null {
  const auth = req.headers.authorization
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length)
  return target.searchParams.get('token')
}

export function checkRequest(
  req: IncomingMessage,
  target: URL,
  port: number,
  token: string,
  needsToken: boolean,
): Verdict {
  const hosts = allowedHosts(port)
  if (!req.headers.host || !hosts.has(req.headers.host)) {
    return {
      ok: false,
      status: 403,
      reason: `Host ${JSON.stringify(req.headers.host ?? '')} is not this server`,
    }
  }
  const origin = req.headers.origin
  if (origin !== undefined && ![...hosts].some((h) => origin === `http://${h}`)) {
    return { ok: false, status: 403, reason: `Origin ${JSON.stringify(origin)} may not call this server` }
  }
  if (needsToken) {
    const given = tokenOf(req, target)
    if (!given || !same(given, token)) return { ok: false, status: 401, reason: 'missing or wrong token' }
  }
  return { ok: true }
}
