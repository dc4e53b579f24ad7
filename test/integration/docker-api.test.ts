// Proves DockerApi against the real engine: containers are created with no Docker network (their own
// empty network namespace), found by name and by label, restarted with a new pid that the event
// stream reports, removed; and names that could escape the URL path never reach the socket.
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ContainerEvent, DockerApi, DockerError } from '../../electron/core/drivers/docker-api.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'

const skipReason = await missingLabHost(['docker'])

/** Resolves once `test` holds, polling every 20 ms; fails after `ms` with what `describe` says. */
async function until(test: () => boolean, ms: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + ms
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${describe()}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** The rejection of `promise`, which must reject with a DockerError. */
async function dockerError(promise: Promise<unknown>): Promise<DockerError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(DockerError)
  return error as DockerError
}

describe.skipIf(skipReason !== null)('the Docker Engine API over its unix socket', () => {
  const prefix = testPrefix()
  const docker = new DockerApi()
  const mine = { 'patchbay.test': prefix }
  const a = `${prefix}-a`
  const b = `${prefix}-b`
  const failing = `${prefix}-c`
  // Exits at once on SIGTERM (busybox sleep as pid 1 would ignore it), so restart and stop are quick.
  const command = ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait']
  const streams: { close(): void }[] = []
  let aId = ''

  beforeAll(async () => {
    expect(await docker.ping()).toBe(true)
    aId = await docker.create({ name: a, image: 'labbox:latest', command, labels: { ...mine, role: 'a' } })
    await docker.create({ name: b, image: 'labbox:latest', command, labels: { ...mine, role: 'b' } })
  })

  afterAll(async () => {
    // Runs also when a test failed: remove every container this file made, by name and by label.
    for (const s of streams) s.close()
    const labelled = await docker.list(mine)
    await Promise.all(
      [...new Set([a, b, failing, ...labelled.map((c) => c.name)])].map((n) => docker.remove(n)),
    )
    expect(await docker.list(mine)).toEqual([])
  })

  it('creates and starts a container in its own empty network namespace', async () => {
    const info = await docker.inspect(a)
    expect(info).not.toBeNull()
    if (!info) return
    expect(info.id).toBe(aId)
    expect(info.id).toMatch(/^[0-9a-f]{64}$/)
    expect(info.name).toBe(a)
    expect(info.running).toBe(true)
    expect(info.pid).toBeGreaterThan(1)
    expect(info.restartCount).toBe(0)
    expect(info.image).toBe('labbox:latest')
    expect(info.labels).toEqual({ 'patchbay.test': prefix, role: 'a' })
    expect(Date.now() - Date.parse(info.startedAt ?? '')).toBeLessThan(60_000)

    // NetworkMode none: a network namespace of its own, holding nothing but lo.
    const netns = `/proc/${info.pid}/ns/net`
    expect(existsSync(netns)).toBe(true)
    expect(readlinkSync(netns)).toMatch(/^net:\[\d+\]$/)
    expect(readlinkSync(netns)).not.toBe(readlinkSync('/proc/self/ns/net'))
    const interfaces = readFileSync(`/proc/${info.pid}/net/dev`, 'utf8')
      .split('\n')
      .slice(2)
      .map((line) => line.split(':')[0]?.trim())
      .filter(Boolean)
    expect(interfaces).toEqual(['lo'])
    // Hostname = the container's name.
    expect(readFileSync(`/proc/${info.pid}/root/etc/hostname`, 'utf8').trim()).toBe(a)
  })

  it('inspects a missing name as null, alone and among others', async () => {
    expect(await docker.inspect(`${prefix}-none`)).toBeNull()
    const many = await docker.inspectMany([a, `${prefix}-none`, b, a])
    expect([...many.keys()]).toEqual([a, `${prefix}-none`, b])
    expect(many.get(a)?.id).toBe(aId)
    expect(many.get(b)?.running).toBe(true)
    expect(many.get(`${prefix}-none`)).toBeNull()
    // A full id works where a name does.
    expect((await docker.inspect(aId))?.name).toBe(a)
  })

  it('lists containers carrying all of the given labels', async () => {
    const all = await docker.list(mine)
    expect(all.map((c) => c.name).sort()).toEqual([a, b])
    expect(all.map((c) => c.state)).toEqual(['running', 'running'])
    expect(all.find((c) => c.name === a)?.id).toBe(aId)
    expect(all.find((c) => c.name === b)?.labels).toEqual({ 'patchbay.test': prefix, role: 'b' })
    const onlyB = await docker.list({ ...mine, role: 'b' })
    expect(onlyB.map((c) => c.name)).toEqual([b])
    expect(await docker.list({ ...mine, role: 'nobody' })).toEqual([])
  })

  it('refuses a second container of the same name, naming it', async () => {
    const error = await dockerError(
      docker.create({ name: a, image: 'labbox:latest', command, labels: { ...mine, role: 'again' } }),
    )
    expect(error.status).toBe(409)
    expect(error.message).toContain(
      `docker: create container "${a}": 409 Conflict. The container name "/${a}"`,
    )
    expect(error.message).toContain('is already in use')
    expect(error.dockerMessage).toMatch(/^Conflict\. The container name/)
    // The one that was there is untouched.
    expect((await docker.inspect(a))?.id).toBe(aId)
    expect(await docker.list({ ...mine, role: 'again' })).toEqual([])
  })

  it('restarts with a new pid, and the event stream reports die and start', async () => {
    const events: ContainerEvent[] = []
    const errors: DockerError[] = []
    const stream = docker.events(
      { labels: mine },
      (e) => events.push(e),
      (e) => errors.push(e),
    )
    streams.push(stream)
    await stream.ready
    const before = await docker.inspect(a)
    expect(before?.running).toBe(true)
    const since = Date.now()

    await docker.restart(a)
    const ofA = (action: string) => events.find((e) => e.name === a && e.action === action)
    await until(
      () => ofA('die') !== undefined && ofA('start') !== undefined,
      10_000,
      () => JSON.stringify(events.map((e) => `${e.name} ${e.action}`)),
    )
    stream.close()

    const after = await docker.inspect(a)
    expect(after?.running).toBe(true)
    expect(after?.pid).toBeGreaterThan(1)
    expect(after?.pid).not.toBe(before?.pid)
    expect(after?.id).toBe(aId)
    // Docker counts restarts by its restart policy only, not asked-for ones.
    expect(after?.restartCount).toBe(0)
    const die = ofA('die')
    const start = ofA('start')
    expect(die?.id).toBe(aId)
    expect(start?.id).toBe(aId)
    expect(start?.labels).toEqual({ 'patchbay.test': prefix, role: 'a' })
    expect(die?.time).toBeGreaterThanOrEqual(since - 1000)
    expect(start?.time).toBeGreaterThanOrEqual(die?.time ?? Number.POSITIVE_INFINITY)
    expect(start?.time).toBeLessThanOrEqual(Date.now() + 1000)
    // The label filter kept everyone else's containers out; closing is not an error.
    expect(events.every((e) => e.name.startsWith(prefix))).toBe(true)
    expect(errors).toEqual([])
  })

  it('stops and starts again', async () => {
    await docker.stop(b)
    const stopped = await docker.inspect(b)
    expect(stopped?.running).toBe(false)
    expect(stopped?.pid).toBe(0)
    expect((await docker.list({ ...mine, role: 'b' })).map((c) => c.state)).toEqual(['exited'])
    await docker.stop(b) // already stopped: Docker's 304, not an error
    await docker.start(b)
    const started = await docker.inspect(b)
    expect(started?.running).toBe(true)
    expect(started?.pid).toBeGreaterThan(1)
  })

  it('leaves nothing behind when a container cannot start or its image is missing', async () => {
    const noBinary = await dockerError(
      docker.create({ name: failing, image: 'labbox:latest', command: ['/no/such/binary'], labels: mine }),
    )
    expect(noBinary.status).toBe(400)
    expect(noBinary.message).toContain(`start "`)
    expect(noBinary.message).toContain('/no/such/binary')
    expect(await docker.inspect(failing)).toBeNull()

    const noImage = await dockerError(
      docker.create({ name: failing, image: `${prefix}-no-such-image:latest`, labels: mine }),
    )
    expect(noImage.status).toBe(404)
    expect(noImage.message).toContain(
      `create container "${failing}": 404 No such image: ${prefix}-no-such-image`,
    )
    expect(await docker.inspect(failing)).toBeNull()
  })

  it('reports a missing container on restart, stop and start', async () => {
    for (const call of [docker.restart, docker.stop, docker.start]) {
      const error = await dockerError(call.call(docker, `${prefix}-none`))
      expect(error.status).toBe(404)
      expect(error.message).toContain(`"${prefix}-none": 404 No such container: ${prefix}-none`)
    }
  })

  it('removes, after which inspect is null and removing again is fine', async () => {
    await docker.remove(b)
    expect(await docker.inspect(b)).toBeNull()
    expect((await docker.list(mine)).map((c) => c.name)).toEqual([a])
    await docker.remove(b)
  })

  it('rejects hostile names before any request', async () => {
    // A stand-in socket that counts connections: a call that got as far as a request would show.
    const dir = mkdtempSync(join(tmpdir(), 'pbt-sock-'))
    const socketPath = join(dir, 'docker.sock')
    let connections = 0
    const server = createServer((socket) => {
      connections++
      socket.destroy()
    })
    await new Promise<void>((resolve) => server.listen(socketPath, resolve))
    try {
      const spy = new DockerApi({ socketPath })
      for (const name of ['x;reboot', '../x', '-x', 'x/../../version', '', 'x'.repeat(64)]) {
        const calls = [
          () => spy.inspect(name),
          () => spy.inspectMany([a, name]),
          () => spy.create({ name, image: 'labbox:latest', command, labels: mine }),
          () => spy.remove(name),
          () => spy.restart(name),
          () => spy.stop(name),
          () => spy.start(name),
        ]
        for (const call of calls) {
          const error = await dockerError(call())
          expect(error.status).toBe(0)
          expect(error.message).toContain(JSON.stringify(name))
        }
      }
      expect(connections).toBe(0)
    } finally {
      await new Promise((resolve) => server.close(resolve))
      rmSync(dir, { recursive: true, force: true })
    }

    // And against the real engine: refused, and no such container appears.
    for (const name of ['x;reboot', '../x', '-x']) {
      const error = await dockerError(docker.create({ name, image: 'labbox:latest', command, labels: mine }))
      expect(error.message).toBe(`docker: ${JSON.stringify(name)} is not a container name or id`)
    }
    expect((await docker.list(mine)).map((c) => c.name)).toEqual([a])
  })

  it('says clearly when the engine is not there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pbt-nosock-'))
    const socketPath = join(dir, 'docker.sock')
    const saved = process.env.DOCKER_HOST
    try {
      const missing = new DockerApi({ socketPath })
      expect(await missing.ping()).toBe(false)
      const error = await dockerError(missing.inspect(a))
      expect(error.message).toBe(`Docker engine is not reachable at ${socketPath}: ENOENT`)
      expect(error.code).toBe('ENOENT')

      process.env.DOCKER_HOST = `unix://${socketPath}`
      const fromEnv = await dockerError(new DockerApi().list(mine))
      expect(fromEnv.message).toBe(`Docker engine is not reachable at ${socketPath}: ENOENT`)

      process.env.DOCKER_HOST = 'tcp://127.0.0.1:2375'
      const tcp = await dockerError(new DockerApi().inspect(a))
      expect(tcp.message).toContain('DOCKER_HOST=tcp://127.0.0.1:2375 is not supported')
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST
      else process.env.DOCKER_HOST = saved
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
