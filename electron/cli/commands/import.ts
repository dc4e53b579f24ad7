import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { checkLab } from '../../../shared/lab/check.ts'
import { formatProblem } from '../../../shared/lab/problem.ts'
import { saveLab } from '../../../shared/lab/save.ts'
import { importPipework } from '../../../shared/pipework/import.ts'
import { readPipeworkScript } from '../../../shared/pipework/script.ts'
import { type CliIo, readInput } from '../io.ts'

export async function importCommand(io: CliIo, path: string, options: { name: string }): Promise<ExitCode> {
  const { text, file } = await readInput(io, path)
  const script = readPipeworkScript(text)
  const imported = importPipework(script.lines, options.name)
  const problems = [...script.problems, ...imported.problems].sort((a, b) => a.line - b.line)
  for (const p of problems) io.stderr(`${file}:${p.line}: error: ${p.message}\n`)
  const checked = checkLab(imported.lab)
  for (const p of checked.problems) io.stderr(`${formatProblem(p)}\n`)
  if (problems.length > 0 || !checked.lab) return ExitCode.invalid
  io.stdout(saveLab(checked.lab))
  return ExitCode.ok
}
