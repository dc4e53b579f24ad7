// The seeds' multi-host lab for real: two simulated hosts, each a namespace with its own Open
// vSwitch, guests on VLANs 100 and 200, the hosts joined by a trunk.
import { execa } from 'execa'
import { afterAll, describe, expect, it } from 'vitest'
import { createEngine } from '../../electron/core/create-engine.ts'
import { verifyLab } from '../../electron/core/verify.ts'
import { broadcastDomains } from '../../shared/l2/domains.ts'
import type { Lab, WireLink } from '../../shared/lab/schema.ts'
import { wireEnds } from '../../shared/plan/device-names.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { snapshot, sweep } from './support/machine.ts'
import { scenarioLab } from './support/scenario-lab.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs'])

const pings = async (from: string, address: string) =>
  (
    await execa(
      'ip',
      ['netns', 'exec', from, 'ping', '-n', '-q', '-c', '2', '-i', '0.2', '-W', '1', address],
      { reject: false },
    )
  ).exitCode === 0

const daemonsOf = async (stateDir: string) =>
  (await execa('pgrep', ['-f', `${stateDir}/`], { reject: false })).stdout.split('\n').filter(Boolean)

describe.skipIf(skipReason !== null)('the multi-host VLAN scenario', () => {
  const prefix = testPrefix()
  const stateDir = `/tmp/patchbay-test-state/${prefix}`
  const lab = scenarioLab('multi-host-vlan.yaml', prefix)
  const engine = createEngine({ stateDir })
  const n = (name: string) => `${prefix}${name}`
  let before: Awaited<ReturnType<typeof snapshot>>

  afterAll(async () => {
    await engine.destroy(lab).catch(() => undefined)
    await sweep(prefix)
  })

  it('applies: two hosts with their own OVS, four guests, one trunk', async () => {
    before = await snapshot(prefix)
    const { plan, result } = await engine.apply(lab)
    expect(plan.problems).toEqual([])
    expect(result?.failed).toBeUndefined()
    expect(await daemonsOf(stateDir)).toHaveLength(4)
    const host1 = engine.places(lab).host1!
    const [cableEnd] = wireEnds(lab.name, lab.links!.find((l) => 'between' in l) as WireLink)
    const trunk = await execa('ovs-vsctl', [`--db=unix:${host1.ovsDb}`, 'get', 'port', cableEnd, 'trunks'])
    expect(trunk.stdout).toBe('[100, 200]')
    const ports = (
      await execa('ovs-vsctl', [`--db=unix:${host1.ovsDb}`, 'list-ports', n('ovs1')])
    ).stdout.split('\n')
    expect(ports).toHaveLength(3)
  })

  it('reaches across hosts within a VLAN and never across VLANs', async () => {
    expect(await pings(n('h1a'), '10.0.0.3')).toBe(true)
    expect(await pings(n('h2b'), '10.0.0.2')).toBe(true)
    expect(await pings(n('h1a'), '10.0.0.4')).toBe(false)
    expect(await pings(n('h1a'), '10.0.0.2')).toBe(false)
  })

  it('verify gives the matrix of the scenario comment, and a second apply does nothing', async () => {
    const report = await verifyLab(lab, { run: engine.run, containers: engine.containers })
    expect(report.ok).toBe(true)
    expect(
      report.pairs.filter((p) => p.reachable).map((p) => `${p.from}>${p.to}`.replaceAll(prefix, '')),
    ).toEqual(['h1a:eth1>h2a:eth1', 'h1b:eth1>h2b:eth1', 'h2a:eth1>h1a:eth1', 'h2b:eth1>h1b:eth1'])
    expect((await engine.apply(lab)).plan.ops).toEqual([])
  })

  it('a trunk that drops VLAN 200: the drawing warns, VLAN 100 still works and 200 does not', async () => {
    const narrow: Lab = {
      ...lab,
      links: lab.links!.map((l) => ('between' in l ? { ...l, trunk: [100] } : l)),
    }
    expect(broadcastDomains(narrow).problems.map((p) => p.message)).toContainEqual(
      expect.stringContaining('VLAN 200 is split'),
    )
    const { plan, result } = await engine.apply(narrow)
    expect(plan.ops.map((op) => op.action)).toEqual(['ovs.port.set', 'ovs.port.set'])
    expect(result?.ok).toBe(true)
    const report = await verifyLab(narrow, { run: engine.run, containers: engine.containers })
    expect(report.ok).toBe(true)
    const reach = (from: string, to: string) => report.pairs.find((p) => p.from === n(from) && p.to === n(to))
    expect(reach('h1a:eth1', 'h2a:eth1')).toMatchObject({ expected: true, reachable: true })
    expect(reach('h1b:eth1', 'h2b:eth1')).toMatchObject({ expected: false, reachable: false })
  })

  it('destroy stops both OVS instances and removes both hosts', async () => {
    expect((await engine.destroy(lab)).result?.ok).toBe(true)
    expect(await daemonsOf(stateDir)).toEqual([])
    expect(await snapshot(prefix)).toEqual(before)
  })
})

