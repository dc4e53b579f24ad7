// `patchbay capture LAB LINK`: a link's frames as pcap, on standard output (for `| wireshark -k -i -`)
// or into a file, until interrupted, -c frames, or the reader goes away.

import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import type { Writable } from 'node:stream'
import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { describeNamespace } from '../../core/capture.ts'
import { engineService, exitCodeOf, failureOf } from '../../core/service.ts'
import { labOrExit, machineEngine } from '../engine-input.ts'
import type { CliIo } from '../io.ts'

export interface CaptureFlags {
  readonly count?: string
  readonly write?: string
  readonly filter?: string
}

export async function captureCommand(
  io: CliIo,
  path: string,
  linkId: string,
  flags: CaptureFlags,
): Promise<ExitCode> {
  // A count that is not a plain whole number is refused as given, not as parseInt would read it.
  if (flags.count !== undefined && !/^\d{1,7}$/.test(flags.count)) {
    io.stderr(`patchbay capture: count: ${JSON.stringify(flags.count)} is not a whole number of frames\n`)
    return ExitCode.invalid
  }
  if (flags.write === undefined && !io.bytesOut) {
    io.stderr('patchbay capture: there is no standard output for bytes here; name a file with -w\n')
    return ExitCode.invalid
  }
  const lab = await labOrExit(io, path)
  if (typeof lab === 'number') return lab
  const engine = machineEngine(io, 'capture', 'look')
  if (typeof engine === 'number') return engine
  const service = engineService(engine)

  let capture: Awaited<ReturnType<typeof service.capture>>
  try {
    capture = await service.capture(lab, linkId, {
      ...(flags.count !== undefined ? { count: Number(flags.count) } : {}),
      ...(flags.filter !== undefined ? { filter: flags.filter } : {}),
    })
  } catch (e) {
    const failure = failureOf(e)
    io.stderr(`patchbay capture: ${failure.error}\n`)
    return exitCodeOf(failure.kind)
  }
  const stop = () => capture.stop()
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  const out: NodeJS.WritableStream = flags.write === undefined ? io.bytesOut! : createWriteStream(flags.write)
  // The reader went away (`| head`, wireshark closed) or the file cannot be written: stop at once.
  out.on('error', stop)
  capture.pcap.pipe(out, { end: flags.write !== undefined })
  const { point } = capture
  io.stderr(
    `patchbay capture: ${linkId} on ${point.port.device} in ${describeNamespace(point.port.namespace)} (${point.why})\n`,
  )
  try {
    const end = await capture.ended
    if (flags.write !== undefined && !(out as Writable).closed) await once(out, 'close').catch(() => {})
    if (end.message) io.stderr(`patchbay capture: ${end.message}\n`)
    // A signal (our stop) or tcpdump's own 0 is a capture that ended as asked.
    return end.exitCode === null || end.exitCode === 0 ? ExitCode.ok : ExitCode.differs
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
  }
}
