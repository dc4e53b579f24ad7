// `patchbay explain` and `patchbay check` as a user runs them: exit codes and JSON shapes of docs/cli.md.
import { describe, expect, it } from 'vitest'
import { runCli } from '../../support/cli.ts'
import { scenarioPath } from '../../support/scenarios.ts'

describe('patchbay explain', () => {
  it('exits 0 with the hops when A reaches B', async () => {
    const r = await runCli(['explain', scenarioPath('multi-host-vlan.yaml'), 'h1a', 'h2a:eth1', '--json'])
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out).toMatchObject({ from: 'h1a:eth1', to: 'h2a:eth1', reachable: true, blockedAt: null })
    expect(out.hops).toContainEqual({ node: 'ovs1', port: 'ovs1~ovs2', vlan: 100 })
  })

  it('exits 1 and names both VLANs when not reachable', async () => {
    const r = await runCli(['explain', scenarioPath('single-host-vlan.yaml'), 'test3', 'test1'])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('NOT reachable: test1:eth1 is in VLAN 100, test3:eth1 in VLAN 200')
  })

  it('exits 2 naming the argument that is no guest', async () => {
    const r = await runCli(['explain', scenarioPath('single-host-vlan.yaml'), 'test1', 'test9'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('B "test9": no node "test9" in the lab')
    expect(r.stdout).toBe('')
  })
})

const exercise = (name: string) => scenarioPath(`exercises/${name}`)

describe('patchbay check on the shipped exercises (from the drawing)', () => {
  it.each([
    ['1-build-single-host-vlan', 'reach test1 test2', 'test1 has no link to a bridge yet'],
    ['2-extend-over-trunk', 'trunk ovs1~ovs2 carries 100, 200', 'no wire joins ovs1 and ovs2'],
    ['3-fix-broken-trunk', 'reach h1b h2b', 'the trunk ovs1~ovs2 does not carry VLAN 200 (it carries 100)'],
    ['4-native-mismatch', 'reach h1a h2a', 'native VLAN mismatch on the wire ovs1~ovs2: frames of VLAN 100'],
  ])('%s fails with a why, and its solved variant passes', async (name, goal, why) => {
    const failed = await runCli(['check', exercise(`${name}.yaml`), '--json'])
    expect(failed.code).toBe(1)
    const out = JSON.parse(failed.stdout)
    expect(out.ok).toBe(false)
    expect(out.gradedFrom).toBe('drawing')
    expect(out.goals.find((g: { goal: string }) => g.goal === goal)).toMatchObject({ ok: false })
    expect(out.goals.find((g: { goal: string }) => g.goal === goal).why).toContain(why)
    const solved = await runCli(['check', exercise(`${name}.solved.yaml`), '--json'])
    expect(solved.code).toBe(0)
    expect(JSON.parse(solved.stdout).goals.every((g: { ok: boolean }) => g.ok)).toBe(true)
  })

  it('refuses a goal naming an unknown node, with field and line', async () => {
    const lab = `patchbay: 1
name: x
nodes:
  s: { kind: ovs-bridge }
  a: { kind: netns }
links:
  - { guest: a, to: s }
exercise:
  title: t
  goals:
    - { reach: [a, nobody] }
    - { trunk: s~ghost, carries: [10] }
    - { wander: 1 }
`
    const r = await runCli(['check', '-'], lab)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('<stdin>:13:7: error: exercise.goals[2]: a goal is {reach: [A, B]}')
    const shapeOk = lab.replace('    - { wander: 1 }\n', '')
    const r2 = await runCli(['check', '-'], shapeOk)
    expect(r2.code).toBe(2)
    expect(r2.stderr).toMatch(/:11:\d+: error: exercise\.goals\[0\]\.reach\[1\]: unknown node "nobody"/)
    expect(r2.stderr).toMatch(
      /:12:\d+: error: exercise\.goals\[1\]\.trunk: unknown node "ghost" in trunk s~ghost/,
    )
  })

  it('says so when the lab has no exercise', async () => {
    const r = await runCli(['check', scenarioPath('single-host-vlan.yaml')])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('has no exercise')
  })
})
