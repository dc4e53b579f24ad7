import { DiscoverReply } from '../../../shared/api/contract.ts'
import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { printable } from '../../../shared/plan/shell-words.ts'
import { engineService, exitCodeOf } from '../../core/service.ts'
import { machineEngine } from '../engine-input.ts'
import type { CliIo } from '../io.ts'

type Options = { json?: boolean; includeDockerNetworks?: boolean; name?: string }

/**
 * `patchbay discover`: this machine as a lab on stdout (YAML, or the same lab as JSON); what it
 * leaves out goes to stderr, one line each, so `discover > lab.yaml` keeps the file clean.
 */
export async function discoverCommand(io: CliIo, options: Options): Promise<ExitCode> {
  const engine = machineEngine(io, 'discover', 'look')
  if (typeof engine === 'number') return engine
  const outcome = await engineService(engine).call('discoverMachine', {
    ...(options.name !== undefined ? { name: options.name } : {}),
    includeDockerNetworks: options.includeDockerNetworks === true,
  })
  if (!outcome.ok) {
    io.stderr(`patchbay discover: ${outcome.failure.error}\n`)
    return exitCodeOf(outcome.failure.kind)
  }
  const reply = DiscoverReply.parse(outcome.reply)
  for (const note of reply.notes) io.stderr(`discover: ${printable(note)}\n`)
  io.stdout(options.json ? `${JSON.stringify(reply.lab, null, 2)}\n` : reply.text)
  return ExitCode.ok
}
