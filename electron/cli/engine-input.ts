import { ExitCode } from '../../shared/api/exit-codes.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import type { PlanProblem } from '../../shared/plan/context.ts'
import { execArgv, type Op } from '../../shared/plan/op.ts'
import { printable, shellLine } from '../../shared/plan/shell-words.ts'
import { createEngine } from '../core/create-engine.ts'
import type { Engine } from '../core/engine.ts'
import { probeWithoutChanging } from '../core/observe/capabilities.ts'
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

/**
 * The engine for a command that reads (`look`) or changes (`change`) the machine, or exit 3 after
 * one sentence when this process is not root: namespaces, Open vSwitch and Docker answer only root,
 * and a normal user would otherwise meet the first refusal as a stack trace. A command that looks
 * never changes the machine, not even to find what it can do (capabilities.ts).
 */
export function machineEngine(io: CliIo, command: string, mode: 'look' | 'change'): Engine | ExitCode {
  if (process.geteuid?.() !== 0) {
    io.stderr(
      `patchbay ${command}: ${mode === 'look' ? 'reading' : 'changing'} network namespaces, Open vSwitch and Docker needs root; run it with sudo\n`,
    )
    return ExitCode.capability
  }
  const engine = createEngine()
  if (mode === 'look') probeWithoutChanging(engine.run)
  return engine
}

export const problemsExitCode = (problems: readonly PlanProblem[]): ExitCode =>
  problems.some((p) => p.kind === 'capability') ? ExitCode.capability : ExitCode.differs

export function printPlanProblems(io: CliIo, problems: readonly PlanProblem[]): void {
  for (const p of problems)
    io.stderr(`${p.kind === 'capability' ? 'cannot' : 'conflict'}: ${p.field}: ${printable(p.message)}\n`)
}

/** An op for a person: its command shell-quoted, its reason with any control character escaped. */
export const opLine = (op: Op): string => `${shellLine(execArgv(op.exec))}    # ${printable(op.why)}`
