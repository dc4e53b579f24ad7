import type { BreakReply } from '../../../shared/api/contract.ts'
import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { printable } from '../../../shared/plan/shell-words.ts'
import { engineService, exitCodeOf } from '../../core/service.ts'
import { labOrExit, machineEngine } from '../engine-input.ts'
import type { CliIo } from '../io.ts'

/**
 * `patchbay exercise break LAB`: the service's breakLab. It says only that a fault was injected;
 * `--reveal` (or --json) says which.
 */
export async function breakCommand(
  io: CliIo,
  path: string,
  options: { reveal?: boolean; json?: boolean },
): Promise<ExitCode> {
  const lab = await labOrExit(io, path)
  if (typeof lab === 'number') return lab
  const engine = machineEngine(io, 'exercise break', 'change')
  if (typeof engine === 'number') return engine
  const outcome = await engineService(engine).call('breakLab', { lab })
  if (!outcome.ok) {
    io.stderr(`patchbay exercise break: ${printable(outcome.failure.error)}\n`)
    return exitCodeOf(outcome.failure.kind)
  }
  const reply = outcome.reply as BreakReply
  if (options.json) io.stdout(`${JSON.stringify(reply)}\n`)
  else {
    io.stdout(
      `one L2 fault was injected into ${printable(reply.lab)}: find it (patchbay check, explain --observed, trace, tables); patchbay apply repairs it\n`,
    )
    if (options.reveal) io.stdout(`the fault: ${printable(reply.fault.description)}\n`)
  }
  return ExitCode.ok
}
