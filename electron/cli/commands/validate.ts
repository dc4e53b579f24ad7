import type { ValidateReply } from '../../../shared/api/contract.ts'
import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { problemReply } from '../../../shared/api/replies.ts'
import type { CliIo } from '../io.ts'
import { loadLabArg, printProblems } from '../lab-input.ts'

export async function validateCommand(
  io: CliIo,
  path: string,
  options: { json?: boolean },
): Promise<ExitCode> {
  const loaded = await loadLabArg(io, path)
  if (options.json) {
    const reply: ValidateReply = { ok: loaded.lab !== null, problems: loaded.problems.map(problemReply) }
    io.stdout(`${JSON.stringify(reply)}\n`)
  } else {
    printProblems(io, loaded.problems)
    if (loaded.lab) {
      const links = loaded.lab.links?.length ?? 0
      io.stdout(
        `${loaded.file}: valid lab ${loaded.lab.name} (${Object.keys(loaded.lab.nodes).length} nodes, ${links} links)\n`,
      )
    }
  }
  return loaded.lab ? ExitCode.ok : ExitCode.invalid
}
