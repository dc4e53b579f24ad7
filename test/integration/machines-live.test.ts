// Live state of a lab over machines, for real on the machine rig: the example two-machine lab is
// applied, then watched through the service as every editor watches a lab. Each machine's helper
// watches its own part over its own ssh session; a guest's interface set down by hand on m2 is seen
// going down; m2's sshd stopped makes m2 unreachable (its links missing, not a stale up) and started
// again makes it reachable, with its links reported again; stopping the stream leaves no helper and
// no ssh session. The rig's names are fixed: the file holds the rig (holdRig) throughout.
import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import { createEngine } from '../../electron/core/create-engine.ts'
import { engineService, type LiveStream } from '../../electron/core/service.ts'
import type { WatchEvent } from '../../shared/api/contract.ts'
import { linkIds } from '../../shared/lab/normalize.ts'
import { Lab } from '../../shared/lab/schema.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { holdRig, onMachine, rig } from './support/rig.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs', 'sshd'])
const ROOT = join(import.meta.dirname, '..', '..')
const BUNDLE = join(ROOT, 'dist', 'electron', 'helper.mjs')

/** The helper sessions this host runs to the machines (the ssh clients and, inside them, the helpers). */
async function helperSessions(): Promise<string[]> {
  const ps = await execa('pgrep', ['-af', 'patchbay-helper.mjs --machine'], { reject: false })
  return ps.stdout.split('\n').filter(Boolean)
}

