// Live state on the real machine: a link set down inside a guest, a tag edited by hand and a
// container restarted each reach the watcher as events from netlink, OVSDB and Docker; with heal,
// the restarted container gets its links back by itself.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine } from '../../electron/core/create-engine.ts'
import { verifyLab } from '../../electron/core/verify.ts'
import type { WatchEvent } from '../../shared/api/contract.ts'
import { saveLab } from '../../shared/lab/save.ts'
import type { GuestLink } from '../../shared/lab/schema.ts'
import { containerName, guestHostEnd } from '../../shared/plan/device-names.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { sweep } from './support/machine.ts'
import { scenarioLab } from './support/scenario-lab.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs', 'docker'])
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'patchbay.js')

describe.skipIf(skipReason !== null)('watching the single-host VLAN lab', () => {
  const prefix = testPrefix()
  const lab = scenarioLab('single-host-vlan.yaml', prefix)
  const engine = createEngine({ stateDir: `/tmp/patchbay-test-state/${prefix}` })
  const watcher = engine.watch(lab, { heal: true })
  const events: WatchEvent[] = []
  const n = (name: string) => `${prefix}${name}`
  const docker = (node: string) => containerName(lab.name, n(node), lab.nodes[n(node)])

  /** The first event after `since` that passes `test`, or a failure after `ms`. */
  const next = (since: number, test: (e: WatchEvent) => boolean, ms = 5000) =>
    new Promise<WatchEvent>((resolve, reject) => {
      const found = () => events.find((e) => e.at >= since && test(e))
      const timer = setInterval(() => {
        const e = found()
        if (e) {
          clearInterval(timer)
          resolve(e)
        }
      }, 5)
      setTimeout(() => {
        clearInterval(timer)
        reject(new Error(`no such event within ${ms} ms; saw ${JSON.stringify(events.slice(-5))}`))
      }, ms)
    })
  const linkEvent = (id: string, state: string) => (e: WatchEvent) =>
    e.type === 'link' && e.link.id === id && e.link.state === state

  beforeAll(async () => {
    expect((await engine.apply(lab)).result?.ok).toBe(true)
    watcher.on('event', (e) => events.push(e))
    await watcher.start()
  })

  afterAll(async () => {
    watcher.stop()
    await engine.destroy(lab).catch(() => undefined)
    await sweep(prefix)
  })

  it('patchbay watch --json prints one JSON event per line and stops cleanly on SIGTERM', async () => {
    const file = `/tmp/patchbay-test-state/${prefix}/lab.yaml`
    await execa('mkdir', ['-p', `/tmp/patchbay-test-state/${prefix}`])
    await execa('tee', [file], { input: saveLab(lab) })
    const child = execa(process.execPath, [bin, 'watch', file, '--json'], {
      env: { PATCHBAY_STATE_DIR: `/tmp/patchbay-test-state/${prefix}` },
      reject: false,
    })
    const lines: string[] = []
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`watch printed ${lines.length} lines`)), 15_000)
      child.stdout?.on('data', (chunk: Buffer) => {
        lines.push(...chunk.toString().split('\n').filter(Boolean))
        if (lines.length >= 4) {
          clearTimeout(timer)
          resolve()
        }
      })
    })
    child.kill('SIGTERM')
    expect((await child).exitCode).toBe(0)
    expect(lines.map((l) => JSON.parse(l)).map((e) => [e.type, e.link.state])).toEqual(
      Array(4).fill(['link', 'up']),
    )
  })

  it('reports every link up once when it starts', () => {
    expect(watcher.current().map((l) => [l.id.replace(prefix, ''), l.state])).toEqual([
      ['test1:eth1', 'up'],
      ['test2:eth1', 'up'],
      ['test3:eth1', 'up'],
      ['test4:eth1', 'up'],
    ])
  })

  it('hears the machine and all four containers through one ip monitor', async () => {
    // Children of this process only: other tests' watchers run in other processes.
    const children = (await execa('ps', ['-o', 'args=', '--ppid', String(process.pid)])).stdout.split('\n')
    const monitors = children.filter((args) => / monitor link address/.test(args))
    console.log(`ip monitor processes for 4 containers: ${monitors.length}`)
    expect(monitors).toEqual(['ip -o monitor link address all-nsid'])
  })

  it('a link set down inside its guest is a down event within a second', async () => {
    const pid = (await execa('docker', ['inspect', '-f', '{{.State.Pid}}', docker('test1')])).stdout
    const since = Date.now()
    const t0 = performance.now()
    await execa('nsenter', ['-t', pid, '-n', 'ip', 'link', 'set', 'eth1', 'down'])
    const id = `${n('test1')}:eth1`
    const event = await next(since, linkEvent(id, 'down'), 1000)
    console.log(`link down -> event: ${Math.round(performance.now() - t0)} ms`)
    // The first word comes straight from a monitor's line (the guest's or the host end's, whichever
    // the kernel told first), before any look at the machine…
    expect(event).toMatchObject({ type: 'link', node: n('test1'), previous: 'up' })
    expect(event.type === 'link' && event.link.reasons).toEqual([
      expect.stringMatching(/^operstate \S+ on \S+$/),
    ])
    // …and the look that follows confirms it, with the planner's reason: set down by hand.
    const confirmed = await next(since, (e) => linkEvent(id, 'down')(e) && e !== event)
    expect(confirmed.type === 'link' && confirmed.link.reasons).toEqual([`bring ${id} up`])
    await execa('nsenter', ['-t', pid, '-n', 'ip', 'link', 'set', 'eth1', 'up'])
    await next(Date.now() - 50, linkEvent(`${n('test1')}:eth1`, 'up'))
  })

  it('every one of many quick flips reaches the stream, none lost to a look that started earlier', async () => {
    const pid = (await execa('docker', ['inspect', '-f', '{{.State.Pid}}', docker('test2')])).stdout
    const id = `${n('test2')}:eth1`
    try {
      for (let flip = 0; flip < 30; flip++) {
        const state = flip % 2 === 0 ? 'down' : 'up'
        const since = Date.now()
        await execa('nsenter', ['-t', pid, '-n', 'ip', 'link', 'set', 'eth1', state])
        await next(since, linkEvent(id, state))
      }
    } finally {
      await execa('nsenter', ['-t', pid, '-n', 'ip', 'link', 'set', 'eth1', 'up']) // for the tests after
    }
    // Settled, the watcher's last word is the machine's: up.
    await new Promise((r) => setTimeout(r, 300))
    expect(watcher.current().find((l) => l.id === id)?.state).toBe('up')
  })

  it('a tag edited by hand is a drift naming the port and both VLANs; apply puts it back', async () => {
    const port = guestHostEnd(lab.name, lab.links![2] as GuestLink)
    const since = Date.now()
    await execa('ovs-vsctl', ['set', 'port', port, 'tag=999'])
    const event = await next(since, linkEvent(`${n('test3')}:eth1`, 'drifted'))
    expect(event.type === 'link' && event.link.reasons).toEqual([`${port} has VLAN 999, the lab says 200`])
    const { plan } = await engine.apply(lab)
    expect(plan.ops.map((op) => `${op.action} ${op.why}`)).toEqual([expect.stringMatching(/^ovs.port.set /)])
    await next(since, linkEvent(`${n('test3')}:eth1`, 'up'))
  })

  it('with counters asked for, traffic shows as rx/tx rates once a second', async () => {
    const sampler = engine.watch(lab, { counters: true })
    const seen: WatchEvent[] = []
    sampler.on('event', (e) => seen.push(e))
    await sampler.start()
    try {
      const pid = (await execa('docker', ['inspect', '-f', '{{.State.Pid}}', docker('test1')])).stdout
      await execa('nsenter', [
        '-t',
        pid,
        '-n',
        'ping',
        '-n',
        '-q',
        '-c',
        '10',
        '-i',
        '0.2',
        '-s',
        '1000',
        '10.0.0.2',
      ])
      await new Promise((r) => setTimeout(r, 1200))
      const busy = seen.filter(
        (e) => e.type === 'counters' && e.linkId === `${n('test1')}:eth1` && e.txRate > 1000,
      )
      expect(busy.length).toBeGreaterThan(0)
      const status = sampler.current().find((l) => l.id === `${n('test1')}:eth1`)!
      expect(status).toMatchObject({ vlan: 100, bridge: n('ovs0'), mtu: 1500 })
      expect(status.txBytes).toBeGreaterThan(10_000)
    } finally {
      sampler.stop()
    }
  })

  it('a restarted container heals: its link is back and verify passes within 2 s of it running', async () => {
    const since = Date.now()
    await execa('docker', ['restart', '-t', '1', docker('test2')])
    const started = await next(
      since,
      (e) => e.type === 'container' && e.node === n('test2') && e.action === 'start',
      10_000,
    )
    const back = await next(started.at, linkEvent(`${n('test2')}:eth1`, 'up'), 2000)
    console.log(`container running -> link up again: ${back.at - started.at} ms`)
    expect(events.find((e) => e.type === 'heal' && e.at >= since)).toMatchObject({
      type: 'heal',
      node: n('test2'),
      ok: true,
    })
    expect((await verifyLab(lab, { run: engine.run, containers: engine.containers })).ok).toBe(true)
  })
})
