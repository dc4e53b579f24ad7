import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { broadcastDomains } from '../../../shared/l2/domains.ts'
import { explain, GuestNameError, resolveGuest } from '../../../shared/l2/explain.ts'
import type { CliIo } from '../io.ts'
import { loadLabArg, printProblems } from '../lab-input.ts'

/** `patchbay explain LAB A B`: the L2 path from A to B in the drawing, or the hop that blocks it. */
export async function explainCommand(
  io: CliIo,
  path: string,
  from: string,
  to: string,
  options: { json?: boolean },
): Promise<ExitCode> {
  const loaded = await loadLabArg(io, path)
  if (!loaded.lab) {
    printProblems(io, loaded.problems)
    return ExitCode.invalid
  }
  const analysis = broadcastDomains(loaded.lab)
  for (const [which, name] of [
    ['A', from],
    ['B', to],
  ] as const) {
    try {
      resolveGuest(loaded.lab, analysis, name)
    } catch (e) {
      if (!(e instanceof GuestNameError)) throw e
      io.stderr(`patchbay explain: ${which} ${JSON.stringify(name)}: ${e.message}\n`)
      return ExitCode.invalid
    }
  }
  const answer = explain(loaded.lab, from, to, analysis)
  if (options.json) io.stdout(`${JSON.stringify(answer)}\n`)
  else {
    for (const hop of answer.hops) {
      io.stdout(`  ${hop.node}  ${hop.port}  ${hop.vlan === null ? 'untagged' : `VLAN ${hop.vlan}`}\n`)
    }
    io.stdout(`${answer.reachable ? 'reachable' : 'NOT reachable'}: ${answer.why}\n`)
  }
  return answer.reachable ? ExitCode.ok : ExitCode.differs
}
