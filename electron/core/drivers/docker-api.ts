// Docker's Engine API over its unix socket: no CLI process per call, and every reply checked with
// zod. Only the calls the engine needs.
//
// API version: unversioned paths (`/containers/…`, not `/v1.41/containers/…`), so the daemon answers
// in its own newest version. Every field read here (Id, Name, State.Pid/Running/StartedAt,
// RestartCount, Config.Labels/Image, Names, Action/Actor/timeNano) has been stable since API 1.22,
// while pinning a version breaks on daemons that dropped it (Docker 29 refuses anything below 1.44)
// and negotiating would cost a round trip for nothing we use.
import { request } from 'node:http'
import { z } from 'zod'
import type { ContainerRuntime } from './container-runtime.ts'

const DEFAULT_SOCKET = '/var/run/docker.sock'
const CONTAINER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/
/** A full container id: 64 hex digits, one over the name limit. Short ids are valid names anyway. */
const CONTAINER_ID = /^[0-9a-f]{64}$/
/** Seconds Docker waits after SIGTERM before SIGKILL on stop and restart. */
const STOP_GRACE_SECONDS = 2

export class DockerError extends Error {
  override readonly name = 'DockerError'

  constructor(
    /** The HTTP status; 0 when no request was made or the engine did not answer. */
    readonly status: number,
    message: string,
    /** Docker's own `message` from the reply body, when there was one. */
    readonly dockerMessage = '',
    /** The socket error's code (ENOENT, ECONNREFUSED, EACCES, …) when the engine was not reachable. */
    readonly code?: string,
  ) {
    super(message)
  }
}

export interface DockerApiOptions {
  /** Defaults to DOCKER_HOST's path when it is `unix://…`, else /var/run/docker.sock. */
  socketPath?: string
  /** How long a call may go without a byte from the engine; 30 s by default. Not for events. */
  timeoutMs?: number
}

export interface ContainerInfo {
  readonly id: string
  /** Without Docker's leading slash. */
  readonly name: string
  /** 0 when not running. */
  readonly pid: number
  readonly running: boolean
  /** Restarts by a restart policy only: Docker does not count `restart()`. */
  readonly restartCount: number
  readonly labels: Readonly<Record<string, string>>
  /** The image as given at create (`labbox:latest`), not its digest. */
  readonly image: string
  /** ISO time of the last start, or null when never started. */
  readonly startedAt: string | null
}

export interface ContainerSummary {
  readonly id: string
  readonly name: string
  /** Docker's word: created, running, paused, restarting, exited, dead, removing. */
  readonly state: string
  readonly labels: Readonly<Record<string, string>>
}

export interface ContainerSpec {
  name: string
  image: string
  /** The image's own command when absent or empty. */
  command?: string[]
  labels: Record<string, string>
}

export interface ContainerEvent {
  /** start, die, kill, stop, restart, create, destroy, exec_start: …, health_status: …, … */
  readonly action: string
  readonly id: string
  readonly name: string
  /**
   * The container's labels as the event reports them: Docker mixes them with its own attributes,
   * which are taken out here, so labels named like those (name, image, exitCode, signal, …) are lost.
   */
  readonly labels: Readonly<Record<string, string>>
  /** Milliseconds since the epoch, like Date.now(). */
  readonly time: number
}

export interface EventFilters {
  /** Only containers carrying all of these labels. */
  labels?: Record<string, string>
}

export interface EventStream {
  /** Ends the stream; no event is delivered after it. */
  close(): void
  /**
   * Settles once the engine has answered the subscription (events from then on are delivered), or
   * rejects when it could not be made. Awaiting it is optional.
   */
  readonly ready: Promise<void>
}

const Labels = z
  .record(z.string(), z.string())
  .nullish()
  .transform((l) => l ?? {})
const Inspect = z.looseObject({
  Id: z.string(),
  Name: z.string(),
  RestartCount: z.number(),
  State: z.looseObject({ Running: z.boolean(), Pid: z.number(), StartedAt: z.string() }),
  Config: z.looseObject({ Image: z.string(), Labels }),
})
const Summary = z.looseObject({ Id: z.string(), Names: z.array(z.string()), State: z.string(), Labels })
const Created = z.looseObject({ Id: z.string() })
const Network = z.looseObject({
  Id: z.string(),
  Driver: z.string(),
  Options: z.record(z.string(), z.string()).nullable().optional(),
})
const ErrorBody = z.looseObject({ message: z.string() })
const Ping = z.literal('OK')
const DockerEvent = z.looseObject({
  Type: z.string().optional(),
  Action: z.string(),
  time: z.number(),
  timeNano: z.number().optional(),
  Actor: z.looseObject({ ID: z.string(), Attributes: Labels }),
})
/** What Docker adds to a container event's attributes besides the container's labels. */
const EVENT_ATTRIBUTES = new Set(['name', 'image', 'exitCode', 'signal', 'execID', 'execDuration', 'oldName'])
/** Docker's time for "never". */
const ZERO_TIME = /^0001-01-01T00:00:00/

