import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { createEngine } from '../../core/create-engine.ts'
import { labOrExit, serviceCall } from '../engine-input.ts'
import type { CliIo } from '../io.ts'

/** `patchbay verify LAB`: the service's verifyLab (a lab over machines pings from its machines). */
export async function verifyCommand(io: CliIo, path: string, options: { json?: boolean }): Promise<ExitCode> {
  const lab = await labOrExit(io, path)
  if (typeof lab === 'number') return lab
  const report = await serviceCall(io, 'verify', createEngine(), 'verifyLab', { lab })
  if (typeof report === 'number') return report
  if (options.json) {
    io.stdout(`${JSON.stringify(report)}\n`)
  } else {
    const mark = (b: boolean) => (b ? 'reach' : 'no   ')
    for (const p of report.pairs) {
      const verdict = p.expected === p.reachable ? 'ok      ' : 'MISMATCH'
      io.stdout(
        `${verdict} ${p.from.padEnd(16)} -> ${p.to.padEnd(16)} ${p.address.padEnd(16)} expected ${mark(p.expected)} got ${mark(p.reachable)}\n`,
      )
    }
    io.stdout(
      report.ok
        ? `${lab.name}: every pair as expected (${report.pairs.length} pairs)\n`
        : `${lab.name}: reachability differs from the drawing\n`,
    )
  }
  return report.ok ? ExitCode.ok : ExitCode.differs
}