describe.skipIf(skipReason !== null)('live state of a lab over two machines', () => {
  const raw = parse(readFileSync(join(ROOT, 'examples', 'two-machines-vlan.yaml'), 'utf8'))
  const lab: Lab = Lab.parse({ ...raw, name: `${testPrefix()}-live` })
  const ids = linkIds(lab.links ?? [])
  const service = engineService(createEngine())
  const events: WatchEvent[] = []
  let stream: LiveStream | null = null
  let releaseRig = () => {}

  /** The last state each link was said to have, from the events after `from`. */
  const lastState = (from = 0) => {
    const states = new Map<string, string>()
    for (const e of events.slice(from)) if (e.type === 'link') states.set(e.link.id, e.link.state)
    return states
  }
  const machineEvents = (from = 0) => events.slice(from).flatMap((e) => (e.type === 'machine' ? [e] : []))
  const guestLinkOf = (guest: string) =>
    ids[(lab.links ?? []).findIndex((l) => 'guest' in l && l.guest === guest)]!

  beforeAll(async () => {
    releaseRig = await holdRig()
    // The bundle a machine gets: built from these sources (CI builds dist/ before the tests).
    await execa('npm', ['run', '--silent', 'build:electron'], { cwd: ROOT })
    expect(readFileSync(BUNDLE, 'utf8')).toContain('machine.watch')
    await rig('down')
    await rig('up', '2')
  }, 900_000 + 240_000)

  afterAll(async () => {
    stream?.stop()
    await service.calls.destroyLab({ lab }).catch(() => undefined)
    service.close()
    await rig('down').catch(() => undefined)
    releaseRig()
  }, 120_000)

  it('answers two calls at once to machines reached for the first time, and applies', async () => {
    // The editor reads status while Apply plans: both wait for one opening of each machine (two
    // would each copy the helper, and cut the other's session off).
    const [status, plan] = await Promise.all([
      service.calls.statusLab({ lab }),
      service.calls.planLab({ lab }),
    ])
    expect(status.links.map((l) => l.state)).toEqual(ids.map(() => 'missing'))
    expect(plan.problems).toEqual([])
    const applied = await service.calls.applyPlan({ planId: plan.planId! })
    expect('ok' in applied && applied.ok).toBe(true)
  })

  it('reports every link up, from the machine that holds it, and both machines reachable', async () => {
    stream = service.watch(lab, (e) => events.push(e), { heal: true })
    await stream.ready
    expect(
      machineEvents()
        .map((e) => `${e.machine} ${e.reachable}`)
        .sort(),
    ).toEqual(['m1 true', 'm2 true'])
    expect(Object.fromEntries(lastState())).toEqual(Object.fromEntries(ids.map((id) => [id, 'up'])))
    // Each machine's helper watches over its own session, beside the machines' call sessions.
    expect((await helperSessions()).length).toBeGreaterThanOrEqual(2)
  })

  it('sees a guest interface set down by hand on m2 go down, and back up', async () => {
    const id = guestLinkOf('h2a')
    const link = events.find((e) => e.type === 'link' && e.link.id === id)
    const ifname = link?.type === 'link' ? link.link.guestIfname : undefined
    expect(ifname).toBeTruthy()
    const from = events.length
    await onMachine(2, ['ip', '-n', 'h2a', 'link', 'set', ifname!, 'down'])
    await expect.poll(() => lastState(from).get(id), { timeout: 15_000 }).toBe('down')
    // Only that link moved.
    expect([...lastState(from).keys()]).toEqual([id])
    await onMachine(2, ['ip', '-n', 'h2a', 'link', 'set', ifname!, 'up'])
    await expect.poll(() => lastState(from).get(id), { timeout: 15_000 }).toBe('up')
  })

  it('says m2 unreachable when its sshd stops (its links missing), and reachable with its links again', async () => {
    const from = events.length
    await rig('stop-sshd', '2')
    await expect.poll(() => machineEvents(from).length, { timeout: 30_000 }).toBeGreaterThan(0)
    const lost = machineEvents(from)[0]!
    expect(lost).toMatchObject({ machine: 'm2', reachable: false })
    expect(lost.why).toMatch(/machine m2 .*unreachable/)
    const m2Links = [guestLinkOf('h2a'), guestLinkOf('h2b'), ids.at(-1)!]
    await expect
      .poll(() => m2Links.map((id) => lastState(from).get(id)), { timeout: 10_000 })
      .toEqual(['missing', 'missing', 'missing'])
    // m1's links are as they were: nothing about them changed.
    expect(lastState(from).get(guestLinkOf('h1a'))).toBeUndefined()

    const back = events.length
    await rig('start-sshd', '2')
    await expect
      .poll(
        () =>
          machineEvents(back)
            .filter((e) => e.reachable)
            .map((e) => e.machine),
        { timeout: 40_000 },
      )
      .toEqual(['m2'])
    await expect
      .poll(() => m2Links.map((id) => lastState(back).get(id)), { timeout: 20_000 })
      .toEqual(['up', 'up', 'up'])
  })

  it('patchbay watch --json of the lab file streams both machines and every link, and stops on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'patchbay-machines-live-'))
    const file = join(dir, 'lab.yaml')
    await writeFile(file, stringify(lab))
    const watch = execa('node', [join(ROOT, 'bin', 'patchbay.js'), 'watch', file, '--json'], {
      cwd: ROOT,
      reject: false,
      stdin: 'ignore',
    })
    const lines: WatchEvent[] = []
    watch.stdout!.on('data', (b: Buffer) => {
      for (const line of b.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line))
    })
    try {
      await expect
        .poll(() => lines.filter((e) => e.type === 'link' && e.link.state === 'up').length, {
          timeout: 30_000,
        })
        .toBe(ids.length)
      expect(
        lines.flatMap((e) => (e.type === 'machine' ? [`${e.machine} ${e.reachable}`] : [])).sort(),
      ).toEqual(['m1 true', 'm2 true'])
    } finally {
      watch.kill('SIGTERM')
      await rm(dir, { recursive: true, force: true })
    }
    expect((await watch).exitCode).toBe(0)
  })

  it('stopping the stream ends every machine watcher: no helper, no ssh session left', async () => {
    stream!.stop()
    stream = null
    service.close()
    await expect.poll(helperSessions, { timeout: 10_000 }).toEqual([])
  })
})
