import type { ApiCall, ApiReply, ApiRequest, OpReply } from '../../shared/api/contract.ts'
import { ExitCode } from '../../shared/api/exit-codes.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import type { PlanProblem } from '../../shared/plan/context.ts'
import { execArgv, type Op } from '../../shared/plan/op.ts'
import { printable, shellLine } from '../../shared/plan/shell-words.ts'
import { createEngine } from '../core/create-engine.ts'
import type { Engine } from '../core/engine.ts'
import { probeWithoutChanging } from '../core/observe/capabilities.ts'
import { engineService, exitCodeOf, failureOf, type Service } from '../core/service.ts'
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

/**
 * Runs a command's work on the application service, as serve and the desktop app do (so a lab over
 * machines goes to its machines), and lets go of what the service held (their ssh links) after. A
 * failed call is printed as `patchbay COMMAND: why` and ends with its kind's exit code.
 */
export async function withService<T>(
  io: CliIo,
  command: string,
  engine: Engine,
  work: (service: Service) => Promise<T>,
): Promise<T | ExitCode> {
  const service = engineService(engine)
  try {
    return await work(service)
  } catch (e) {
    const failure = failureOf(e)
    io.stderr(`patchbay ${command}: ${printable(failure.error)}\n`)
    for (const p of failure.problems ?? []) io.stderr(`  ${p.field}: ${printable(p.message)}\n`)
    return exitCodeOf(failure.kind)
  } finally {
    service.close()
  }
}

/** One call of the service for a command (withService). */
export const serviceCall = <C extends ApiCall>(
  io: CliIo,
  command: string,
  engine: Engine,
  call: C,
  request: ApiRequest<C>,
): Promise<ApiReply<C> | ExitCode> =>
  withService(io, command, engine, (service) =>
    (service.calls[call] as (r: ApiRequest<C>) => Promise<ApiReply<C>>)(request),
  )

/** An op of a service reply for a person, as opLine says an op of the engine. */
export const opReplyLine = (op: OpReply): string => `${shellLine(op.argv)}    # ${printable(op.why)}`
