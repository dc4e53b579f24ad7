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
