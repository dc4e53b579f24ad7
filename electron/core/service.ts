// The one application service every adapter calls: `serve` (HTTP and WebSocket), the desktop app's
// main process (IPC), the privileged helper (JSON-RPC) and the CLI's `watch`. It parses a call
// against shared/api/contract.ts, runs it, and says why it failed in the contract's words; it opens
// a lab's live stream and tells every editor what concerns them all. Adapters only move bytes and
// map an error kind to their own status codes.
import { join } from 'node:path'
import {
  type ApiCall,
  type ApiRequest,
  api,
  type BroadcastEvent,
  isApiCall,
  type WatchEvent,
} from '../../shared/api/contract.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import {
  type CallOutcome,
  type Calls,
  type EngineCalls,
  failureOf,
  labOf,
  type ProgressEvent,
  ServiceError,
} from './calls.ts'
import { type Capture, type CaptureOptions, startCapture } from './capture.ts'
import type { Engine } from './engine.ts'
import { engineCalls } from './engine-calls.ts'
import { type ChooseFile, fileHandlers, noFileHandlers } from './file-calls.ts'
import type { LabFiles } from './lab-files.ts'
import { type MachinesCalls, machinesCalls, machinesOf } from './machines/machines-calls.ts'
import { MachinesWatcher } from './machines/machines-watch.ts'
import type { WatchOptions } from './monitor/lab-watcher.ts'
import { offlineCalls } from './offline-calls.ts'
import { packageRootOrOwnDir } from './package-root.ts'
import { openShell, type Shell, type ShellSize } from './shell.ts'

export {
  type CallOutcome,
  type Calls,
  type EngineCalls,
  exitCodeOf,
  type Failure,
  type FileCalls,
  failureOf,
  labOf,
  type ProgressEvent,
  ServiceError,
} from './calls.ts'
export type { Capture, CaptureOptions, Shell, ShellSize, WatchOptions }

/** A lab's live events until `stop()`. */
export interface LiveStream {
  /** Settles once every monitor runs and each link's state went out once; rejects when they cannot. */
  readonly ready: Promise<void>
  /** Ends the stream: no event is delivered after it. Safe to call at any time, more than once. */
  stop(): void
}

export interface Service {
  /** The calls, typed, for callers in this process; they throw ServiceError (or any error: `failed`). */
  readonly calls: Calls
  /** Runs a call named by a transport, with a body from outside: parsed first; never throws. */
  call(name: string, body: unknown): Promise<CallOutcome>
  /** Whether this process can watch labs (it runs the engine). */
  readonly canWatch: boolean
  /**
   * Opens the live stream of a lab (checked like a request; a lab with errors is ServiceError
   * `invalid`, a process without the engine `capability`).
   */
  watch(lab: unknown, onEvent: (event: WatchEvent) => void, options?: WatchOptions): LiveStream
  /**
   * Hears what every open editor is told, whatever lab it watches: each step of every apply this
   * service runs, and a lab file it opened changed on disk. Until the returned function is called.
   */
  onBroadcast(listener: (event: BroadcastEvent) => void): () => void
  /**
   * Starts capturing a link's frames as pcap (capture.ts): a lab with errors, an unknown link, a bad
   * count or filter are ServiceError `invalid` and nothing runs; a process without the engine `capability`.
   */
  capture(lab: unknown, linkId: string, options?: CaptureOptions): Promise<Capture>
  /** Opens a terminal on a guest of the lab (shell.ts); like capture, only where the engine runs. */
  shell(lab: unknown, node: string, size: ShellSize): Promise<Shell>
  /** Lets go of what the service holds (watches on opened lab files). */
  close(): void
}

export interface ServiceOptions {
  /**
   * The lab files this process may open and save (serve's LAB and --dir, the desktop app's). The
   * file calls run here, with the rights of the user of this process; without files they say so.
   */
  readonly files?: LabFiles
  /** A native file dialog (the desktop app's) for chooseLabFile. */
  readonly choose?: ChooseFile
}

/** A lab's watcher: the engine's on this machine, or one over the lab's machines. */
interface Watcher {
  on(name: 'event', listener: (event: WatchEvent) => void): unknown
  start(): Promise<void>
  stop(): void
}

/** What a service is made of: the engine's calls, and how to watch a lab where the engine runs here. */
interface Backend {
  readonly calls: (progress: (event: ProgressEvent) => void) => EngineCalls
  readonly watch?: (lab: Lab, options: WatchOptions) => Watcher
  readonly capture?: (lab: Lab, linkId: string, options: CaptureOptions) => Promise<Capture>
  readonly shell?: (lab: Lab, node: string, size: ShellSize) => Promise<Shell>
  /** Lets go of what the calls hold (machines' connections). */
  readonly close?: () => void
}

