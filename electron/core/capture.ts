// `capture`: a link's frames as a pcap stream, from tcpdump in the link's namespace on the device
// capture-point.ts names. It runs only while asked: until stop(), N frames, or its reader leaving;
// the process started is tcpdump itself (ip netns exec and nsenter exec it), so stopping it stops all.
import { type ChildProcess, spawn } from 'node:child_process'
import type { Readable } from 'node:stream'
import { checkCaptureFilter } from '../../shared/capture/filter.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { ServiceError } from './calls.ts'
import { capturePoint } from './capture-point.ts'
import type { Engine } from './engine.ts'
import { type EnterTarget, enterNamespace } from './exec/enter.ts'
import { Runner } from './exec/runner.ts'
import type { LabPort, PortNamespace } from './port-locator.ts'

/** Where a capture runs: the link's port, and why there. */
export interface CapturePoint {
  readonly port: LabPort
  readonly why: string
}

/** More frames than this in one `-c` are refused: a count is for a look, not a recording. */
export const MAX_CAPTURE_COUNT = 1_000_000

export interface CaptureOptions {
  /** Stop after this many frames. */
  readonly count?: number
  /** A pcap-filter expression (checked by shared/capture/filter.ts). */
  readonly filter?: string
}

export interface CaptureEnd {
  /** tcpdump's exit code, or null when a signal (our stop) ended it. */
  readonly exitCode: number | null
  /** tcpdump's last words on stderr (`N packets captured`, or why it could not start). */
  readonly message: string
}

export interface Capture {
  readonly point: CapturePoint
  /** The command that runs, for the user to see. */
  readonly argv: readonly string[]
  /** The pcap bytes (a global header, then one record per frame). */
  readonly pcap: Readable
  /** Settles when tcpdump has exited and the namespace it used is let go. */
  readonly ended: Promise<CaptureEnd>
  /** Ends the capture (SIGTERM, then SIGKILL after a second); safe to call more than once. */
  stop(): void
}

/** The checked options: invalid input is ServiceError `invalid` naming the field, and nothing runs. */
export function checkCaptureOptions(options: CaptureOptions): { count: number | null; words: string[] } {
  const { count, filter } = options
  if (count !== undefined && (!Number.isInteger(count) || count < 1 || count > MAX_CAPTURE_COUNT))
    throw new ServiceError(
      'invalid',
      `count: ${JSON.stringify(count)} is not a whole number from 1 to ${MAX_CAPTURE_COUNT}`,
    )
  const checked = checkCaptureFilter(filter ?? '')
  if (!checked.ok) throw new ServiceError('invalid', `filter: ${checked.message}`)
  return { count: count ?? null, words: checked.words }
}

/** The link's capture point, or ServiceError `invalid` naming the link. */
export function checkedCapturePoint(lab: Lab, linkId: string): CapturePoint {
  const found = capturePoint(lab, linkId)
  if (!found.ok) throw new ServiceError('invalid', `link: ${found.message}`)
  return { port: found.point, why: found.why }
}

/**
 * Starts tcpdump on the link's device. The filter is compiled first (`tcpdump -d`, which opens
 * nothing), so a filter tcpdump cannot parse is `invalid` before anything listens.
 */
export async function startCapture(
  engine: Engine,
  lab: Lab,
  linkId: string,
  options: CaptureOptions = {},
): Promise<Capture> {
  const { count, words } = checkCaptureOptions(options)
  const point = checkedCapturePoint(lab, linkId)
  if (words.length > 0) {
    const compiled = await new Runner().run(['tcpdump', '-d', '-y', 'EN10MB', '--', ...words], {
      allowFailure: true,
    })
    if (compiled.exitCode !== 0)
      throw new ServiceError('invalid', `filter: tcpdump cannot compile it: ${compiled.stderr.trim()}`)
  }
  const entered = await enterNamespace(enterTarget(point.port.namespace), engine.containers, 'net')
  const tcpdump = [
    'tcpdump',
    '-i',
    point.port.device,
    '-U', // each frame written as it comes, so a live reader sees it at once
    '-w',
    '-',
    '-n',
    ...(count !== null ? ['-c', String(count)] : []),
    '--', // what follows is the filter, never an option
    ...words,
  ]
  const argv = [...entered.prefix, ...tcpdump]
  let child: ChildProcess
  try {
    child = spawn(argv[0]!, argv.slice(1), { shell: false, stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (e) {
    entered.release()
    throw e
  }
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4096)
  })
  let killer: NodeJS.Timeout | null = null
  const ended = new Promise<CaptureEnd>((resolve) => {
    child.on('error', (e) => {
      stderr += e.message
    })
    child.on('close', (code) => {
      if (killer) clearTimeout(killer)
      entered.release()
      resolve({ exitCode: code, message: stderr.trim().split('\n').slice(-3).join('; ') })
    })
  })
  const exited = () => child.exitCode !== null || child.signalCode !== null
  return {
    point,
    argv,
    pcap: child.stdout!,
    ended,
    stop() {
      if (exited() || killer) return
      child.kill('SIGTERM')
      killer = setTimeout(() => {
        if (!exited()) child.kill('SIGKILL')
      }, 1000)
    },
  }
}

/** The locator's namespace, entered our way: a container by its pid checked when the capture starts. */
export function enterTarget(ns: PortNamespace): EnterTarget {
  switch (ns.kind) {
    case 'host':
      return { kind: 'netns', name: null }
    case 'simulated-host':
      return { kind: 'netns', name: ns.netns }
    case 'netns':
      return { kind: 'netns', name: ns.name }
    case 'container':
      return { kind: 'container', container: ns.name }
  }
}

/** The namespace for a person: `the host`, `netns NAME`, `container NAME`. */
export function describeNamespace(ns: PortNamespace): string {
  switch (ns.kind) {
    case 'host':
      return 'the host'
    case 'simulated-host':
      return `simulated host ${ns.host} (netns ${ns.netns})`
    case 'netns':
      return `netns ${ns.name}`
    case 'container':
      return `container ${ns.name}`
  }
}
