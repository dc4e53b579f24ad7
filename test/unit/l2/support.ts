import { broadcastDomains } from '../../../shared/l2/domains.ts'
import { checkLab } from '../../../shared/lab/check.ts'
import { formatProblem } from '../../../shared/lab/problem.ts'
import type { Lab } from '../../../shared/lab/schema.ts'

/** A lab from its nodes and links, checked like a file would be; throws on an error. */
export function lab(nodes: Lab['nodes'], links: NonNullable<Lab['links']>, extra: Partial<Lab> = {}): Lab {
  const checked = checkLab({ patchbay: 1, name: 'test', nodes, links, ...extra })
  const errors = checked.problems.filter((p) => p.severity === 'error')
  if (!checked.lab) throw new Error(`test lab is invalid:\n${errors.map(formatProblem).join('\n')}`)
  return checked.lab
}

/** Domains as `vlan: members` strings, sorted: easy to read in an assertion. */
export function domainsOf(l: Lab): string[] {
  return broadcastDomains(l)
    .domains.map((d) => `${d.vlan ?? '-'}: ${d.members.join(' ')}`)
    .sort()
}

export const warningsOf = (l: Lab): string[] =>
  broadcastDomains(l)
    .problems.filter((p) => p.severity === 'warning')
    .map((p) => p.message)
