import { AdoptReply } from '../../../shared/api/contract.ts'
import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { printable } from '../../../shared/plan/shell-words.ts'
import { engineService, exitCodeOf } from '../../core/service.ts'
import { labOrExit, machineEngine } from '../engine-input.ts'
import type { CliIo } from '../io.ts'

/** `patchbay adopt LAB`: marks what already is as the lab says as the lab's; one line per part. */
export async function adoptCommand(io: CliIo, path: string, options: { json?: boolean }): Promise<ExitCode> {
  const lab = await labOrExit(io, path)
  if (typeof lab === 'number') return lab
  const engine = machineEngine(io, 'adopt', 'change')
  if (typeof engine === 'number') return engine
  const outcome = await engineService(engine).call('adoptLab', { lab })
  if (!outcome.ok) {
    io.stderr(`patchbay adopt: ${outcome.failure.error}\n`)
    return exitCodeOf(outcome.failure.kind)
  }
  const reply = AdoptReply.parse(outcome.reply)
  if (options.json) io.stdout(`${JSON.stringify(reply)}\n`)
  else {
    for (const line of reply.marked) io.stdout(`marked  ${printable(line)}\n`)
    for (const line of reply.left) io.stdout(`left    ${printable(line)}\n`)
    if (reply.failed)
      io.stderr(
        `${lab.name}: adopt failed at ${reply.failed.id}: ${printable(reply.failed.error)}; nothing was marked\n`,
      )
    else
      io.stdout(
        `${lab.name}: ${reply.marked.length} part${reply.marked.length === 1 ? '' : 's'} marked as the lab's\n`,
      )
  }
  return reply.ok ? ExitCode.ok : ExitCode.differs
}
