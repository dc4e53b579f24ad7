import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadLab } from '../../../shared/lab/load.ts'
import { formatProblem } from '../../../shared/lab/problem.ts'
import { readScenario, scenariosDir } from '../../support/scenarios.ts'

describe('loading lab files', () => {
  const scenarios = readdirSync(scenariosDir).filter((f) => f.endsWith('.yaml'))

  it('finds the scenario labs', () => {
    expect(scenarios).toEqual(
      expect.arrayContaining(['single-host-vlan.yaml', 'multi-host-vlan.yaml', 'linux-bridge-lan.yaml']),
    )
  })

  it.each(scenarios)('accepts the scenario %s with no error', (name) => {
    const loaded = loadLab(readScenario(name), name)
    expect(loaded.problems.filter((p) => p.severity === 'error').map(formatProblem)).toEqual([])
    expect(loaded.lab?.patchbay).toBe(1)
  })

  it('reads every node and link of the multi-host scenario', () => {
    const { lab } = loadLab(readScenario('multi-host-vlan.yaml'))
    expect(Object.keys(lab!.hosts!)).toEqual(['host1', 'host2'])
    expect(lab!.nodes.h2b).toEqual({ kind: 'netns', host: 'host2' })
    expect(lab!.links).toHaveLength(5)
    expect(lab!.links![4]).toEqual({ between: ['ovs1', 'ovs2'], trunk: [100, 200] })
  })

  it('reports every problem of a file, each at its own line and field', () => {
    const text = [
      'patchbay: 1', // 1
      'name: many-mistakes', // 2
      'nodes:', // 3
      '  ovs0: { kind: ovs-bridge }', // 4
      '  c1: { kind: container }', // 5
      '  c2: { kind: contianer }', // 6
      'links:', // 7
      '  - { guest: c1, to: ovs0, vlan: 0 }', // 8
      '  - { guest: c1, to: ovs9, ifname: eth2 }', // 9
      '  - guest: c1', // 10
      '    to: ovs0', // 11
      '    ifname: eth3', // 12
      '    ip: 10.0.0.1/24', // 13
      '    gateway: 10.9.9.9', // 14
    ].join('\n')
    const { lab, problems } = loadLab(text, 'many.yaml')
    expect(lab).toBeNull()
    expect(problems.map((p) => [p.line, p.severity, formatProblem(p)])).toEqual([
      [6, 'error', expect.stringContaining('many.yaml:6:15: error: nodes.c2.kind: kind must be one of')],
      [8, 'error', 'many.yaml:8:34: error: links[0].vlan: VLAN 0 is outside 1-4094'],
      [9, 'error', 'many.yaml:9:22: error: links[1].to: unknown node "ovs9"'],
      [14, 'error', 'many.yaml:14:14: error: links[2].gateway: gateway 10.9.9.9 is outside 10.0.0.0/24'],
    ])
  })

  it('points at the key for a bad node name', () => {
    const { problems } = loadLab(
      'patchbay: 1\nname: x\nnodes:\n  ok: { kind: netns }\n  -bad: { kind: netns }\n',
    )
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatchObject({ line: 5, column: 3, path: ['nodes', '-bad'] })
    expect(problems[0]!.message).toContain('starts with "-"')
  })

  it('keeps warnings but still returns the lab', () => {
    const { lab, problems } = loadLab(readScenario('single-host-vlan.yaml'))
    expect(lab).not.toBeNull()
    expect(problems.map((p) => p.severity)).toEqual(['warning'])
    expect(problems[0]!.message).toContain('10.0.0.0/24 is split over 2 broadcast domains')
  })
})
