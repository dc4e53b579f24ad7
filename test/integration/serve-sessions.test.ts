// Captures and shells over serve's authenticated WebSocket, as the editor opens them: pcap bytes
// that decode into the guests' pings, a shell in the guest's namespace, and a page that goes away
// (its socket closed) leaving no tcpdump and no shell; a server without the engine opens neither.
import { readdirSync, readFileSync } from 'node:fs'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createEngine } from '../../electron/core/create-engine.ts'
import { engineService, offlineService } from '../../electron/core/service.ts'
import { type RunningServer, serve } from '../../electron/serve/server.ts'
import { SessionEvent } from '../../shared/api/contract.ts'
import { decodeFrame, PcapStream } from '../../shared/capture/pcap.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { sweep } from './support/machine.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs', 'docker'])

const processesNaming = (word: string): string[] =>
  readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .flatMap((p) => {
      try {
        const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0')
        return argv.includes(word) ? [argv.join(' ')] : []
      } catch {
        return []
      }
    })

async function eventually(check: () => boolean | Promise<boolean>, ms = 15_000): Promise<boolean> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, 100))
  }
  return check()
}

function connect(server: RunningServer) {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`)
  const events: SessionEvent[] = []
  ws.on('message', (data) => {
    const parsed = SessionEvent.safeParse(JSON.parse(String(data)))
    if (parsed.success) events.push(parsed.data)
  })
  const open = new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve())
    ws.on('error', reject)
  })
  return { ws, events, open, send: (m: unknown) => ws.send(JSON.stringify(m)) }
}

describe.skipIf(skipReason !== null)('sessions on serve', () => {
  const prefix = testPrefix()
  const engine = createEngine({ stateDir: `/tmp/patchbay-test-state/${prefix}` })
  const [bridge, a, b] = [`${prefix}s`, `${prefix}a`, `${prefix}b`]
  const lab = {
    patchbay: 1,
    name: `${prefix}-ses`,
    nodes: { [bridge]: { kind: 'ovs-bridge' }, [a]: { kind: 'netns' }, [b]: { kind: 'netns' } },
    links: [
      { guest: a, to: bridge, ip: '10.216.0.1/24', vlan: 7 },
      { guest: b, to: bridge, ip: '10.216.0.2/24', vlan: 7 },
    ],
  }
  let server: RunningServer
  let pinging = true

  beforeAll(async () => {
    server = await serve({ service: engineService(engine) })
    const { result } = await engine.apply((await import('../../shared/lab/check.ts')).checkLab(lab).lab!)
    expect(result?.ok).toBe(true)
    void (async () => {
      while (pinging) {
        await execa('ip', ['netns', 'exec', a, 'ping', '-c', '1', '-W', '1', '10.216.0.2'], { reject: false })
        await new Promise((r) => setTimeout(r, 200))
      }
    })()
  }, 60_000)

  afterAll(async () => {
    pinging = false
    await server?.close()
    await sweep(prefix)
  }, 60_000)

  it('streams a capture as pcap that decodes into the pings, and stops it when the page goes away', async () => {
    const page = connect(server)
    await page.open
    page.send({ type: 'capture-start', session: 'c1', lab, link: `${a}:eth1`, filter: 'icmp' })
    const stream = new PcapStream()
    const frames: ReturnType<typeof decodeFrame>[] = []
    const read = () => {
      for (const e of page.events.splice(0))
        if (e.type === 'capture')
          frames.push(...stream.push(Buffer.from(e.data, 'base64')).map((r) => decodeFrame(r.data)))
      return frames.length >= 2
    }
    expect(await eventually(read)).toBe(true)
    expect(frames[0]).toMatchObject({ protocol: 'ICMP', vlans: [] })
    expect(frames.map((f) => f.source)).toContain('10.216.0.1')
    expect(processesNaming(`${a}-eth1`)).toHaveLength(1)
    page.ws.close()
    expect(await eventually(() => processesNaming(`${a}-eth1`).length === 0)).toBe(true)
  }, 60_000)

  it("opens a shell in the guest's namespace, with resize, and ends it on shell-close", async () => {
    const page = connect(server)
    await page.open
    page.send({ type: 'shell-open', session: 's1', lab, node: b, cols: 90, rows: 20 })
    page.send({ type: 'shell-input', session: 's1', data: 'stty size; ip -o link\r' })
    const output = () =>
      page.events
        .filter((e) => e.type === 'shell')
        .map((e) => (e.type === 'shell' ? e.data : ''))
        .join('')
    expect(await eventually(() => /20 90[\s\S]*eth1/.test(output()))).toBe(true)
    const inNetns = async () => (await execa('ip', ['netns', 'pids', b])).stdout.trim()
    expect(await inNetns()).not.toBe('')
    page.send({ type: 'shell-close', session: 's1' })
    expect(await eventually(() => page.events.some((e) => e.type === 'shell-exit'))).toBe(true)
    expect(await eventually(async () => (await inNetns()) === '')).toBe(true)
    page.ws.close()
  }, 60_000)

  it('refuses a hostile filter and an unknown link, naming the field', async () => {
    const page = connect(server)
    await page.open
    page.send({ type: 'capture-start', session: 'h1', lab, link: `${a}:eth1`, filter: 'icmp $(reboot)' })
    page.send({ type: 'capture-start', session: 'h2', lab, link: 'nope~nope' })
    expect(await eventually(() => page.events.filter((e) => e.type === 'capture-end').length === 2)).toBe(
      true,
    )
    const errors = page.events.map((e) => (e.type === 'capture-end' ? e.error : undefined))
    expect(errors).toEqual(
      expect.arrayContaining([expect.stringMatching(/^filter: /), expect.stringMatching(/^link: /)]),
    )
    page.ws.close()
  })

  it('opens no shell where the engine does not run (no applying there)', async () => {
    const offline = await serve({ service: offlineService('not root') })
    try {
      const page = connect(offline)
      await page.open
      page.send({ type: 'shell-open', session: 'x', lab, node: b, cols: 80, rows: 24 })
      expect(await eventually(() => page.events.some((e) => e.type === 'shell-exit'))).toBe(true)
      expect(page.events.find((e) => e.type === 'shell-exit')).toMatchObject({
        exitCode: null,
        error: expect.stringContaining('needs the engine'),
      })
      page.ws.close()
    } finally {
      await offline.close()
    }
  })
})
