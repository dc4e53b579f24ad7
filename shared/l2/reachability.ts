// What `verify` expects: two guest interfaces reach each other when they share a broadcast domain
// and a subnet. Pairs that share a subnet across domains are listed too, expected unreachable: that
// is how VLAN isolation is shown. A bridge's own address (the host on the LAN) is a target too.
import type { Cidr } from '../lab/addresses.ts'
import type { DomainAnalysis } from './domains.ts'

export interface ExpectedPair {
  /** `guest:ifname` */
  readonly from: string
  /** `guest:ifname`, or the bridge's node name for the host's own address on it. */
  readonly to: string
  /** Address to ping on `to` (the first one in a subnet `from` shares). */
  readonly address: string
  readonly subnet: string
  readonly expected: boolean
}

interface Target {
  readonly name: string
  readonly domain: string | undefined
  readonly addresses: readonly Cidr[]
}

export function expectedPairs(
  analysis: Pick<DomainAnalysis, 'members' | 'domainOf' | 'domains'>,
): ExpectedPair[] {
  const members = [...analysis.members.values()].sort((a, b) => (a.name < b.name ? -1 : 1))
  const targets: Target[] = [
    ...members.map((m) => ({ name: m.name, domain: analysis.domainOf.get(m.name), addresses: m.addresses })),
    ...analysis.domains.flatMap((d) =>
      d.hostAddresses.map((h) => ({ name: h.node, domain: d.id, addresses: [h.address] })),
    ),
  ]
  const pairs: ExpectedPair[] = []
  for (const from of members) {
    const fromDomain = analysis.domainOf.get(from.name)
    for (const to of targets) {
      if (to.name === from.name) continue
      const shared = to.addresses.find((t) => from.addresses.some((f) => f.subnet === t.subnet))
      if (!shared) continue
      pairs.push({
        from: from.name,
        to: to.name,
        address: shared.address,
        subnet: shared.subnet,
        expected: fromDomain === to.domain,
      })
    }
  }
  return pairs
}
