import type { ApplyReply } from '../../../shared/api/contract.ts'
import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { applyReply } from '../../core/apply-reply.ts'
import type { ApplyOutcome } from '../../core/engine.ts'
import { labOrExit, machineEngine, opLine, printPlanProblems, problemsExitCode } from '../engine-input.ts'
import type { CliIo } from '../io.ts'

type Options = { json?: boolean }

export async function applyCommand(io: CliIo, path: string, options: Options): Promise<ExitCode> {
  return run(io, path, options, 'apply')
}

export async function destroyCommand(io: CliIo, path: string, options: Options): Promise<ExitCode> {
  return run(io, path, options, 'destroy')
}

async function run(io: CliIo, path: string, options: Options, verb: 'apply' | 'destroy'): Promise<ExitCode> {
  const lab = await labOrExit(io, path)
  if (typeof lab === 'number') return lab
  const engine = machineEngine(io, verb, 'change')
  if (typeof engine === 'number') return engine
  const started = performance.now()
  const progress = options.json
    ? undefined
    : (op: Parameters<typeof opLine>[0]) => io.stdout(`  done  ${opLine(op)}\n`)
  const outcome: ApplyOutcome =
    verb === 'apply' ? await engine.apply(lab, progress) : await engine.destroy(lab, progress)
  const ms = Math.round(performance.now() - started)
  const { plan, result, recovered } = outcome
  if (recovered && !options.json) {
    io.stderr(`${lab.name}: an earlier run was interrupted; undid ${recovered.undone} of its steps first\n`)
  }
  if (options.json) {
    const reply: ApplyReply = applyReply(lab.name, outcome, ms)
    io.stdout(`${JSON.stringify(reply)}\n`)
  } else {
    printPlanProblems(io, plan.problems)
    if (result?.ok) {
      io.stdout(
        plan.ops.length === 0
          ? `${lab.name}: in sync, nothing to do (${ms} ms)\n`
          : `${lab.name}: ${verb} done, ${plan.ops.length} ops in ${ms} ms\n`,
      )
    } else if (result?.failed) {
      io.stderr(`${lab.name}: ${verb} failed at ${result.failed.op.id}: ${result.failed.error}\n`)
      io.stderr(
        `rolled back ${result.rolledBack.length} of ${result.done.length} done ops${result.rollbackErrors.length ? `; could not undo: ${result.rollbackErrors.join('; ')}` : ''}\n`,
      )
    }
  }
  if (!result) return problemsExitCode(plan.problems)
  return result.ok ? ExitCode.ok : ExitCode.differs
}
