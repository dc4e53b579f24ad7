// The scenarios of the documents patchbay grew from, applied to the real kernel, OVS and Docker:
// pings checked from inside the guests by the test itself, idempotence, and a clean destroy.
import { execa } from 'execa'
import { afterAll, describe, expect, it } from 'vitest'
import { createEngine } from '../../electron/core/create-engine.ts'
import { verifyLab } from '../../electron/core/verify.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { containerName } from '../../shared/plan/device-names.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { snapshot, sweep } from './support/machine.ts'
import { scenarioLab } from './support/scenario-lab.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs', 'docker'])

/** Ping `address` from inside the guest `node` of `lab`, with the host's ping binary. */
async function pings(lab: Lab, node: string, address: string): Promise<boolean> {
  const enter =
    lab.nodes[node]?.kind === 'container'
      ? [
          'nsenter',
          '-t',
          String(
            (
              await execa('docker', [
                'inspect',
                '-f',
                '{{.State.Pid}}',
                containerName(lab.name, node, lab.nodes[node]),
              ])
            ).stdout.trim(),
          ),
          '-n',
        ]
      : ['ip', 'netns', 'exec', node]
  const r = await execa(
    enter[0]!,
    [...enter.slice(1), 'ping', '-n', '-q', '-c', '2', '-i', '0.2', '-W', '1', address],
    { reject: false },
  )
  return r.exitCode === 0
}

describe.skipIf(skipReason !== null)('the single-host VLAN scenario on the real machine', () => {
  const prefix = testPrefix()
  const lab = scenarioLab('single-host-vlan.yaml', prefix)
  const engine = createEngine({ stateDir: `/tmp/patchbay-test-state/${prefix}` })
  const n = (name: string) => `${prefix}${name}`
  let before: Awaited<ReturnType<typeof snapshot>>

  afterAll(async () => {
    await engine.destroy(lab).catch(() => undefined)
    await sweep(prefix)
  })

  it('applies: four containers on one OVS bridge, tags 100 and 200', async () => {
    before = await snapshot(prefix)
    const { plan, result } = await engine.apply(lab)
    expect(plan.problems).toEqual([])
    expect(result?.failed).toBeUndefined()
    expect(result?.ok).toBe(true)
    const ports = (await execa('ovs-vsctl', ['list-ports', n('ovs0')])).stdout.split('\n').sort()
    expect(ports).toHaveLength(4)
    const portTags = await Promise.all(
      ports.map(async (p) => (await execa('ovs-vsctl', ['get', 'port', p, 'tag'])).stdout),
    )
    expect(portTags.sort()).toEqual(['100', '100', '200', '200'])
  })

  it('reaches within each VLAN and not across, by the test’s own pings', async () => {
    expect(await pings(lab, n('test1'), '10.0.0.2')).toBe(true)
    expect(await pings(lab, n('test3'), '10.0.0.4')).toBe(true)
    expect(await pings(lab, n('test1'), '10.0.0.3')).toBe(false)
    expect(await pings(lab, n('test2'), '10.0.0.4')).toBe(false)
  })

  it('verify agrees: the expected matrix, nothing unexpected', async () => {
    const report = await verifyLab(lab, { run: engine.run, containers: engine.containers })
    expect(report.ok).toBe(true)
    const reach = report.pairs
      .filter((p) => p.reachable)
      .map((p) => `${p.from.replace(prefix, '')}>${p.to.replace(prefix, '')}`)
    expect(reach.sort()).toEqual([
      'test1:eth1>test2:eth1',
      'test2:eth1>test1:eth1',
      'test3:eth1>test4:eth1',
      'test4:eth1>test3:eth1',
    ])
    expect(report.pairs).toHaveLength(12)
  })

  it('a second apply has nothing to do', async () => {
    const { plan, result } = await engine.apply(lab)
    expect(plan.ops.map((op) => op.id)).toEqual([])
    expect(result?.ok).toBe(true)
  })

  it('changing one VLAN changes only that port', async () => {
    const edited: Lab = { ...lab, links: lab.links!.map((l, i) => (i === 1 ? { ...l, vlan: 200 } : l)) }
    const { plan, result } = await engine.apply(edited)
    expect(plan.ops.map((op) => [op.action, op.linkId])).toEqual([['ovs.port.set', `${n('test2')}:eth1`]])
    expect(result?.ok).toBe(true)
    expect(await pings(lab, n('test2'), '10.0.0.3')).toBe(true)
    expect((await engine.apply(lab)).plan.ops).toHaveLength(1)
  })

  it('destroy leaves the machine as it was before apply', async () => {
    const { result } = await engine.destroy(lab)
    expect(result?.ok).toBe(true)
    expect(await snapshot(prefix)).toEqual(before)
  })
})

describe.skipIf(skipReason !== null)('the Linux bridge LAN scenario on the real machine', () => {
  const prefix = testPrefix()
  const lab = scenarioLab('linux-bridge-lan.yaml', prefix)
  const engine = createEngine({ stateDir: `/tmp/patchbay-test-state/${prefix}` })
  const n = (name: string) => `${prefix}${name}`

  afterAll(async () => {
    await engine.destroy(lab).catch(() => undefined)
    await sweep(prefix)
  })

  it('applies, and both guests reach each other and the host address', async () => {
    const before = await snapshot(prefix)
    const { plan, result } = await engine.apply(lab)
    expect(plan.problems).toEqual([])
    expect(result?.failed).toBeUndefined()
    expect(await pings(lab, n('a'), '192.168.77.11')).toBe(true)
    expect(await pings(lab, n('b'), '192.168.77.10')).toBe(true)
    expect(await pings(lab, n('a'), '192.168.77.1')).toBe(true)
    const route = await execa('ip', ['-n', n('b'), 'route', 'show', 'default'])
    expect(route.stdout).toContain('default via 192.168.77.1 dev eth1')
    const mac = await execa('ip', ['-n', n('b'), '-j', 'link', 'show', 'eth1'])
    expect(JSON.parse(mac.stdout)[0].address).toMatch(/^02:/)
    expect((await verifyLab(lab, { run: engine.run, containers: engine.containers })).ok).toBe(true)
    expect((await engine.apply(lab)).plan.ops).toEqual([])
    expect((await engine.destroy(lab)).result?.ok).toBe(true)
    expect(await snapshot(prefix)).toEqual(before)
  })
})
