// `patchbay check` on the real machine: an applied exercise lab is graded from what the kernel and
// OVS hold, so a port re-tagged by hand fails the reach goal, naming the VLAN.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../support/cli.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { sweep } from './support/machine.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs'])

describe.skipIf(skipReason !== null)('patchbay check against the applied lab', () => {
  const p = testPrefix()
  const dir = mkdtempSync(join(tmpdir(), 'pb-check-'))
  const file = join(dir, 'lab.yaml')
  writeFileSync(
    file,
    `patchbay: 1
name: ${p}-ex
nodes:
  ${p}s: { kind: ovs-bridge }
  ${p}a: { kind: netns }
  ${p}b: { kind: netns }
links:
  - { guest: ${p}a, to: ${p}s, ip: 10.77.0.1/24, vlan: 10, hostIfname: ${p}pa }
  - { guest: ${p}b, to: ${p}s, ip: 10.77.0.2/24, vlan: 10, hostIfname: ${p}pb }
exercise:
  title: two guests in VLAN 10
  goals:
    - { reach: [${p}a, ${p}b] }
`,
  )

  afterAll(async () => {
    try {
      await runCli(['destroy', file])
    } finally {
      await sweep(p)
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('is met when applied, and fails naming the VLAN after a port is re-tagged by hand', async () => {
    const applied = await runCli(['apply', file])
    expect(applied.code).toBe(0)
    const met = await runCli(['check', file, '--json'])
    expect(JSON.parse(met.stdout)).toMatchObject({ ok: true, gradedFrom: 'machine' })
    expect(met.code).toBe(0)

    await execa('ovs-vsctl', ['set', 'port', `${p}pb`, 'tag=20'])
    const failed = await runCli(['check', file, '--json'])
    expect(failed.code).toBe(1)
    const out = JSON.parse(failed.stdout)
    expect(out.gradedFrom).toBe('machine')
    expect(out.goals[0].ok).toBe(false)
    expect(out.goals[0].why).toBe(`${p}b:eth1 is in VLAN 20, ${p}a:eth1 in VLAN 10`)
  }, 120_000)
})
