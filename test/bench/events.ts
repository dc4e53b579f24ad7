// Link event latency, end to end: a guest's interface is set down or up by `ip` and the time runs
// until the link's new state arrives on `serve`'s WebSocket, the stream the editor draws from.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { createEngine } from '../../electron/core/create-engine.ts'
import { engineService } from '../../electron/core/service.ts'
import { serve } from '../../electron/serve/server.ts'
import { run } from './apply.ts'
import { guestName, oneBridgeLab } from './labs.ts'
import { median, percentile, round } from './stats.ts'

export interface EventFigure {
  readonly flips: number
  /** From the start of the `ip link set` that flips the link to its event on the WebSocket. */
  readonly ms: { readonly p50: number; readonly p95: number; readonly max: number }
}

interface LinkMessage {
  type: string
  link?: { id: string; state: string }
}

export async function eventFigure(prefix: string, flips: number): Promise<EventFigure> {
  const guests = 4
  const lab = oneBridgeLab(prefix, guests, 'netns')
  const stateDir = mkdtempSync(join(tmpdir(), 'patchbay-bench-events-'))
  const engine = createEngine({ stateDir })
  const server = await serve({ service: engineService(engine) })
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, {
    headers: { origin: `http://127.0.0.1:${server.port}` },
  })
  const open = new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
  try {
    const applied = await engine.apply(lab)
    if (!applied.result?.ok) throw new Error(`events bench: apply failed: ${applied.result?.failed?.error}`)
    await open
    const waiting = new Map<string, (state: string) => void>()
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as LinkMessage
      if (message.type === 'link' && message.link) waiting.get(message.link.id)?.(message.link.state)
    })
    const arrived = (id: string, state: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${state} event for ${id} within 5 s`)), 5000)
        waiting.set(id, (seen) => {
          if (seen !== state) return
          clearTimeout(timer)
          waiting.delete(id)
          resolve()
        })
      })
    // Every link reports its state once when watching starts: wait for the last of them.
    const ready = Promise.all(
      Array.from({ length: guests }, (_, i) => arrived(`${guestName(prefix, 'netns', i)}:eth1`, 'up')),
    )
    socket.send(JSON.stringify({ type: 'watch', lab }))
    await ready
    const times: number[] = []
    for (let f = 0; f < flips; f++) {
      const guest = guestName(prefix, 'netns', f % guests)
      const down = Math.floor(f / guests) % 2 === 0
      const seen = arrived(`${guest}:eth1`, down ? 'down' : 'up')
      const started = performance.now()
      await run(['ip', '-n', guest, 'link', 'set', 'eth1', down ? 'down' : 'up'])
      await seen
      times.push(performance.now() - started)
    }
    return {
      flips,
      ms: { p50: round(median(times)), p95: round(percentile(times, 95)), max: round(Math.max(...times)) },
    }
  } finally {
    socket.close()
    await server.close()
    await engine.destroy(lab).catch(() => undefined)
    rmSync(stateDir, { recursive: true, force: true })
  }
}
