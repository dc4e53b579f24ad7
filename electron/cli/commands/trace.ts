import type { TraceReply } from '../../../shared/api/contract.ts'
import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { printable } from '../../../shared/plan/shell-words.ts'
import { engineService, exitCodeOf } from '../../core/service.ts'
import { labOrExit, machineEngine } from '../engine-input.ts'
import type { CliIo } from '../io.ts'

/** `patchbay trace LAB A B`: the service's traceLab, printed (exit 1 when B was not reached). */
export async function traceCommand(
  io: CliIo,
  path: string,
  from: string,
  to: string,
  options: { json?: boolean },
): Promise<ExitCode> {
  const lab = await labOrExit(io, path)
  if (typeof lab === 'number') return lab
  const engine = machineEngine(io, 'trace', 'look')
  if (typeof engine === 'number') return engine
  const outcome = await engineService(engine).call('traceLab', { lab, from, to })
  if (!outcome.ok) {
    io.stderr(`patchbay trace: ${printable(outcome.failure.error)}\n`)
    return exitCodeOf(outcome.failure.kind)
  }
  const reply = outcome.reply as TraceReply
  if (options.json) io.stdout(`${JSON.stringify(reply)}\n`)
  else printTrace(io, reply)
  return reply.reached ? ExitCode.ok : ExitCode.differs
}

function printTrace(io: CliIo, reply: TraceReply): void {
  io.stdout(`trace ${reply.from} -> ${reply.to} (${reply.address}), ${reply.captured} ports listened on\n`)
  for (const hop of reply.hops) {
    const when = hop.atUs === null ? '        -' : `${(hop.atUs / 1000).toFixed(3).padStart(9)}`
    const tag = !hop.seen ? 'NOT SEEN' : hop.vlan === null ? 'untagged' : `vlan ${hop.vlan}`
    io.stdout(
      `${when} ms  ${printable(hop.node).padEnd(12)} ${printable(hop.port).padEnd(18)} ${tag.padEnd(9)} ${printable(hop.frame)}\n`,
    )
  }
  for (const s of reply.skipped)
    io.stdout(`  not listened on: ${printable(s.node)} ${printable(s.port)} (${printable(s.why)})\n`)
  io.stdout(`${reply.reached ? 'reached' : 'NOT reached'}: ${printable(reply.why)}\n`)
}
