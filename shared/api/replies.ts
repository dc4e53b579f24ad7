// Engine and model values in the contract's words: the one place they are turned into replies,
// for the CLI's --json, `serve` and the desktop app alike.
import type { DomainAnalysis } from '../l2/domains.ts'
import { fieldName, type Problem } from '../lab/problem.ts'
import { execArgv, type Op } from '../plan/op.ts'
import type { DomainsReply, OpReply, ProblemReply } from './contract.ts'

export const problemReply = (p: Problem): ProblemReply => ({
  severity: p.severity,
  field: fieldName(p.path),
  message: p.message,
  ...(p.file !== undefined ? { file: p.file } : {}),
  ...(p.line !== undefined ? { line: p.line } : {}),
  ...(p.column !== undefined ? { column: p.column } : {}),
})

/** The JSON form of an op (docs/cli.md: id, action, argv, pipework; more fields may follow). */
export const opReply = (op: Op): OpReply => ({
  id: op.id,
  action: op.action,
  effect: op.effect,
  argv: execArgv(op.exec),
  inverse: op.inverse ? execArgv(op.inverse) : null,
  pipework: op.pipework,
  why: op.why,
  phase: op.phase,
  host: op.host,
  ...(op.linkId !== undefined ? { linkId: op.linkId } : {}),
  ...(op.implies !== undefined ? { implies: op.implies } : {}),
  ...(op.node !== undefined ? { node: op.node } : {}),
})

export const domainsReply = (
  analysis: Pick<DomainAnalysis, 'domains'>,
  problems: readonly Problem[],
): DomainsReply => ({
  domains: analysis.domains.map((d) => ({
    id: d.id,
    vlan: d.vlan,
    members: [...d.members],
    bridges: [...d.bridges],
    hostAddresses: d.hostAddresses.map((h) => ({ node: h.node, address: h.address.text })),
  })),
  problems: problems.map(problemReply),
})
