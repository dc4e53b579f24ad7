// The privileged helper a normal user's desktop app starts through pkexec: JSON-RPC 2.0 over
// stdio, one request per line. It answers only the calls of shared/api/contract.ts, checks every
// request again against the contract (the app is not trusted more than the page), runs with a
// cleared environment and a fixed PATH, and exits when its parent closes stdin.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { execa } from 'execa'
import type { ErrorKind } from '../../shared/api/contract.ts'
import {
  MACHINE_EVENT,
  MACHINE_HELLO,
  MACHINE_OBSERVED,
  MACHINE_PROGRESS,
  MACHINE_WATCH,
  type MachineFacts,
  MachineHello,
  type MachineObserved,
  MachineObservedRequest,
  MachineWatch,
} from '../../shared/api/machine.ts'
import { createEngine } from '../core/create-engine.ts'
import type { Engine } from '../core/engine.ts'
import { observedLab, tunnelEnds } from '../core/observed-lab.ts'
import {
  engineService,
  failureOf,
  type LiveStream,
  labOf,
  type Service,
  ServiceError,
} from '../core/service.ts'

/** Only the system's own tool directories: pkexec's caller cannot slip its own `ip` in. */
export const HELPER_PATH = '/usr/sbin:/usr/bin:/sbin:/bin'

export interface RpcRequest {
  readonly jsonrpc: '2.0'
  readonly id: number | string
  readonly method: string
  readonly params?: unknown
}

/** The JSON-RPC error code of each kind of failed call. */
const CODE: Record<ErrorKind, number> = {
  invalid: -32602,
  'no-call': -32601,
  capability: -32000,
  failed: -32000,
}

const reply = (
  id: unknown,
  body: { result: unknown } | { error: { code: number; message: string; data?: unknown } },
) => `${JSON.stringify({ jsonrpc: '2.0', id: id ?? null, ...body })}\n`

export interface HelperOptions {
  /**
   * A machine of labs spread over machines (`--machine`, started over ssh by another machine's
   * engine): the first request must be MACHINE_HELLO, which says which host of the lab this is.
   */
  readonly machine?: boolean
  /** This helper's own file: its hash tells the far engine whether its copy is current. */
  readonly self?: string
  /** Stops the helper as if its caller had gone (SIGHUP, SIGTERM): no more calls are heard. */
  readonly stop?: AbortSignal
}

/** The engine of this helper and its service, made once the helper knows which host it is. */
interface Started {
  engine: Engine | null
  service: Service | null
}

export async function runHelper(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  options: HelperOptions = {},
): Promise<void> {
  const started: Started = { engine: null, service: null }
  const start = (machine?: string): Service => {
    started.engine = createEngine(machine !== undefined ? { machine } : {})
    const service = engineService(started.engine)
    started.service = service
    // Each step of a machine's apply as it is done, for its caller's progress (machines-calls.ts).
    if (machine !== undefined)
      service.onBroadcast((event) => {
        if (event.type === 'progress')
          output.write(`${JSON.stringify({ jsonrpc: '2.0', method: MACHINE_PROGRESS, params: event })}\n`)
      })
    return service
  }
  if (!options.machine) start()
  // The caller is gone when it cannot be written to any more: nothing to do but finish.
  output.on('error', () => undefined)
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })
  // Its caller went away (stdin closed: the app quit, the ssh channel was cut) or it was told to
  // stop: an apply running now finishes its step and rolls back what it did, and the helper ends
  // once the call it is running returns. Nobody would hear how an apply went on, nor undo it.
  const gone = (why: string) => started.engine?.interrupt(why)
  lines.on('close', () => gone('its caller went away while it applied (the channel closed)'))
  options.stop?.addEventListener('abort', () => {
    gone(String(options.stop?.reason ?? 'it was told to stop'))
    lines.close()
  })
  // A machine's live streams end with the session that asked for them: no monitor outlives it.
  const streams: LiveStream[] = []
  try {
    await serve(lines, output, options, started, start, streams)
  } finally {
    for (const stream of streams) stream.stop()
  }
}

