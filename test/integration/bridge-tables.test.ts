// Bridge tables read back from the real machine: an OVS bridge on the machine, one in a simulated
// host's own OVS (its own unixctl socket and database), and a Linux bridge, after real pings.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, describe, expect, it } from 'vitest'
import type { BridgeTablesReply } from '../../shared/api/contract.ts'
import { runCli } from '../support/cli.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { sweep } from './support/machine.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs'])

describe.skipIf(skipReason !== null)('patchbay tables on an applied lab', () => {
  const p = testPrefix()
  const dir = mkdtempSync(join(tmpdir(), 'pb-tables-'))
  const file = join(dir, 'lab.yaml')
  const [s1, s2, lb, a, b, d, e] = [`${p}s1`, `${p}s2`, `${p}lb`, `${p}a`, `${p}b`, `${p}d`, `${p}e`] as const
  const trunk = `${s1}~${s2}`
  // Simulated hosts' OVS files live under the state dir: one of this test's own, swept after.
  const stateDir = `/tmp/patchbay-test-state/${p}`
  const before = process.env.PATCHBAY_STATE_DIR
  process.env.PATCHBAY_STATE_DIR = stateDir
  writeFileSync(
    file,
    `patchbay: 1
name: ${p}-tables
hosts:
  h2: { netns: true }
nodes:
  ${s1}: { kind: ovs-bridge }
  ${s2}: { kind: ovs-bridge, host: h2 }
  ${lb}: { kind: linux-bridge }
  ${a}: { kind: netns }
  ${b}: { kind: netns, host: h2 }
  ${d}: { kind: netns }
  ${e}: { kind: netns }
links:
  - { guest: ${a}, to: ${s1}, ip: 10.81.0.1/24, vlan: 10, hostIfname: ${p}pa }
  - { guest: ${b}, to: ${s2}, ip: 10.81.0.2/24, vlan: 10, hostIfname: ${p}pb }
  - { between: [${s1}, ${s2}], trunk: [10, 20], ifnames: [${p}t1, ${p}t2] }
  - { guest: ${d}, to: ${lb}, ip: 10.82.0.1/24, hostIfname: ${p}pd }
  - { guest: ${e}, to: ${lb}, ip: 10.82.0.2/24, hostIfname: ${p}pe }
`,
  )

  afterAll(async () => {
    try {
      await runCli(['destroy', file])
    } finally {
      await sweep(p)
      rmSync(dir, { recursive: true, force: true })
      rmSync(stateDir, { recursive: true, force: true })
      if (before === undefined) delete process.env.PATCHBAY_STATE_DIR
      else process.env.PATCHBAY_STATE_DIR = before
    }
  }, 120_000)

  const macOf = async (ns: string) =>
    (await execa('ip', ['-n', ns, '-j', 'link', 'show', 'eth1'])).stdout.match(
      /"address":"([0-9a-f:]{17})"/,
    )![1]!

  it("shows each bridge's learned MACs on the lab's ports and each port's VLANs as read back", async () => {
    const applied = await runCli(['apply', file])
    expect(applied.code, applied.stderr).toBe(0)
    await execa('ip', ['netns', 'exec', a, 'ping', '-c', '1', '-W', '2', '10.81.0.2'])
    await execa('ip', ['netns', 'exec', d, 'ping', '-c', '1', '-W', '2', '10.82.0.2'])
    const [macA, macB, macD] = await Promise.all([macOf(a), macOf(b), macOf(d)])

    const run = await runCli(['tables', file, '--json'])
    expect(run.code, run.stderr).toBe(0)
    const reply = JSON.parse(run.stdout) as BridgeTablesReply
    const table = (name: string) => reply.bridges.find((x) => x.bridge === name)!

    // The machine's own OVS: A learned on A's access port in VLAN 10, B behind the trunk.
    expect(table(s1).fdb).toContainEqual(
      expect.objectContaining({ mac: macA, vlan: 10, node: s1, port: `${a}:eth1`, local: false }),
    )
    expect(table(s1).fdb).toContainEqual(
      expect.objectContaining({ mac: macB, vlan: 10, node: s1, port: trunk }),
    )
    // The simulated host's own OVS, read through its own socket and database.
    expect(table(s2).host).toBe('h2')
    expect(table(s2).fdb).toContainEqual(expect.objectContaining({ mac: macB, vlan: 10, port: `${b}:eth1` }))
    expect(table(s2).fdb).toContainEqual(expect.objectContaining({ mac: macA, vlan: 10, port: trunk }))
    // Per-port VLANs as OVS holds them.
    expect(table(s1).ports).toContainEqual(
      expect.objectContaining({ device: `${p}pa`, port: `${a}:eth1`, tag: 10, trunks: [] }),
    )
    expect(table(s2).ports).toContainEqual(
      expect.objectContaining({ device: `${p}t2`, port: trunk, tag: null, trunks: [10, 20] }),
    )
    // The Linux bridge: D learned on D's port; no VLAN filtering here, and it says so.
    expect(table(lb).fdb).toContainEqual(
      expect.objectContaining({ mac: macD, device: `${p}pd`, node: lb, port: `${d}:eth1`, local: false }),
    )
    expect(table(lb).vlanFiltering).toBe(false)
    expect(table(lb).note).toMatch(/VLAN filtering/)
    expect(
      table(lb)
        .ports.map((x) => x.device)
        .sort(),
    ).toEqual([`${p}pd`, `${p}pe`])

    // A port re-tagged by hand is read back as it is now, not as drawn.
    await execa('ovs-vsctl', ['set', 'port', `${p}pa`, 'tag=30'])
    const again = JSON.parse((await runCli(['tables', file, '--json'])).stdout) as BridgeTablesReply
    expect(again.bridges.find((x) => x.bridge === s1)!.ports).toContainEqual(
      expect.objectContaining({ device: `${p}pa`, tag: 30 }),
    )
    // explain --observed and domains --observed say where the machine now disagrees with the drawing.
    const explained = await runCli(['explain', file, a, b, '--observed', '--json'])
    expect(explained.code, explained.stderr).toBe(1)
    expect(JSON.parse(explained.stdout)).toMatchObject({
      explainedFrom: 'machine',
      reachable: false,
      why: `${b}:eth1 is in VLAN 10, ${a}:eth1 in VLAN 30`,
      drawing: { reachable: true },
      disagrees: true,
    })
    const domains = JSON.parse((await runCli(['domains', file, '--observed', '--json'])).stdout)
    expect(domains.disagreements).toContainEqual({
      kind: 'vlan',
      members: [`${a}:eth1`],
      message: `${a}:eth1 is in VLAN 30 on the machine, VLAN 10 in the drawing`,
    })
    expect(domains.disagreements).toContainEqual(expect.objectContaining({ kind: 'split' }))
    // In words.
    const words = await runCli(['tables', file])
    expect(words.stdout).toContain(`${p}t1`)
    expect(words.stdout).toMatch(/trunks 10,20/)
  }, 120_000)
})