function createService(backend: Backend, options: ServiceOptions): Service {
  const listeners = new Set<(event: BroadcastEvent) => void>()
  const broadcast = (event: BroadcastEvent) => {
    for (const listener of listeners) listener(event)
  }
  const files = options.files
    ? fileHandlers(options.files, {
        ...(options.choose ? { choose: options.choose } : {}),
        onChange: broadcast,
      })
    : noFileHandlers('this process opens no lab files')
  const calls: Calls = { ...backend.calls(broadcast), ...files }
  return {
    calls,
    canWatch: backend.watch !== undefined,
    async call(name, body) {
      try {
        if (!isApiCall(name))
          throw new ServiceError(
            'no-call',
            `no call ${JSON.stringify(name)}; the calls are ${Object.keys(api).join(', ')}`,
          )
        const request = parseRequest(name, body)
        return { ok: true, reply: await (calls[name] as (r: unknown) => Promise<unknown>)(request) }
      } catch (e) {
        return { ok: false, failure: failureOf(e) }
      }
    },
    watch(input, onEvent, watchOptions = {}) {
      const lab = labOf(input)
      if (!backend.watch)
        throw new ServiceError('capability', 'live state needs the engine, and this process does not run it')
      const watcher = backend.watch(lab, watchOptions)
      let stopped = false
      watcher.on('event', (event) => {
        if (!stopped) onEvent(event)
      })
      const ready = watcher.start().finally(() => {
        // Stopped while starting: the monitors started since then are stopped too.
        if (stopped) watcher.stop()
      })
      ready.catch(() => {}) // awaiting it is optional
      return {
        ready,
        stop: () => {
          stopped = true
          watcher.stop()
        },
      }
    },
    async capture(input, linkId, captureOptions = {}) {
      const lab = labOf(input)
      if (!backend.capture)
        throw new ServiceError('capability', 'capturing needs the engine, and this process does not run it')
      return backend.capture(lab, linkId, captureOptions)
    },
    async shell(input, node, size) {
      const lab = labOf(input)
      if (!backend.shell)
        throw new ServiceError('capability', 'a shell needs the engine, and this process does not run it')
      return backend.shell(lab, node, size)
    },
    onBroadcast(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close() {
      backend.close?.()
      listeners.clear()
      options.files?.close()
    },
  }
}

/** Parses a call's request against its schema; a malformed one is ServiceError `invalid`. */
export function parseRequest<C extends ApiCall>(call: C, body: unknown): ApiRequest<C> {
  const parsed = api[call].req.safeParse(body)
  if (!parsed.success)
    throw new ServiceError(
      'invalid',
      `malformed ${call} request: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`,
    )
  return parsed.data as ApiRequest<C>
}

/** The helper bundle this engine copies to the machines of a lab spread over machines. */
const MACHINE_HELPER = join(packageRootOrOwnDir(import.meta.url), 'dist', 'electron', 'helper.mjs')

/**
 * The service of a process that runs the one engine of the process (root): every call, live state.
 * A lab over machines goes to the machines' helpers (machines/machines-calls.ts), unless this
 * engine is itself one machine of such a lab.
 */
export const engineService = (engine: Engine, options: ServiceOptions = {}): Service => {
  let machines: MachinesCalls | null = null
  return createService(
    {
      calls: (progress) => {
        const calls = engineCalls(engine, progress)
        if (engine.machine !== undefined) return calls
        machines = machinesCalls(calls, { bundle: MACHINE_HELPER }, progress)
        return machines
      },
      watch: (lab, o) => {
        // Each machine watches (and heals) its own part; this engine merges what they say.
        if (machinesOf(lab).length > 0 && engine.machine === undefined)
          return new MachinesWatcher(lab, { ...o, link: { bundle: MACHINE_HELPER } })
        return engine.watch(lab, o)
      },
      capture: (lab, linkId, o) => startCapture(engine, lab, linkId, o),
      shell: (lab, node, size) => openShell(engine, lab, node, size),
      close: () => machines?.close(),
    },
    options,
  )
}

/** Engine calls answered elsewhere (the privileged helper): the same parsing and errors, no live state. */
export const remoteService = (calls: EngineCalls, options: ServiceOptions = {}): Service =>
  createService({ calls: () => calls }, options)

/** Without root and without the helper: draw, validate, see domains and plan; the rest says why not. */
export const offlineService = (reason: string, options: ServiceOptions = {}): Service =>
  createService({ calls: () => offlineCalls(reason) }, options)
