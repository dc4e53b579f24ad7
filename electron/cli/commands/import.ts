import { readFile } from 'node:fs/promises'
import { ExitCode } from '../../../shared/api/exit-codes.ts'
import {
  type ClabAnnotations,
  importContainerlab,
  looksLikeContainerlab,
} from '../../../shared/containerlab/import.ts'
import { checkLab } from '../../../shared/lab/check.ts'
import { formatProblem } from '../../../shared/lab/problem.ts'
import { saveLab } from '../../../shared/lab/save.ts'
import { importPipework } from '../../../shared/pipework/import.ts'
import { readPipeworkScript } from '../../../shared/pipework/script.ts'
import { type CliIo, readInput } from '../io.ts'

/** pipework lines, or a containerlab topology (told apart by its content or its .clab.yml name). */
export async function importCommand(io: CliIo, path: string, options: { name: string }): Promise<ExitCode> {
  const { text, file } = await readInput(io, path)
  if (looksLikeContainerlab(text, file)) return importClab(io, text, file, path)
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

async function importClab(io: CliIo, text: string, file: string, path: string): Promise<ExitCode> {
  // containerlab keeps its graph positions beside the topology: `<file>.annotations.json`.
  let annotations: ClabAnnotations | null = null
  if (path !== '-') {
    const sibling = await readFile(`${path}.annotations.json`, 'utf8').catch(() => null)
    if (sibling !== null) {
      try {
        annotations = JSON.parse(sibling) as ClabAnnotations
      } catch (e) {
        io.stderr(
          `${path}.annotations.json: warning: not JSON (${(e as Error).message}); positions not read\n`,
        )
      }
    }
  }
  const imported = importContainerlab(text, annotations)
  for (const e of imported.errors) io.stderr(`${file}:${e.line}: error: ${e.message}\n`)
  if (imported.errors.length > 0) return ExitCode.invalid
  for (const n of imported.notes) io.stderr(`${file}:${n.line}: not mapped: ${n.message}\n`)
  const checked = checkLab(imported.lab)
  for (const p of checked.problems) io.stderr(`${formatProblem(p)}\n`)
  if (!checked.lab) return ExitCode.invalid
  io.stdout(saveLab(checked.lab))
  return ExitCode.ok
}
