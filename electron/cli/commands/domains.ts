import type { DomainsReply } from '../../../shared/api/contract.ts'
import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { domainsReply, problemReply } from '../../../shared/api/replies.ts'
import { broadcastDomains } from '../../../shared/l2/domains.ts'
import { machineEngine, serviceCall } from '../engine-input.ts'
import type { CliIo } from '../io.ts'
import { loadLabArg, printProblems } from '../lab-input.ts'

export async function domainsCommand(
  io: CliIo,
  path: string,
  options: { json?: boolean; observed?: boolean },
): Promise<ExitCode> {
  const loaded = await loadLabArg(io, path)
  if (!loaded.lab) {
    printProblems(io, loaded.problems)
    return ExitCode.invalid
  }
  // --observed: the same computation over the lab as the kernel and OVS have it, and where it
  // disagrees with the drawing; the service's call, so a lab over machines is read on each machine.
  let reply: DomainsReply
  if (options.observed) {
    const engine = machineEngine(io, 'domains --observed', 'look')
    if (typeof engine === 'number') return engine
    const observed = await serviceCall(io, 'domains --observed', engine, 'domains', {
      lab: loaded.lab,
      observed: true,
    })
    if (typeof observed === 'number') return observed
    // The problems said are the file's own, as without --observed.
    reply = { ...observed, problems: loaded.problems.map(problemReply) }
  } else reply = domainsReply(broadcastDomains(loaded.lab), loaded.problems)
  if (options.json) {
    io.stdout(`${JSON.stringify(reply)}\n`)
    return ExitCode.ok
  }
  printProblems(io, loaded.problems)
  for (const d of reply.domains) {
    const vlan = d.vlan === null ? 'untagged' : `VLAN ${d.vlan}`
    const hosts = d.hostAddresses.map((h) => `${h.node} ${h.address}`)
    io.stdout(`${d.id}  (${vlan}, via ${d.bridges.join(', ')})\n`)
    for (const m of [...d.members, ...hosts]) io.stdout(`  ${m}\n`)
  }
  const { disagreements } = reply
  if (disagreements?.length === 0) io.stdout('the machine agrees with the drawing\n')
  else if (disagreements) {
    io.stdout('where the machine disagrees with the drawing:\n')
    for (const d of disagreements) io.stdout(`  ${d.message}\n`)
  }
  return ExitCode.ok
}