async function serve(
  lines: AsyncIterable<string>,
  output: NodeJS.WritableStream,
  options: HelperOptions,
  started: Started,
  start: (machine: string) => Service,
  streams: LiveStream[],
): Promise<void> {
  for await (const line of lines) {
    if (!line.trim()) continue
    let message: Partial<RpcRequest>
    try {
      message = JSON.parse(line) as Partial<RpcRequest>
    } catch {
      output.write(reply(null, { error: { code: -32700, message: 'not JSON' } }))
      continue
    }
    if (message.jsonrpc !== '2.0') {
      output.write(reply(message.id, { error: { code: -32600, message: 'not a JSON-RPC 2.0 request' } }))
      continue
    }
    const service = started.service
    if (!service) {
      const hello = MachineHello.safeParse(message.method === MACHINE_HELLO ? message.params : undefined)
      if (!hello.success) {
        const why = `a machine's helper first hears ${MACHINE_HELLO} {machine: <host of the lab>}`
        output.write(reply(message.id, { error: { code: -32600, message: why } }))
        continue
      }
      start(hello.data.machine)
      output.write(reply(message.id, { result: await machineFacts(options.self) }))
      continue
    }
    if (options.machine && message.method === MACHINE_OBSERVED && started.engine) {
      output.write(await observedPart(started.engine, message))
      continue
    }
    if (options.machine && message.method === MACHINE_WATCH) {
      output.write(await watch(service, message, output, streams))
      continue
    }
    const outcome = await service.call(String(message.method ?? ''), message.params)
    if (outcome.ok) {
      output.write(reply(message.id, { result: outcome.reply }))
      continue
    }
    const { kind, error, problems } = outcome.failure
    // The kind travels, so the app's service answers the renderer as this one would.
    output.write(
      reply(message.id, {
        error: { code: CODE[kind], message: error, data: { kind, ...(problems ? { problems } : {}) } },
      }),
    )
  }
}

/**
 * Starts watching the lab's part on this machine; its events go out as notifications. The reply
 * comes once the first state of every link went out (or why watching could not start).
 */
async function watch(
  service: Service,
  message: Partial<RpcRequest>,
  output: NodeJS.WritableStream,
  streams: LiveStream[],
): Promise<string> {
  const request = MachineWatch.safeParse(message.params)
  if (!request.success)
    return reply(message.id, {
      error: { code: CODE.invalid, message: `malformed ${MACHINE_WATCH} request`, data: { kind: 'invalid' } },
    })
  const { lab, heal, counters } = request.data
  try {
    const stream = service.watch(
      lab,
      (event) =>
        output.write(`${JSON.stringify({ jsonrpc: '2.0', method: MACHINE_EVENT, params: event })}\n`),
      { heal: heal === true, counters: counters === true },
    )
    streams.push(stream)
    await stream.ready
    return reply(message.id, { result: { watching: true } })
  } catch (e) {
    const { kind, error } = failureOf(e)
    return reply(message.id, { error: { code: CODE[kind], message: error, data: { kind } } })
  }
}

/** The lab's part as this machine has it, and the tunnel ends it holds (MACHINE_OBSERVED). */
async function observedPart(engine: Engine, message: Partial<RpcRequest>): Promise<string> {
  try {
    const request = MachineObservedRequest.safeParse(message.params)
    if (!request.success) throw new ServiceError('invalid', `malformed ${MACHINE_OBSERVED} request`)
    const lab = labOf(request.data.lab)
    const observed = await engine.observe(lab)
    const result: MachineObserved = { lab: observedLab(lab, observed), tunnels: tunnelEnds(observed) }
    return reply(message.id, { result })
  } catch (e) {
    const { kind, error } = failureOf(e)
    return reply(message.id, { error: { code: CODE[kind], message: error, data: { kind } } })
  }
}

/** As a program (`patchbay-helper`): the environment is cleared but for what the engine reads. */
export async function helperMain(self?: string): Promise<void> {
  const keep = { PATCHBAY_STATE_DIR: process.env.PATCHBAY_STATE_DIR ?? '/var/lib/patchbay' }
  for (const key of Object.keys(process.env)) delete process.env[key]
  Object.assign(process.env, keep, { PATH: HELPER_PATH, LANG: 'C.UTF-8' })
  // A hangup or a polite kill is a caller gone: the apply running is rolled back, then it exits.
  const stop = new AbortController()
  for (const signal of ['SIGHUP', 'SIGTERM'] as const)
    process.on(signal, () => stop.abort(`it was stopped (${signal}) while it applied`))
  await runHelper(process.stdin, process.stdout, {
    machine: process.argv.includes('--machine'),
    stop: stop.signal,
    ...(self ? { self } : {}),
  })
  process.exit(0)
}

/** What the far engine checks before it trusts this machine with its part of a lab. */
async function machineFacts(self: string | undefined): Promise<MachineFacts> {
  const sha256 = self
    ? createHash('sha256')
        .update(await readFile(self))
        .digest('hex')
    : null
  const ovs = await execa('ovs-vsctl', ['--timeout=5', 'show'], { reject: false, stdin: 'ignore' })
  const vxlan = await execa('ip', ['link', 'help', 'vxlan'], { reject: false, stdin: 'ignore', all: true })
  return {
    sha256,
    node: process.version,
    ovs: ovs.exitCode === 0 ? null : ovs.stderr.trim() || `ovs-vsctl exited ${ovs.exitCode}`,
    vxlan: /\bvxlan\b|VNI/i.test(vxlan.all ?? '') ? null : 'ip has no vxlan link type',
  }
}
