import type { PlanReply } from '../../../shared/api/contract.ts'
import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { printable } from '../../../shared/plan/shell-words.ts'
import {
  labOrExit,
  machineEngine,
  opReplyLine,
  printPlanProblems,
  problemsExitCode,
  serviceCall,
} from '../engine-input.ts'
import type { CliIo } from '../io.ts'

/** `patchbay plan LAB`: the service's planLab (a lab over machines is planned on each machine). */
export async function planCommand(io: CliIo, path: string, options: { json?: boolean }): Promise<ExitCode> {
  const lab = await labOrExit(io, path)
  if (typeof lab === 'number') return lab
  const engine = machineEngine(io, 'plan', 'look')
  if (typeof engine === 'number') return engine
  const planned = await serviceCall(io, 'plan', engine, 'planLab', { lab })
  if (typeof planned === 'number') return planned
  // The plan's id is for the service's applyPlan; the command prints the plan alone.
  const { planId: _, ...plan } = planned
  if (options.json) {
    const reply: PlanReply = plan
    io.stdout(`${JSON.stringify(reply)}\n`)
  } else {
    printPlanProblems(io, plan.problems)
    if (plan.ops.length === 0 && plan.problems.length === 0)
      io.stdout(`${lab.name}: in sync, nothing to do\n`)
    for (const op of plan.ops) {
      if (op.pipework) io.stdout(`# ${printable(op.pipework)}\n`)
      io.stdout(`${opReplyLine(op)}\n`)
    }
  }
  return plan.problems.length > 0 ? problemsExitCode(plan.problems) : ExitCode.ok
}
