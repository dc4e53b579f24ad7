// tcpdump on one port, in its namespace, as a pcap stream read into frames: started with an argv
// (ip netns exec and nsenter exec tcpdump itself, so a signal to the child reaches tcpdump), ready
// once tcpdump says it listens, stopped with SIGINT so it flushes what it holds, killed if it lingers.
import { type ChildProcess, spawn } from 'node:child_process'
import { printable } from '../../../shared/plan/shell-words.ts'
import { decodeFrame, type Frame, PcapReader } from './pcap.ts'

/** Enough for an ARP and a ping seen many times over; a busier port's extra frames are dropped. */
const MAX_FRAMES = 2_000
/** tcpdump's stderr kept (its "listening on" line, its error). */
const MAX_STDERR = 4_096
const SNAP_LENGTH = '128'

export interface CapturedFrame extends Frame {
  readonly atUs: number
}

export interface Capture {
  /** Settles when tcpdump listens; rejects with its own words when it cannot. */
  readonly ready: Promise<void>
  /** Stops tcpdump and gives what it saw (the frames a trace looks for) and why it may have failed. */
  stop(): Promise<{ frames: CapturedFrame[]; error: string | null }>
  /** Ends tcpdump now, whatever it was doing (cleanup after a failure). */
  kill(): void
}

/** tcpdump's arguments: no promiscuous mode (a NIC is not changed), numbers, packet-buffered pcap. */
export const tcpdumpArgs = (device: string): string[] => [
  'tcpdump',
  '-p',
  '-n',
  '-U',
  '--immediate-mode',
  '-s',
  SNAP_LENGTH,
  '-w',
  '-',
  '-i',
  device,
  // Untagged ARP and ICMP, and any tagged frame (its inner type is checked when decoded).
  'arp or icmp or vlan',
]

export function startCapture(prefix: readonly string[], device: string, readyMs = 10_000): Capture {
  const argv = [...prefix, ...tcpdumpArgs(device)]
  const child: ChildProcess = spawn(argv[0]!, argv.slice(1), {
    shell: false,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const reader = new PcapReader()
  const frames: CapturedFrame[] = []
  let stderr = ''
  let exited: { code: number | null } | null = null
  child.stdout!.on('data', (chunk: Buffer) => {
    for (const record of reader.push(chunk)) {
      if (frames.length >= MAX_FRAMES || !reader.ethernet) continue
      const frame = decodeFrame(record.data)
      if (frame) frames.push({ ...frame, atUs: record.atUs })
    }
  })
  const closed = new Promise<void>((resolve) => {
    child.on('close', (code) => {
      exited = { code }
      resolve()
    })
  })
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tcpdump on ${device} did not start listening`)), readyMs)
    child.stderr!.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8').slice(0, MAX_STDERR - stderr.length)
      if (/listening on /.test(stderr)) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    void closed.then(() => {
      clearTimeout(timer)
      reject(new Error(lastWords(stderr) || `tcpdump on ${device} ended at once`))
    })
  })
  ready.catch(() => {})
  const kill = () => {
    if (!exited) child.kill('SIGKILL')
  }
  return {
    ready,
    kill,
    async stop() {
      if (!exited) child.kill('SIGINT')
      const lingering = setTimeout(kill, 3_000)
      await closed
      clearTimeout(lingering)
      const failed =
        exited !== null && (exited as { code: number | null }).code !== 0 && !/listening on /.test(stderr)
      const broken = reader.broken ? `its output was not a pcap stream (${reader.broken})` : null
      return { frames, error: failed ? lastWords(stderr) || 'tcpdump failed' : broken }
    },
  }
}

/** The last line tcpdump wrote to stderr, one line, printable. */
function lastWords(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '')
  return printable(lines.at(-1) ?? '').slice(0, 300)
}
