import { ExitCode } from '../../shared/api/exit-codes.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import type { PlanProblem } from '../../shared/plan/context.ts'
import { execArgv, type Op } from '../../shared/plan/op.ts'
import type { CliIo } from './io.ts'
import { loadLabArg, printProblems } from './lab-input.ts'

/** The lab for an engine command, or the exit code after printing why there is none. */
export async function labOrExit(io: CliIo, path: string): Promise<Lab | ExitCode> {
  const loaded = await loadLabArg(io, path)
  if (!loaded.lab) {
    printProblems(io, loaded.problems)
    return ExitCode.invalid
  }
  printProblems(io, loaded.problems) // warnings
  return loaded.lab
}

export const problemsExitCode = (problems: readonly PlanProblem[]): ExitCode =>
  problems.some((p) => p.kind === 'capability') ? ExitCode.capability : ExitCode.differs

export function printPlanProblems(io: CliIo, problems: readonly PlanProblem[]): void {
  for (const p of problems)
    io.stderr(`${p.kind === 'capability' ? 'cannot' : 'conflict'}: ${p.field}: ${p.message}\n`)
}

export const opLine = (op: Op): string => `${execArgv(op.exec).join(' ')}    # ${op.why}`
