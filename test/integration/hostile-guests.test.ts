// Ordinary failures and hostile guests on the real machine: an interface alias with a control
// character (ip -j then prints JSON that JSON.parse refuses), a namespace ip cannot enter, and a
// Docker engine that does not answer. Each is said, naming what it concerns, and everything else of
// the lab is still read, planned and watched. The real dockerd is never stopped (other tests use
// it): the engine under test is pointed at a socket that does not exist.
import { rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DockerApi } from '../../electron/core/drivers/docker-api.ts'
import { Engine } from '../../electron/core/engine.ts'
import { labStatus } from '../../electron/core/status.ts'
import type { WatchEvent } from '../../shared/api/contract.ts'
import { checkLab } from '../../shared/lab/check.ts'
import { saveLab } from '../../shared/lab/save.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { sweep } from './support/machine.ts'

const skipReason = await missingLabHost(['iproute2', 'docker'])
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'patchbay.js')
const NO_DOCKER = '/nonexistent/patchbay-test/docker.sock'

describe.skipIf(skipReason !== null)('hostile guests and a Docker that does not answer', () => {
  const prefix = testPrefix()
  const stateDir = `/tmp/patchbay-test-state/${prefix}`
  const n = (name: string) => `${prefix}${name}`
  const bridge = n('br')
  const base = {
    patchbay: 1,
    name: `${prefix}-hg`,
    nodes: { [bridge]: { kind: 'linux-bridge' }, [n('n1')]: { kind: 'netns' }, [n('n2')]: { kind: 'netns' } },
    links: [
      { guest: n('n1'), to: bridge, ip: '10.208.0.1/24' },
      { guest: n('n2'), to: bridge, ip: '10.208.0.2/24' },
    ],
  }
  const lab = checkLab(base).lab as Lab
  const engine = new Engine({ containers: new DockerApi(), stateDir })
  /** The same lab and one more guest of each kind the tests make unreadable. */
  const wider = checkLab({
    ...base,
    nodes: {
      ...base.nodes,
      [n('n3')]: { kind: 'netns' },
      [n('c1')]: { kind: 'container', image: 'labbox:latest', command: ['sleep', '100000'] },
    },
    links: [
      ...base.links,
      { guest: n('n3'), to: bridge, ip: '10.208.0.3/24' },
      { guest: n('c1'), to: bridge, ip: '10.208.0.4/24' },
    ],
  }).lab as Lab
  const blind = new Engine({ containers: new DockerApi({ socketPath: NO_DOCKER }), stateDir })
  const states = (links: { id: string; state: string }[]) =>
    Object.fromEntries(links.map((l) => [l.id.replace(prefix, ''), l.state]))

  beforeAll(async () => {
    const { result } = await engine.apply(lab)
    expect(result?.ok).toBe(true)
    // A guest with CAP_NET_ADMIN names and aliases its interfaces as it likes.
    await execa('ip', ['-n', n('n1'), 'link', 'set', 'eth1', 'alias', 'a\x01b\x1b[2J'])
    await execa('ip', ['-n', n('n1'), 'link', 'add', 'x\x01y', 'type', 'veth', 'peer', 'name', 'x2'])
    // n3's name is there, but it is not a namespace: ip cannot enter it.
    writeFileSync(`/run/netns/${n('n3')}`, '')
  })

  afterAll(async () => {
    rmSync(`/run/netns/${n('n3')}`, { force: true })
    await engine.destroy(lab).catch(() => undefined)
    await sweep(prefix)
    rmSync(stateDir, { recursive: true, force: true })
  })

  it('an alias and a name with control characters are read as they are; status and plan go on', async () => {
    const observed = await engine.observe(lab)
    const inside = observed.hosts.local!.guests[n('n1')]!.interfaces
    expect(inside.find((i) => i.name === 'eth1')?.alias).toBe('a\x01b\x1b[2J')
    expect(inside.map((i) => i.name)).toContain('x\x01y')
    expect(states(labStatus(lab, observed).links)).toEqual({ 'n1:eth1': 'up', 'n2:eth1': 'up' })
    expect((await engine.plan(lab)).ops).toEqual([])
  })

  it('a namespace ip cannot enter is named as unreadable; the other links are still up', async () => {
    const status = labStatus(wider, await engine.observe(wider))
    expect(states(status.links)).toMatchObject({ 'n1:eth1': 'up', 'n2:eth1': 'up', 'n3:eth1': 'missing' })
    expect(status.links.find((l) => l.id === `${n('n3')}:eth1`)?.reasons).toEqual([
      expect.stringMatching(
        new RegExp(
          `^link ${n('n3')}:eth1: the network namespace of ${n('n3')} could not be read: .*Invalid argument`,
        ),
      ),
    ])
    // Apply does nothing while part of the lab cannot be read, and says why.
    const { plan, result } = await engine.apply(wider)
    expect(result).toBeNull()
    expect(plan.problems.map((p) => p.field)).toEqual(expect.arrayContaining([`nodes.${n('n3')}`]))
  })

  it('with Docker not answering, status reports the container and every other link', async () => {
    const status = labStatus(wider, await blind.observe(wider))
    expect(states(status.links)).toMatchObject({ 'n1:eth1': 'up', 'n2:eth1': 'up', 'c1:eth1': 'missing' })
    expect(status.links.find((l) => l.id === `${n('c1')}:eth1`)?.reasons).toEqual([
      `link ${n('c1')}:eth1: Docker engine is not reachable at ${NO_DOCKER}: ENOENT`,
    ])
    const { problems } = await blind.plan(wider)
    expect(problems).toContainEqual({
      kind: 'capability',
      field: `nodes.${n('c1')}`,
      message: `container ${n('c1')}: Docker engine is not reachable at ${NO_DOCKER}: ENOENT`,
    })
  })

  it('a watcher with Docker unreachable says so once and keeps reporting netns links', async () => {
    const watcher = blind.watch(lab)
    const events: WatchEvent[] = []
    watcher.on('event', (e) => events.push(e))
    const id = `${n('n2')}:eth1`
    const seen = (state: string, since: number) =>
      waitFor(() =>
        events.some((e) => e.at >= since && e.type === 'link' && e.link.id === id && e.link.state === state),
      )
    try {
      await watcher.start()
      expect(states(watcher.current())).toEqual({ 'n1:eth1': 'up', 'n2:eth1': 'up' })
      // Both netns guests are heard through the machine's one monitor.
      const children = (await execa('ps', ['-o', 'args=', '--ppid', String(process.pid)])).stdout
      expect(children.split('\n').filter((args) => / monitor link address/.test(args))).toEqual([
        'ip -o monitor link address all-nsid',
      ])
      for (const state of ['down', 'up', 'down', 'up']) {
        const since = Date.now()
        await execa('ip', ['-n', n('n2'), 'link', 'set', 'eth1', state])
        await seen(state, since)
      }
      // Retried at 0.5 s, 1 s, 2 s…: by now more than once, and said once.
      await new Promise((r) => setTimeout(r, 2000))
      const notices = events.filter((e) => e.type === 'notice')
      expect(notices).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(/^Docker events are not available \(.*ENOENT\); retrying/),
        }),
      ])
    } finally {
      watcher.stop()
      await execa('ip', ['-n', n('n2'), 'link', 'set', 'eth1', 'up'])
    }
  })

  it('`patchbay heal` keeps running with Docker unreachable and logs it once', async () => {
    const file = join(stateDir, 'lab.yaml')
    writeFileSync(file, saveLab(wider))
    const child = execa(process.execPath, [bin, 'heal', file], {
      env: { PATCHBAY_STATE_DIR: stateDir, DOCKER_HOST: `unix://${NO_DOCKER}` },
      reject: false,
    })
    let printed = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      printed += chunk.toString()
    })
    try {
      // Starting compiles the sources, which takes seconds on a busy machine.
      await waitFor(() => printed.includes('notice') || child.exitCode !== null, 30_000)
      // Several retries later (0.5 s, 1 s, 2 s), still running and still said once.
      await new Promise((r) => setTimeout(r, 3000))
      expect(child.exitCode).toBeNull()
    } finally {
      child.kill('SIGTERM')
    }
    const { exitCode, stdout, stderr } = await child
    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: '' })
    expect(stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/ notice Docker events are not available/),
    ])
  })
})

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) throw new Error(`not within ${ms} ms`)
    await new Promise((r) => setTimeout(r, 5))
  }
}
