// Where the broadcast domains on the machine disagree with the drawn ones: interfaces drawn in one
// domain but apart on the machine, interfaces joined there that the drawing keeps apart, an
// interface in another VLAN than drawn, and interfaces missing on either side. One sentence each.
import type { DomainAnalysis } from './domains.ts'

export interface DomainDisagreement {
  readonly kind: 'split' | 'joined' | 'vlan' | 'missing' | 'extra'
  /** `node:ifname` of the interfaces concerned. */
  readonly members: readonly string[]
  readonly message: string
}

const vlanWords = (v: number | null) => (v === null ? 'untagged' : `VLAN ${v}`)

export function compareDomains(drawn: DomainAnalysis, observed: DomainAnalysis): DomainDisagreement[] {
  const out: DomainDisagreement[] = []
  const drawnById = new Map(drawn.domains.map((d) => [d.id, d]))
  const seenById = new Map(observed.domains.map((d) => [d.id, d]))
  for (const d of drawn.domains) {
    const missing = d.members.filter((m) => !observed.domainOf.has(m))
    if (missing.length > 0)
      out.push({
        kind: 'missing',
        members: missing,
        message: `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} drawn in ${d.id} but not on the machine`,
      })
    const groups = groupBy(
      d.members.filter((m) => observed.domainOf.has(m)),
      (m) => observed.domainOf.get(m)!,
    )
    if (groups.size > 1)
      out.push({
        kind: 'split',
        members: [...groups.values()].flat(),
        message: `drawn together in ${d.id}, apart on the machine: ${[...groups]
          .map(([id, ms]) => `${ms.join(', ')} in ${id}`)
          .join('; ')}`,
      })
  }
  for (const o of observed.domains) {
    const extra = o.members.filter((m) => !drawn.domainOf.has(m))
    if (extra.length > 0)
      out.push({
        kind: 'extra',
        members: extra,
        message: `${extra.join(', ')} ${extra.length === 1 ? 'is' : 'are'} on the machine in ${o.id} but not drawn`,
      })
    const groups = groupBy(
      o.members.filter((m) => drawn.domainOf.has(m)),
      (m) => drawn.domainOf.get(m)!,
    )
    if (groups.size > 1)
      out.push({
        kind: 'joined',
        members: [...groups.values()].flat(),
        message: `on the machine ${o.id} joins ${[...groups]
          .map(([id, ms]) => `${ms.join(', ')} (drawn in ${id})`)
          .join(' and ')}`,
      })
  }
  // An interface whose domain keeps its company but not its VLAN (a lone port re-tagged).
  for (const [member, drawnId] of drawn.domainOf) {
    const seenId = observed.domainOf.get(member)
    const was = drawnById.get(drawnId)?.vlan ?? null
    const is = seenId ? (seenById.get(seenId)?.vlan ?? null) : null
    if (seenId && was !== null && is !== null && was !== is)
      out.push({
        kind: 'vlan',
        members: [member],
        message: `${member} is in ${vlanWords(is)} on the machine, ${vlanWords(was)} in the drawing`,
      })
  }
  return out
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const list = groups.get(k)
    if (list) list.push(item)
    else groups.set(k, [item])
  }
  return groups
}
