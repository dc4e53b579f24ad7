// Observed domains beside the drawn ones: each way they can disagree gives its sentence, and a
// machine that matches the drawing gives none.
import { describe, expect, it } from 'vitest'
import { compareDomains } from '../../../shared/l2/domain-diff.ts'
import { broadcastDomains } from '../../../shared/l2/domains.ts'
import { loadLab } from '../../../shared/lab/load.ts'
import type { Lab } from '../../../shared/lab/schema.ts'
import { readScenario } from '../../support/scenarios.ts'

const drawn = loadLab(readScenario('single-host-vlan.yaml')).lab!
const withLinks = (links: Lab['links']): Lab => ({ ...drawn, links })
const diff = (machine: Lab) => compareDomains(broadcastDomains(drawn), broadcastDomains(machine))

describe('compareDomains', () => {
  it('finds nothing when the machine is the drawing', () => {
    expect(diff(drawn)).toEqual([])
  })

  it('says a re-tagged port splits its drawn domain, joins another, and changed VLAN', () => {
    const links = drawn.links!.map((l) => ('guest' in l && l.guest === 'test2' ? { ...l, vlan: 200 } : l))
    const found = diff(withLinks(links))
    expect(found.map((d) => d.kind).sort()).toEqual(['joined', 'split', 'vlan'])
    expect(found.find((d) => d.kind === 'vlan')?.message).toBe(
      'test2:eth1 is in VLAN 200 on the machine, VLAN 100 in the drawing',
    )
    expect(found.find((d) => d.kind === 'split')?.message).toBe(
      'drawn together in ovs0/100, apart on the machine: test1:eth1 in ovs0/100; test2:eth1 in ovs0/200',
    )
  })

  it('says which interfaces are missing on the machine', () => {
    const found = diff(withLinks(drawn.links!.filter((l) => !('guest' in l && l.guest === 'test4'))))
    expect(found).toEqual([
      {
        kind: 'missing',
        members: ['test4:eth1'],
        message: 'test4:eth1 is drawn in ovs0/200 but not on the machine',
      },
    ])
  })
})
