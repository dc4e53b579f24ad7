import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { createEngine } from '../../core/create-engine.ts'
import { verifyLab } from '../../core/verify.ts'
import { labOrExit } from '../engine-input.ts'
import type { CliIo } from '../io.ts'

export async function verifyCommand(io: CliIo, path: string, options: { json?: boolean }): Promise<ExitCode> {
  const lab = await labOrExit(io, path)
  if (typeof lab === 'number') return lab
  const engine = createEngine()
  const report = await verifyLab(lab, { run: engine.run, containers: engine.containers })
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
