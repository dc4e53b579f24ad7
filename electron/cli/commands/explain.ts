import type { ExplainReply } from '../../../shared/api/contract.ts'
import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { printable } from '../../../shared/plan/shell-words.ts'
import { engineService, exitCodeOf, offlineService } from '../../core/service.ts'
import { machineEngine } from '../engine-input.ts'
import type { CliIo } from '../io.ts'
import { loadLabArg, printProblems } from '../lab-input.ts'

/**
 * `patchbay explain LAB A B`: the L2 path from A to B, or the hop that blocks it; from the drawing
 * (no root), or with --observed from the machine, beside the drawing's answer. The service's explainLab.
 */
export async function explainCommand(
  io: CliIo,
  path: string,
  from: string,
  to: string,
  options: { json?: boolean; observed?: boolean },
): Promise<ExitCode> {
  const loaded = await loadLabArg(io, path)
  if (!loaded.lab) {
    printProblems(io, loaded.problems)
    return ExitCode.invalid
  }
  let service = offlineService('explain from the drawing needs no engine')
  if (options.observed) {
    const engine = machineEngine(io, 'explain --observed', 'look')
    if (typeof engine === 'number') return engine
    service = engineService(engine)
  }
  const outcome = await service.call('explainLab', {
    lab: loaded.lab,
    from,
    to,
    observed: options.observed === true,
  })
  if (!outcome.ok) {
    io.stderr(`patchbay explain: ${printable(outcome.failure.error)}\n`)
    return exitCodeOf(outcome.failure.kind)
  }
  const answer = outcome.reply as ExplainReply
  if (options.json) io.stdout(`${JSON.stringify(answer)}\n`)
  else {
    if (answer.explainedFrom === 'machine')
      io.stdout('from the machine (the lab as the kernel and OVS hold it):\n')
    for (const hop of answer.hops) {
      io.stdout(
        `  ${printable(hop.node)}  ${printable(hop.port)}  ${hop.vlan === null ? 'untagged' : `VLAN ${hop.vlan}`}\n`,
      )
    }
    io.stdout(`${answer.reachable ? 'reachable' : 'NOT reachable'}: ${printable(answer.why)}\n`)
    if (answer.drawing && answer.disagrees)
      io.stdout(
        `the drawing disagrees: ${answer.drawing.reachable ? 'reachable' : 'NOT reachable'}: ${printable(answer.drawing.why)}\n`,
      )
    else if (answer.drawing) io.stdout('the drawing agrees\n')
  }
  return answer.reachable ? ExitCode.ok : ExitCode.differs
}
