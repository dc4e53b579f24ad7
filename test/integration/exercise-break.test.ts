// `exercise break` on the real machine: every kind of fault it can inject (a port re-tagged, a VLAN
// pruned from a trunk, a native VLAN changed, a link set down) makes `check` fail, and `apply`
// repairs it; the command itself says only that a fault was injected.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createEngine } from '../../electron/core/create-engine.ts'
import { type FaultKind, possibleFaults } from '../../electron/core/exercise-break.ts'
import { loadLab } from '../../shared/lab/load.ts'
import { appliedLab } from '../support/applied-lab.ts'
import { runCli } from '../support/cli.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs'])

describe.skipIf(skipReason !== null)('patchbay exercise break', () => {
  const p = testPrefix()
  const g = (n: string) => `${p}${n}`
  const { file } = appliedLab(
    p,
    `patchbay: 1
name: ${p}-brk
nodes:
  ${g('s1')}: { kind: ovs-bridge }
  ${g('s2')}: { kind: ovs-bridge }
${['a1', 'b1', 'a2', 'b2', 'a3', 'b3'].map((n) => `  ${g(n)}: { kind: netns }`).join('\n')}
links:
  - { guest: ${g('a1')}, to: ${g('s1')}, ip: 10.83.1.1/24, vlan: 10 }
  - { guest: ${g('b1')}, to: ${g('s2')}, ip: 10.83.1.2/24, vlan: 10 }
  - { guest: ${g('a2')}, to: ${g('s1')}, ip: 10.83.2.1/24, vlan: 20 }
  - { guest: ${g('b2')}, to: ${g('s2')}, ip: 10.83.2.2/24, vlan: 20 }
  - { guest: ${g('a3')}, to: ${g('s1')}, ip: 10.83.3.1/24, vlan: 30 }
  - { guest: ${g('b3')}, to: ${g('s2')}, ip: 10.83.3.2/24, vlan: 30 }
  - { between: [${g('s1')}, ${g('s2')}], trunk: [10, 20], native: 30, ifnames: [${g('t1')}, ${g('t2')}] }
exercise:
  title: three VLANs over one trunk, the third native
  goals:
    - { reach: [${g('a1')}, ${g('b1')}] }
    - { reach: [${g('a2')}, ${g('b2')}] }
    - { reach: [${g('a3')}, ${g('b3')}] }
    - { isolated: [${g('a1')}, ${g('b2')}] }
    - { trunk: "${g('s1')}~${g('s2')}", carries: [10, 20] }
`,
    'lab.yaml',
  )
  const lab = loadLab(readFileSync(file, 'utf8')).lab!
  const engine = createEngine()

  const checkCode = async () => (await runCli(['check', file])).code

  it('the command says a fault was injected and not which; check then fails; apply repairs it', async () => {
    expect(await checkCode()).toBe(0)
    const broke = await runCli(['exercise', 'break', file])
    expect(broke.code, broke.stderr).toBe(0)
    expect(broke.stdout).toContain('one L2 fault was injected')
    expect(broke.stdout).not.toContain('the fault:')
    expect(broke.stdout).not.toMatch(/re-tagged|pruned|native VLAN|set down/)
    expect(await checkCode()).toBe(1)
    expect((await runCli(['apply', file])).code).toBe(0)
    expect(await checkCode()).toBe(0)
  }, 120_000)

  for (const kind of ['retag', 'prune', 'native', 'down'] as FaultKind[]) {
    it(`${kind}: check fails, apply repairs it`, async () => {
      const faults = possibleFaults(lab, await engine.observe(lab), engine.places(lab))
      const fault = faults.find((f) => f.kind === kind)
      expect(fault, `a ${kind} fault among ${faults.map((f) => f.kind).join(', ')}`).toBeDefined()
      // Only on the lab's own devices.
      expect(fault!.device.startsWith(p)).toBe(true)
      await engine.run.run(fault!.argv)
      const failed = await runCli(['check', file, '--json'])
      expect(failed.code, fault!.description).toBe(1)
      expect(JSON.parse(failed.stdout).gradedFrom).toBe('machine')
      expect((await runCli(['apply', file])).code).toBe(0)
      expect(await checkCode(), `after apply repaired: ${fault!.description}`).toBe(0)
    }, 120_000)
  }

  it('--reveal says which', async () => {
    const broke = await runCli(['exercise', 'break', file, '--reveal'])
    expect(broke.stdout).toMatch(/the fault: .*(re-tagged|pruned|native VLAN|set down)/)
    expect((await runCli(['apply', file])).code).toBe(0)
  }, 120_000)
})
