import { type LoadedLab, loadLab } from '../../shared/lab/load.ts'
import { formatProblem, type Problem } from '../../shared/lab/problem.ts'
import { type CliIo, readInput } from './io.ts'

export const printProblems = (io: CliIo, problems: readonly Problem[]): void => {
  for (const p of problems) io.stderr(`${formatProblem(p)}\n`)
}

/** Loads the LAB argument of a command (a file, or - for standard input). */
export async function loadLabArg(io: CliIo, path: string): Promise<LoadedLab> {
  const { text, file } = await readInput(io, path)
  return loadLab(text, file)
}
