// `patchbay serve` facing requests no browser page should be able to use against it: a request
// target that is not a path (`//a:x`, which once threw outside any handler and ended the process),
// on plain HTTP and on the WebSocket upgrade, and WebSocket messages over the size limit. After
// each, an ordinary request must still be answered. Nothing here reaches the machine: the engine
// is never called for a refused request. Then the same against a real `patchbay serve` process, and
// the process-wide guard that logs what nobody foresaw and keeps that process serving.
import { execFile, spawn } from 'node:child_process'
import { connect } from 'node:net'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createEngine } from '../../../electron/core/create-engine.ts'
import { processCommandLog } from '../../../electron/core/exec/runner.ts'
import { engineService } from '../../../electron/core/service.ts'
import {
  MAX_BODY_BYTES,
  type RunningServer,
  serve,
  WS_MAX_MESSAGE_BYTES,
} from '../../../electron/serve/server.ts'

/** Sends `head` as raw bytes and returns what the server wrote back before closing (or 2 s). */
function raw(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let reply = ''
    const timer = setTimeout(() => {
      socket.destroy()
      resolve(reply)
    }, 2000)
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1')
    })
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(reply)
    })
    socket.on('error', reject)
    socket.write(head)
  })
}

describe('serve and malformed requests', () => {
  let server: RunningServer
  const host = () => `127.0.0.1:${server.port}`

  beforeAll(async () => {
    server = await serve({
      service: engineService(createEngine({ stateDir: '/nonexistent/patchbay-serve-malformed' })),
    })
  })
  afterAll(async () => {
    await server.close()
  })

  async function stillServing(): Promise<void> {
    const reply = await fetch(`http://${host()}/api/validateLab`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'patchbay: 1\nname: ok\nnodes: {}\n' }),
    })
    expect(reply.status).toBe(200)
    expect(await reply.json()).toMatchObject({ ok: true })
  }

  it.each([
    ['a target with a host and no port (//a:x)', '//a:x'],
    ['a target that is not a path (*)', '*'],
    ['an absolute-form target to another host', 'http://evil.example/api/validateLab'],
    ['a target starting with two slashes', '//evil.example/api/validateLab'],
  ])('answers %s with 400 and keeps serving', async (_what, target) => {
    const before = processCommandLog.length
    const reply = await raw(
      server.port,
      `GET ${target}?token=${server.token} HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`,
    )
    expect(reply).toMatch(/^HTTP\/1\.1 400 /)
    expect(processCommandLog.length).toBe(before)
    await stillServing()
  })

  it('refuses a lab body over the limit before parsing it, so it cannot hold the other requests', async () => {
    expect(MAX_BODY_BYTES).toBeLessThanOrEqual(256 * 1024)
    const text = `patchbay: 1\nname: big\nnodes:\n${'  n: { kind: router }\n'.repeat(MAX_BODY_BYTES / 20)}`
    const reply = await fetch(`http://${host()}/api/validateLab`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}` },
      body: JSON.stringify({ text }),
    })
    expect(reply.status).toBe(400)
    expect(await reply.json()).toEqual({
      kind: 'invalid',
      error: `request body over ${MAX_BODY_BYTES} bytes`,
    })
    await stillServing()
  })

  it('answers the same target on the WebSocket upgrade with 400 and keeps serving', async () => {
    const reply = await raw(
      server.port,
      `GET //a:x HTTP/1.1\r\nHost: ${host()}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    )
    expect(reply).toMatch(/^HTTP\/1\.1 400 /)
    await stillServing()
  })

  it(`closes a WebSocket whose message is over ${WS_MAX_MESSAGE_BYTES} bytes (1009), and keeps serving`, async () => {
    expect(WS_MAX_MESSAGE_BYTES).toBeLessThanOrEqual(64 * 1024)
    const ws = new WebSocket(`ws://${host()}/ws?token=${server.token}`)
    await new Promise((resolve, reject) => {
      ws.once('open', resolve)
      ws.once('error', reject)
    })
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
    ws.send('x'.repeat(WS_MAX_MESSAGE_BYTES + 1))
    expect(await closed).toBe(1009)

    // A message under the limit is read and answered (here: not a watch request).
    const small = new WebSocket(`ws://${host()}/ws?token=${server.token}`)
    await new Promise((resolve) => small.once('open', resolve))
    const answer = new Promise<string>((resolve) => small.once('message', (d) => resolve(d.toString())))
    small.send(JSON.stringify({ type: 'watch', lab: 'x'.repeat(WS_MAX_MESSAGE_BYTES - 100) }))
    expect(JSON.parse(await answer)).toMatchObject({ type: 'error' })
    small.close()
    await stillServing()
  })
})

describe('the patchbay serve process', () => {
  it('answers //a:x with 400 on both paths and is still running and serving after', async () => {
    const token = 'malformed-request-test-token-0123456789'
    const child = spawn(process.execPath, ['bin/patchbay.js', 'serve'], {
      env: { ...process.env, PATCHBAY_SERVE_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    try {
      const url = await new Promise<URL>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', (c) => {
          out += c
          if (out.includes('\n')) resolve(new URL(out.trim()))
        })
        child.once('exit', (code) => reject(new Error(`serve exited with ${code} before printing its URL`)))
      })
      const head = (extra: string) => `GET //a:x HTTP/1.1\r\nHost: ${url.host}\r\n${extra}\r\n`
      expect(await raw(Number(url.port), head('Connection: close\r\n'))).toMatch(/^HTTP\/1\.1 400 /)
      expect(
        await raw(
          Number(url.port),
          head(
            'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n' +
              'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n',
          ),
        ),
      ).toMatch(/^HTTP\/1\.1 400 /)
      expect(child.exitCode).toBeNull()
      const reply = await fetch(`http://${url.host}/api/validateLab`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify({ text: 'patchbay: 1\nname: ok\nnodes: {}\n' }),
      })
      expect(await reply.json()).toMatchObject({ ok: true })
    } finally {
      child.kill('SIGTERM')
    }
  }, 30_000)

  it('logs an uncaught exception and an unhandled rejection and keeps the process alive', async () => {
    // A real node process with the guard the serve command installs, then both kinds of failure.
    const script = `
      const { keepServing } = await import(${JSON.stringify(new URL('../../../electron/cli/commands/serve.ts', import.meta.url).pathname)})
      keepServing({ stdout: () => {}, stderr: (t) => process.stderr.write(t), readStdin: async () => '' })
      setTimeout(() => { throw new Error('thrown in a timer') }, 0)
      Promise.reject(new Error('rejected in a handler'))
      setTimeout(() => { process.stdout.write('still running'); process.exit(0) }, 300)
    `
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx/esm',
      '--input-type=module',
      '-e',
      script,
    ])
    expect(stdout).toBe('still running')
    expect(stderr).toContain('patchbay serve: uncaught exception, still serving: Error: thrown in a timer')
    expect(stderr).toContain(
      'patchbay serve: unhandled rejection, still serving: Error: rejected in a handler',
    )
  }, 30_000)
})
