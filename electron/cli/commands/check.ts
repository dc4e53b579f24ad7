import type { CheckReply } from '../../../shared/api/contract.ts'
import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { exitCodeOf, offlineService } from '../../core/service.ts'
import { machineEngine, serviceCall } from '../engine-input.ts'
import type { CliIo } from '../io.ts'
import { loadLabArg, printProblems } from '../lab-input.ts'

/**
 * `patchbay check LAB`: the service's checkLab. As root with the lab applied, the goals are graded
 * against the lab as the kernel and OVS have it (the path of `domains --observed`); otherwise from
 * the drawing, and it says so.
 */
export async function checkCommand(io: CliIo, path: string, options: { json?: boolean }): Promise<ExitCode> {
  const loaded = await loadLabArg(io, path)
  if (!loaded.lab) {
    printProblems(io, loaded.problems)
    return ExitCode.invalid
  }
  const lab = loaded.lab
  if (!lab.exercise) {
    io.stderr(`patchbay check: ${path} has no exercise: block to check\n`)
    return ExitCode.invalid
  }
  let reply: CheckReply | ExitCode
  if (process.geteuid?.() === 0) {
    const engine = machineEngine(io, 'check', 'look')
    if (typeof engine === 'number') return engine
    reply = await serviceCall(io, 'check', engine, 'checkLab', { lab, observed: true })
  } else {
    const outcome = await offlineService('not root').call('checkLab', { lab, observed: true })
    if (!outcome.ok) {
      io.stderr(`patchbay check: ${outcome.failure.error}\n`)
      return exitCodeOf(outcome.failure.kind)
    }
    reply = outcome.reply as CheckReply
  }
  if (typeof reply === 'number') return reply
  if (options.json) {
    io.stdout(`${JSON.stringify({ ok: reply.ok, gradedFrom: reply.gradedFrom, goals: reply.goals })}\n`)
  } else {
    printProblems(io, loaded.problems)
    io.stdout(`${lab.exercise.title}: ${reply.note}\n`)
    for (const g of reply.goals) io.stdout(`  ${g.ok ? 'met    ' : 'NOT met'}  ${g.goal}: ${g.why}\n`)
    io.stdout(reply.ok ? 'all goals met\n' : `${reply.goals.filter((g) => !g.ok).length} goal(s) not met\n`)
  }
  return reply.ok ? ExitCode.ok : ExitCode.differs
}
