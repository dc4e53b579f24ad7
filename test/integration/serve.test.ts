// `patchbay serve` as a browser would use it, and as an attacker would try it: the token, Host and
// Origin checks, malformed messages answered without running anything, a lab planned and applied
// by plan id, and live events on the WebSocket.
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createEngine } from '../../electron/core/create-engine.ts'
import { processCommandLog } from '../../electron/core/exec/runner.ts'
import { engineService } from '../../electron/core/service.ts'
import { type RunningServer, serve } from '../../electron/serve/server.ts'
import { checkLab } from '../../shared/lab/check.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { sweep } from './support/machine.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs', 'docker'])

/** A raw POST, so that Host and Origin can be anything. */
function post(port: number, path: string, body: unknown, headers: Record<string, string>) {
  return new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        let text = ''
        res.on('data', (c) => {
          text += c
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }))
      },
    )
    req.on('error', reject)
    req.end(typeof body === 'string' ? body : JSON.stringify(body))
  })
}

describe.skipIf(skipReason !== null)('patchbay serve', () => {
  const prefix = testPrefix()
  const engine = createEngine({ stateDir: `/tmp/patchbay-test-state/${prefix}` })
  const lab = {
    patchbay: 1,
    name: `${prefix}-serve`,
    nodes: {
      [`${prefix}s`]: { kind: 'ovs-bridge' },
      [`${prefix}a`]: { kind: 'netns' },
      [`${prefix}b`]: { kind: 'netns' },
    },
    links: [
      { guest: `${prefix}a`, to: `${prefix}s`, ip: '10.210.0.1/24', vlan: 5 },
      { guest: `${prefix}b`, to: `${prefix}s`, ip: '10.210.0.2/24', vlan: 5 },
    ],
  }
  let server: RunningServer
  const auth = () => ({ host: `127.0.0.1:${server.port}`, authorization: `Bearer ${server.token}` })

  beforeAll(async () => {
    server = await serve({ service: engineService(engine) })
  })

  afterAll(async () => {
    await server.close()
    await sweep(prefix)
  })

  it('prints a URL on 127.0.0.1 with its token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/)
  })

  it('refuses a call without the token (401), from a foreign Origin or Host (403)', async () => {
    const host = `127.0.0.1:${server.port}`
    expect((await post(server.port, '/api/validateLab', { text: '' }, { host })).status).toBe(401)
    expect(
      (await post(server.port, '/api/validateLab', { text: '' }, { host, authorization: 'Bearer nope' }))
        .status,
    ).toBe(401)
    const foreign = await post(
      server.port,
      '/api/validateLab',
      { text: '' },
      { ...auth(), origin: 'http://evil.example' },
    )
    expect(foreign).toMatchObject({
      status: 403,
      json: { error: 'Origin "http://evil.example" may not call this server' },
    })
    expect(
      (
        await post(
          server.port,
          '/api/validateLab',
          { text: '' },
          { ...auth(), host: `attacker.example:${server.port}` },
        )
      ).status,
    ).toBe(403)
  })

  it('answers malformed messages with an error and runs nothing', async () => {
    const before = processCommandLog.length
    expect(await post(server.port, '/api/planLab', 'not json', auth())).toMatchObject({
      status: 400,
      json: { error: 'request body is not JSON' },
    })
    expect((await post(server.port, '/api/applyPlan', { planId: 7 }, auth())).json.error).toContain(
      'malformed applyPlan request: planId',
    )
    expect((await post(server.port, '/api/runCommand', { argv: ['reboot'] }, auth())).status).toBe(404)
    const hostile = await post(
      server.port,
      '/api/planLab',
      { lab: { ...lab, nodes: { 'eth0;reboot': { kind: 'netns' } } } },
      auth(),
    )
    expect(hostile.status).toBe(400)
    expect(hostile.json.problems).toContainEqual(
      expect.objectContaining({ message: expect.stringContaining('"eth0;reboot" contains ";"') }),
    )
    expect((await post(server.port, '/api/applyPlan', { planId: 'made-up' }, auth())).json.error).toBe(
      'no plan made-up: plan the lab first',
    )
    expect(processCommandLog.length).toBe(before)
  })

  it('plans a lab, applies it by plan id, and streams its live state', async () => {
    const planned = await post(server.port, '/api/planLab', { lab }, auth())
    expect(planned.status).toBe(200)
    const planId = String(planned.json.planId)
    expect((planned.json.ops as unknown[]).length).toBeGreaterThan(5)
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`)
    const events: { type: string; link?: { id: string; state: string }; done?: number; total?: number }[] = []
    await new Promise((resolve) => ws.once('open', resolve))
    ws.on('message', (data) => events.push(JSON.parse(data.toString())))

    const applied = await post(server.port, '/api/applyPlan', { planId }, auth())
    expect(applied.json).toMatchObject({ ok: true, failed: null })
    expect((await post(server.port, '/api/applyPlan', { planId }, auth())).status).toBe(400)
    // Every step of the apply was announced on the socket as it finished.
    const progress = events.filter((e) => e.type === 'progress')
    expect(progress.length).toBe((planned.json.ops as unknown[]).length)
    expect(progress.at(-1)).toMatchObject({ done: progress.length, total: progress.length })

    ws.send(JSON.stringify({ type: 'watch', lab }))
    for (let i = 0; i < 100 && events.filter((e) => e.type === 'link').length < 2; i++)
      await new Promise((r) => setTimeout(r, 50))
    expect(events.filter((e) => e.type === 'link').map((e) => e.link!.state)).toEqual(['up', 'up'])
    ws.close()

    expect((await post(server.port, '/api/verifyLab', { lab }, auth())).json.ok).toBe(true)
    expect((await post(server.port, '/api/destroyLab', { lab }, auth())).json).toMatchObject({ ok: true })
  })

  it('runs a plan only while the machine is as it was planned; otherwise shows the new plan first', async () => {
    const first = await post(server.port, '/api/planLab', { lab }, auth())
    const older = String(first.json.planId)
    const shown = await post(server.port, '/api/planLab', { lab }, auth())
    // A newer plan of the same lab replaces the older one.
    expect((await post(server.port, '/api/applyPlan', { planId: older }, auth())).json.error).toBe(
      `no plan ${older}: a newer plan of this lab was made since`,
    )
    // The machine moves under the plan: another hand applies the lab meanwhile.
    const meanwhile = await engine.apply(checkLab(lab).lab!)
    expect(meanwhile.result?.ok).toBe(true)
    try {
      const stale = await post(server.port, '/api/applyPlan', { planId: String(shown.json.planId) }, auth())
      expect(stale.status).toBe(200)
      expect(stale.json).toMatchObject({ ran: false, plan: { ops: [], lab: lab.name } })
      expect(String(stale.json.why)).toContain('changed since this plan was made')
      // The new plan is the one that runs now (here: nothing left to do).
      const again = await post(
        server.port,
        '/api/applyPlan',
        { planId: (stale.json.plan as { planId: string }).planId },
        auth(),
      )
      expect(again.json).toMatchObject({ ok: true, ops: [], done: [] })
    } finally {
      expect((await post(server.port, '/api/destroyLab', { lab }, auth())).json).toMatchObject({ ok: true })
    }
  })

  it('lists the machine NICs a user may pick an uplink from, never lo or a lab device', async () => {
    const { json } = await post(server.port, '/api/hostInterfaces', {}, auth())
    const names = (json.interfaces as { name: string }[]).map((i) => i.name)
    expect(names).not.toContain('lo')
    expect(names.every((n) => !n.startsWith(prefix))).toBe(true)
    expect(names.length).toBeGreaterThan(0)
  })

  it('refuses a WebSocket without the token', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`)
    const failure = await new Promise<string>((resolve) => {
      ws.once('error', (e) => resolve(e.message))
      ws.once('open', () => resolve('opened'))
    })
    expect(failure).toContain('401')
  })
})
