import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { exportPipework } from '../../../shared/pipework/export.ts'
import type { CliIo } from '../io.ts'
import { loadLabArg, printProblems } from '../lab-input.ts'

export async function exportCommand(
  io: CliIo,
  path: string,
  _options: { format: string },
): Promise<ExitCode> {
  const loaded = await loadLabArg(io, path)
  printProblems(io, loaded.problems)
  if (!loaded.lab) return ExitCode.invalid
  io.stdout(
    `#!/bin/sh\n# lab ${loaded.lab.name}, as pipework lines\n${exportPipework(loaded.lab).join('\n')}\n`,
  )
  return ExitCode.ok
}
