import type { DomainsReply } from '../../../shared/api/contract.ts'
import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { domainsReply } from '../../../shared/api/replies.ts'
import { compareDomains } from '../../../shared/l2/domain-diff.ts'
import { broadcastDomains } from '../../../shared/l2/domains.ts'
import { observedLab } from '../../core/observed-lab.ts'
import { machineEngine } from '../engine-input.ts'
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
  // disagrees with the drawing.
  let lab = loaded.lab
  if (options.observed) {
    const engine = machineEngine(io, 'domains --observed', 'look')
    if (typeof engine === 'number') return engine
    lab = observedLab(loaded.lab, await engine.observe(loaded.lab))
  }
  const analysis = broadcastDomains(lab)
  const disagreements = options.observed ? compareDomains(broadcastDomains(loaded.lab), analysis) : null
  const { domains } = analysis
  if (options.json) {
    const reply: DomainsReply = {
      ...domainsReply(analysis, loaded.problems),
      ...(disagreements
        ? { disagreements: disagreements.map((d) => ({ ...d, members: [...d.members] })) }
        : {}),
    }
    io.stdout(`${JSON.stringify(reply)}\n`)
    return ExitCode.ok
  }
  printProblems(io, loaded.problems)
  for (const d of domains) {
    const vlan = d.vlan === null ? 'untagged' : `VLAN ${d.vlan}`
    const hosts = d.hostAddresses.map((h) => `${h.node} ${h.address.text}`)
    io.stdout(`${d.id}  (${vlan}, via ${d.bridges.join(', ')})\n`)
    for (const m of [...d.members, ...hosts]) io.stdout(`  ${m}\n`)
  }
  if (disagreements?.length === 0) io.stdout('the machine agrees with the drawing\n')
  else if (disagreements) {
    io.stdout('where the machine disagrees with the drawing:\n')
    for (const d of disagreements) io.stdout(`  ${d.message}\n`)
  }
  return ExitCode.ok
}