const quote = (value: string) => JSON.stringify(value)

/** The socket DOCKER_HOST names, or why it cannot be used. */
function socketFromEnv(): { path: string } | { unsupported: string } {
  const host = process.env.DOCKER_HOST
  if (!host) return { path: DEFAULT_SOCKET }
  if (host.startsWith('unix://') && host.length > 'unix://'.length)
    return { path: host.slice('unix://'.length) }
  return {
    unsupported: `DOCKER_HOST=${host} is not supported: patchbay talks to Docker over a unix socket (unix:///path)`,
  }
}

/** The name or full id as a path segment; throws before any request when it is neither. */
function target(nameOrId: string): string {
  if (typeof nameOrId !== 'string' || !(CONTAINER_NAME.test(nameOrId) || CONTAINER_ID.test(nameOrId)))
    throw new DockerError(0, `docker: ${quote(String(nameOrId))} is not a container name or id`)
  return encodeURIComponent(nameOrId)
}

/** Docker's `label` filter: `key=value` each, all of which must match. */
function labelFilter(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([key, value]) => {
    if (key === '' || key.includes('=') || typeof value !== 'string')
      throw new DockerError(0, `docker: ${quote(key)} is not a label to filter on`)
    return `${key}=${value}`
  })
}

function filterQuery(filters: Record<string, string[]>): string {
  const nonEmpty = Object.fromEntries(Object.entries(filters).filter(([, v]) => v.length > 0))
  return Object.keys(nonEmpty).length > 0 ? `filters=${encodeURIComponent(JSON.stringify(nonEmpty))}` : ''
}

function checked<S extends z.ZodType>(schema: S, json: unknown, what: string, status: number): z.output<S> {
  const result = schema.safeParse(json)
  if (result.success) return result.data
  throw new DockerError(
    status,
    `docker: ${what}: unexpected reply from the engine: ${z.prettifyError(result.error)}`,
  )
}

interface Reply {
  readonly status: number
  readonly json: unknown
}

export class DockerApi implements ContainerRuntime {
  private readonly socketPath: string
  private readonly unsupported: string | null
  private readonly timeoutMs: number

  constructor(options: DockerApiOptions = {}) {
    const fromEnv = options.socketPath ? { path: options.socketPath } : socketFromEnv()
    this.socketPath = 'path' in fromEnv ? fromEnv.path : DEFAULT_SOCKET
    this.unsupported = 'unsupported' in fromEnv ? fromEnv.unsupported : null
    this.timeoutMs = options.timeoutMs ?? 30_000
  }

  private unreachable(e: NodeJS.ErrnoException): DockerError {
    const code = e.code ?? e.message
    return new DockerError(0, `Docker engine is not reachable at ${this.socketPath}: ${code}`, '', code)
  }

