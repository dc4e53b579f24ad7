// Scenario labs under a test's unique prefix: every node, the lab name and the marks it leads to are
// the test's own, so a run never meets a user's objects or another run's leftovers.
import { loadLab } from '../../../shared/lab/load.ts'
import type { Lab, LabLink } from '../../../shared/lab/schema.ts'
import { readScenario } from '../../support/scenarios.ts'

export function prefixLab(lab: Lab, prefix: string): Lab {
  const p = (name: string) => `${prefix}${name}`
  const links = (lab.links ?? []).map((link): LabLink => {
    if ('guest' in link) return { ...link, guest: p(link.guest), to: p(link.to) }
    return { ...link, between: [p(link.between[0]), p(link.between[1])] }
  })
  return {
    ...lab,
    name: `${prefix}-${lab.name}`.slice(0, 32).replace(/-+$/, ''),
    nodes: Object.fromEntries(Object.entries(lab.nodes).map(([name, node]) => [p(name), node])),
    links,
    ...(lab.layout ? { layout: {} } : {}),
  }
}

export function scenarioLab(file: string, prefix: string): Lab {
  const loaded = loadLab(readScenario(file), file)
  if (!loaded.lab) throw new Error(`scenario ${file} does not load`)
  return prefixLab(loaded.lab, prefix)
}
