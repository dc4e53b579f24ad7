import type { PlanReply } from '../../../shared/api/contract.ts'
import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { opReply } from '../../../shared/api/replies.ts'
import { printable } from '../../../shared/plan/shell-words.ts'
import { labOrExit, machineEngine, opLine, printPlanProblems, problemsExitCode } from '../engine-input.ts'
import type { CliIo } from '../io.ts'

export async function planCommand(io: CliIo, path: string, options: { json?: boolean }): Promise<ExitCode> {
  const lab = await labOrExit(io, path)
  if (typeof lab === 'number') return lab
  const engine = machineEngine(io, 'plan', 'look')
  if (typeof engine === 'number') return engine
  const plan = await engine.plan(lab)
  if (options.json) {
    const reply: PlanReply = { lab: lab.name, ops: plan.ops.map(opReply), problems: [...plan.problems] }
    io.stdout(`${JSON.stringify(reply)}\n`)
  } else {
    printPlanProblems(io, plan.problems)
    if (plan.ops.length === 0 && plan.problems.length === 0)
      io.stdout(`${lab.name}: in sync, nothing to do\n`)
    for (const op of plan.ops) {
      if (op.pipework) io.stdout(`# ${printable(op.pipework)}\n`)
      io.stdout(`${opLine(op)}\n`)
    }
  }
  return plan.problems.length > 0 ? problemsExitCode(plan.problems) : ExitCode.ok
}