  /**
   * One call. Resolves for 1xx–3xx and for the statuses in `accept`; any other status rejects with a
   * DockerError carrying Docker's message. The body is JSON when it parses, else its text.
   */
  private call(
    method: string,
    path: string,
    what: string,
    options: { body?: unknown; accept?: readonly number[] } = {},
  ): Promise<Reply> {
    if (this.unsupported) return Promise.reject(new DockerError(0, `docker: ${what}: ${this.unsupported}`))
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body)
    return new Promise((resolve, reject) => {
      let timedOut = false
      const req = request(
        {
          socketPath: this.socketPath,
          path,
          method,
          agent: false,
          timeout: this.timeoutMs,
          headers: payload
            ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }
            : {},
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('error', (e) => reject(timedOut ? this.timeout(what) : this.unreachable(e)))
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8')
            const status = res.statusCode ?? 0
            let json: unknown = text
            try {
              json = text ? JSON.parse(text) : null
            } catch {
              // not JSON (/_ping answers "OK"): the text itself
            }
            if (status < 400 || options.accept?.includes(status)) {
              resolve({ status, json })
              return
            }
            const dockerMessage = ErrorBody.safeParse(json).data?.message ?? text.trim()
            const detail = dockerMessage || res.statusMessage || 'error'
            reject(new DockerError(status, `docker: ${what}: ${status} ${detail}`, dockerMessage))
          })
        },
      )
      req.on('timeout', () => {
        timedOut = true
        req.destroy()
      })
      req.on('error', (e: NodeJS.ErrnoException) =>
        reject(timedOut ? this.timeout(what) : this.unreachable(e)),
      )
      req.end(payload)
    })
  }

  private timeout(what: string): DockerError {
    return new DockerError(
      0,
      `docker: ${what}: no answer from the engine at ${this.socketPath} within ${this.timeoutMs} ms`,
      '',
      'ETIMEDOUT',
    )
  }

  /** Whether the engine answers at all; never throws. */
  async ping(): Promise<boolean> {
    try {
      const { status, json } = await this.call('GET', '/_ping', 'ping')
      return status === 200 && Ping.safeParse(json).success
    } catch {
      return false
    }
  }

  /** The container by name or id, or null when there is none. */
  async inspect(nameOrId: string): Promise<ContainerInfo | null> {
    const what = `inspect ${quote(nameOrId)}`
    const { status, json } = await this.call('GET', `/containers/${target(nameOrId)}/json`, what, {
      accept: [404],
    })
    if (status === 404) return null
    const c = checked(Inspect, json, what, status)
    return {
      id: c.Id,
      name: c.Name.replace(/^\//, ''),
      pid: c.State.Running ? c.State.Pid : 0,
      running: c.State.Running,
      restartCount: c.RestartCount,
      labels: c.Config.Labels,
      image: c.Config.Image,
      startedAt: ZERO_TIME.test(c.State.StartedAt) ? null : c.State.StartedAt,
    }
  }

  /** Several at once, keyed by the names given; every name is checked before any request. */
  async inspectMany(names: readonly string[]): Promise<Map<string, ContainerInfo | null>> {
    const unique = [...new Set(names)]
    for (const name of unique) target(name)
    const found = await Promise.all(unique.map((name) => this.inspect(name)))
    return new Map(unique.map((name, i) => [name, found[i] ?? null]))
  }

  /** Every container, running or not, that carries all of `labels`. */
  async list(labels: Record<string, string>): Promise<ContainerSummary[]> {
    const query = ['all=1', filterQuery({ label: labelFilter(labels) })].filter(Boolean).join('&')
    const what = 'list containers'
    const { status, json } = await this.call('GET', `/containers/json?${query}`, what)
    return checked(z.array(Summary), json, what, status).map((c) => ({
      id: c.Id,
      // Linked containers have more names ("/other/alias"); the container's own has one slash.
      name: (c.Names.find((n) => n.lastIndexOf('/') === 0) ?? c.Names[0] ?? '').replace(/^\//, ''),
      state: c.State,
      labels: c.Labels,
    }))
  }

  /**
   * The Linux bridges Docker made for its own networks: `docker0` and the `br-<id>` of each
   * user-defined bridge network (or the name its options give).
   */
  async networkBridges(): Promise<string[]> {
    const what = 'list networks'
    const { status, json } = await this.call('GET', '/networks', what)
    return checked(z.array(Network), json, what, status)
      .filter((n) => n.Driver === 'bridge')
      .map((n) => n.Options?.['com.docker.network.bridge.name'] ?? `br-${n.Id.slice(0, 12)}`)
  }

  /**
   * Creates and starts a container with no network of Docker's (the lab brings its own) and the
   * name as hostname; returns its id. Images are not pulled. When it cannot start, it is removed
   * again, so a failed create leaves nothing behind.
   */
  async create(spec: ContainerSpec): Promise<string> {
    const what = `create container ${quote(spec.name)}`
    const name = target(spec.name)
    if (CONTAINER_ID.test(spec.name))
      throw new DockerError(0, `docker: ${what}: a name cannot look like an id`)
    const { status, json } = await this.call('POST', `/containers/create?name=${name}`, what, {
      body: {
        Image: spec.image,
        Hostname: spec.name,
        ...(spec.command && spec.command.length > 0 ? { Cmd: spec.command } : {}),
        Labels: spec.labels,
        // IPv6 on: Docker turns it off in containers, and a lab's links may carry IPv6 addresses.
        HostConfig: { NetworkMode: 'none', Sysctls: { 'net.ipv6.conf.all.disable_ipv6': '0' } },
      },
      accept: [404],
    })
    if (status === 404) {
      const dockerMessage = ErrorBody.safeParse(json).data?.message ?? `No such image: ${spec.image}`
      throw new DockerError(
        404,
        `docker: ${what}: 404 ${dockerMessage} (patchbay does not pull images: docker pull ${spec.image})`,
        dockerMessage,
      )
    }
    const { Id } = checked(Created, json, what, status)
    try {
      await this.start(Id)
    } catch (e) {
      await this.remove(Id).catch(() => undefined)
      throw e
    }
    return Id
  }

  /** Starts a stopped container; one already running is left as it is. */
  async start(nameOrId: string): Promise<void> {
    await this.call('POST', `/containers/${target(nameOrId)}/start`, `start ${quote(nameOrId)}`)
  }

  /** Stops it: SIGTERM, then SIGKILL after 2 s. One already stopped is left as it is. */
  async stop(nameOrId: string): Promise<void> {
    const path = `/containers/${target(nameOrId)}/stop?t=${STOP_GRACE_SECONDS}`
    await this.call('POST', path, `stop ${quote(nameOrId)}`)
  }

  /** Stops (as stop does) and starts it again: a new pid and a new network namespace. */
  async restart(nameOrId: string): Promise<void> {
    const path = `/containers/${target(nameOrId)}/restart?t=${STOP_GRACE_SECONDS}`
    await this.call('POST', path, `restart ${quote(nameOrId)}`)
  }

  /** Force-removes it with its anonymous volumes; a container that is already gone is not an error. */
  async remove(nameOrId: string): Promise<void> {
    await this.call('DELETE', `/containers/${target(nameOrId)}?force=1&v=1`, `remove ${quote(nameOrId)}`, {
      accept: [404],
    })
  }

  /**
   * Docker's event stream, containers only, until closed: create, start, kill, die, stop, restart,
   * destroy, … One line of JSON per event. `onError` hears when the stream could not be opened,
   * broke, or carried a line that is not an event; the stream is not reopened.
   */
  events(
    filters: EventFilters,
    onEvent: (event: ContainerEvent) => void,
    onError: (error: DockerError) => void = () => {},
  ): EventStream {
    const what = 'events'
    let closed = false
    let settle: { resolve(): void; reject(e: DockerError): void } | null = null
    const ready = new Promise<void>((resolve, reject) => {
      settle = { resolve, reject }
    })
    ready.catch(() => {}) // awaiting it is optional; onError hears the same
    const fail = (e: DockerError) => {
      if (closed) return
      closed = true
      settle?.reject(e)
      onError(e)
    }
    let query: string
    try {
      query = filterQuery({ type: ['container'], label: labelFilter(filters.labels ?? {}) })
    } catch (e) {
      fail(e as DockerError)
      return { close: () => {}, ready }
    }
    if (this.unsupported) {
      fail(new DockerError(0, `docker: ${what}: ${this.unsupported}`))
      return { close: () => {}, ready }
    }

    const deliver = (line: string) => {
      if (!line.trim() || closed) return
      let json: unknown
      try {
        json = JSON.parse(line)
      } catch {
        onError(new DockerError(200, `docker: ${what}: a line that is not JSON: ${line.slice(0, 200)}`))
        return
      }
      const parsed = DockerEvent.safeParse(json)
      if (!parsed.success) {
        onError(new DockerError(200, `docker: ${what}: not an event: ${z.prettifyError(parsed.error)}`))
        return
      }
      const e = parsed.data
      if (e.Type !== undefined && e.Type !== 'container') return
      const attributes = e.Actor.Attributes
      onEvent({
        action: e.Action,
        id: e.Actor.ID,
        name: attributes.name ?? '',
        labels: Object.fromEntries(Object.entries(attributes).filter(([k]) => !EVENT_ATTRIBUTES.has(k))),
        time: e.timeNano === undefined ? e.time * 1000 : Math.floor(e.timeNano / 1e6),
      })
    }

    const req = request(
      { socketPath: this.socketPath, path: `/events?${query}`, method: 'GET', agent: false },
      (res) => {
        res.setEncoding('utf8')
        const status = res.statusCode ?? 0
        if (status !== 200) {
          let text = ''
          res.on('data', (chunk: string) => {
            text += chunk
          })
          res.on('end', () => {
            const dockerMessage = ErrorBody.safeParse(safeJson(text)).data?.message ?? text.trim()
            fail(new DockerError(status, `docker: ${what}: ${status} ${dockerMessage}`, dockerMessage))
          })
          return
        }
        settle?.resolve()
        let buffer = ''
        res.on('data', (chunk: string) => {
          buffer += chunk
          let newline = buffer.indexOf('\n')
          while (newline >= 0) {
            deliver(buffer.slice(0, newline))
            buffer = buffer.slice(newline + 1)
            newline = buffer.indexOf('\n')
          }
        })
        res.on('end', () => fail(new DockerError(0, `docker: ${what}: the engine ended the stream`)))
        res.on('error', (e: NodeJS.ErrnoException) => fail(this.unreachable(e)))
      },
    )
    req.on('error', (e: NodeJS.ErrnoException) => fail(this.unreachable(e)))
    req.end()
    return {
      close: () => {
        if (closed) return
        closed = true
        settle?.resolve()
        req.destroy()
      },
      ready,
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}