describe.skipIf(skipReason !== null)('the multi-host lab with its trunk carried in a VXLAN tunnel', () => {
  const prefix = testPrefix()
  const stateDir = `/tmp/patchbay-test-state/${prefix}`
  const base = scenarioLab('multi-host-vlan.yaml', prefix)
  const n = (name: string) => `${prefix}${name}`
  // The wire between the hosts becomes VNI 42 over a cable between their NICs ua and ub.
  const lab: Lab = {
    ...base,
    nodes: {
      ...base.nodes,
      [n('u1')]: { kind: 'uplink', host: 'host1', interface: 'ua', ip: '192.0.2.1/24' },
      [n('u2')]: { kind: 'uplink', host: 'host2', interface: 'ub', ip: '192.0.2.2/24' },
    },
    links: [
      ...base.links!.filter((l) => !('between' in l)),
      { between: [n('u1'), n('u2')] },
      {
        between: [n('ovs1'), n('ovs2')],
        via: 'vxlan',
        vni: 42,
        trunk: [100, 200],
        underlay: [n('u1'), n('u2')],
      },
    ],
  }
  const engine = createEngine({ stateDir })

  afterAll(async () => {
    await engine.destroy(lab).catch(() => undefined)
    await sweep(prefix)
  })

  it('gives the same matrix as the plain trunk', async () => {
    const { plan, result } = await engine.apply(lab)
    expect(plan.problems).toEqual([])
    expect(result?.failed).toBeUndefined()
    const host1 = engine.places(lab).host1!.netns!
    const vxlan = JSON.parse(
      (await execa('ip', ['-n', host1, '-j', '-d', 'link', 'show', 'type', 'vxlan'])).stdout,
    )
    expect(
      vxlan.map((l: { linkinfo: { info_data: { id: number; remote: string } } }) => [
        l.linkinfo.info_data.id,
        l.linkinfo.info_data.remote,
      ]),
    ).toEqual([[42, '192.0.2.2']])
    const report = await verifyLab(lab, { run: engine.run, containers: engine.containers })
    expect(report.ok).toBe(true)
    expect(report.pairs.filter((p) => p.reachable)).toHaveLength(4)
    expect((await engine.apply(lab)).plan.ops).toEqual([])
  })

  it('comes back whole after its underlay cable is cut', async () => {
    await execa('ip', ['-n', engine.places(lab).host1!.netns!, 'link', 'del', 'ua'])
    const { plan, result } = await engine.apply(lab)
    expect(plan.ops.map((op) => op.action)).toContain('vxlan.create')
    expect(result?.ok).toBe(true)
    expect((await verifyLab(lab, { run: engine.run, containers: engine.containers })).ok).toBe(true)
  })

  it('destroy stops both hosts', async () => {
    expect((await engine.destroy(lab)).result?.ok).toBe(true)
    expect(await daemonsOf(stateDir)).toEqual([])
    expect((await snapshot(prefix)).netns).toEqual([])
  })
})
