// The document's check is computed once per content: moving nodes keeps the same problems and
// domains (the same arrays, so nothing drawn from them redraws), any other edit checks again.
import { describe, expect, it } from 'vitest'
import { checkedLab, labDomains } from '../../../renderer/document/checked.ts'
import { moveNodes, paintVlan } from '../../../renderer/document/commands.ts'
import { loadLab } from '../../../shared/lab/load.ts'
import { readScenario } from '../../support/scenarios.ts'

describe('the document check', () => {
  const file = loadLab(readScenario('three-hosts.yaml')).lab!
  const lab = moveNodes(
    file,
    Object.fromEntries(Object.keys(file.nodes).map((n, i) => [n, { x: i * 200, y: 0 }])),
  )

  it('is the same while only positions change, with this lab’s positions', () => {
    const first = checkedLab(lab)
    const domains = labDomains(lab)
    const moved = moveNodes(lab, { web1: { x: 500, y: 700 } })
    expect(moved).not.toBe(lab)
    expect(checkedLab(moved).problems).toBe(first.problems)
    expect(labDomains(moved)).toBe(domains)
    expect(checkedLab(moved).lab!.layout!.web1).toEqual({ x: 500, y: 700 })
  })

  it('checks again when the content changes', () => {
    const domains = labDomains(lab)
    const painted = paintVlan(lab, 'web2:eth1', 20)!
    const vlanOf = (d: typeof domains, member: string) => d.find((x) => x.members.includes(member))?.vlan
    expect(vlanOf(domains, 'web2:eth1')).toBe(10)
    expect(vlanOf(labDomains(painted), 'web2:eth1')).toBe(20)
    // A position for a node that does not exist is a warning: the layout's names are content.
    const stray = { ...lab, layout: { ...lab.layout, nosuch: { x: 1, y: 1 } } }
    expect(checkedLab(stray).problems.map((p) => p.path.join('.'))).toContain('layout.nosuch')
    expect(checkedLab(lab).problems.map((p) => p.path.join('.'))).not.toContain('layout.nosuch')
  })
})
