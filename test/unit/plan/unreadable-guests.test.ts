// A guest whose state could not be read (Docker not answering, a namespace ip cannot enter or whose
// reply does not parse): nothing is planned for it, every other part of the lab is, and the
// problem names the guest and says why.
import { describe, expect, it } from 'vitest'
import { loadLab } from '../../../shared/lab/load.ts'
import type { Lab } from '../../../shared/lab/schema.ts'
import type { ObservedGuest, ObservedHost } from '../../../shared/plan/observed.ts'
import { planDestroy, planLab } from '../../../shared/plan/plan.ts'
import { emptyHost } from './fixtures.ts'

const lab: Lab = loadLab(
  [
    'patchbay: 1',
    'name: mixed',
    'nodes:',
    '  br: { kind: linux-bridge }',
    '  n1: { kind: netns }',
    '  n2: { kind: netns }',
    '  c1: { kind: container, image: "labbox:latest" }',
    'links:',
    '  - { guest: n1, to: br, ip: 10.0.0.1/24 }',
    '  - { guest: n2, to: br, ip: 10.0.0.2/24 }',
    '  - { guest: c1, to: br, ip: 10.0.0.3/24 }',
    '',
  ].join('\n'),
).lab!

const dockerDown = 'Docker engine is not reachable at /nowhere/docker.sock: ENOENT'
const unreadable = (
  node: string,
  kind: ObservedGuest['kind'],
  why: string,
  netns = false,
): ObservedGuest => ({
  node,
  kind,
  exists: netns,
  running: netns,
  owned: false,
  netns: netns ? { kind: 'netns', name: node } : null,
  interfaces: [],
  routes: [],
  unreadable: why,
})
const host = (guests: Record<string, ObservedGuest>): { hosts: { local: ObservedHost } } => ({
  hosts: { local: { ...emptyHost(), netns: ['n1', 'n2'], guests } },
})

describe('planning with a guest that could not be read', () => {
  it('Docker down: the container and its link are capability problems; the netns guests are planned', () => {
    const plan = planLab(lab, host({ c1: unreadable('c1', 'container', dockerDown) }))
    expect(plan.problems).toEqual([
      { kind: 'capability', field: 'nodes.c1', message: `container c1: ${dockerDown}` },
      { kind: 'capability', field: 'links[2]', message: `link c1:eth1: ${dockerDown}` },
    ])
    expect(plan.ops.some((op) => op.node === 'c1' || op.linkId === 'c1:eth1')).toBe(false)
    expect(plan.ops.filter((op) => op.action === 'veth.create').map((op) => op.linkId)).toEqual([
      'n1:eth1',
      'n2:eth1',
    ])
  })

  it('a namespace that does not parse is named; nothing is created in it or for it', () => {
    const why = 'the network namespace of n2 could not be read: Bad control character in string literal'
    const plan = planLab(lab, host({ n2: unreadable('n2', 'netns', why, true) }))
    expect(plan.problems).toEqual([
      { kind: 'conflict', field: 'nodes.n2', message: `netns n2: ${why}` },
      { kind: 'conflict', field: 'links[1]', message: `link n2:eth1: ${why}` },
    ])
    expect(plan.ops.some((op) => op.node === 'n2' || op.linkId === 'n2:eth1')).toBe(false)
    expect(plan.ops.some((op) => op.linkId === 'n1:eth1')).toBe(true)
  })

  it('destroy removes nothing while a guest could not be read, and says which', () => {
    const plan = planDestroy(lab, host({ c1: unreadable('c1', 'container', dockerDown) }))
    expect(plan.problems).toEqual([
      { kind: 'capability', field: 'nodes.c1', message: `container c1: ${dockerDown}` },
    ])
  })
})
