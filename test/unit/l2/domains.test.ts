import { describe, expect, it } from 'vitest'
import { broadcastDomains } from '../../../shared/l2/domains.ts'
import { expectedPairs } from '../../../shared/l2/reachability.ts'
import { loadLab } from '../../../shared/lab/load.ts'
import { readScenario } from '../../support/scenarios.ts'
import { domainsOf, lab, warningsOf } from './support.ts'

const netns = { kind: 'netns' } as const
const ovs = { kind: 'ovs-bridge' } as const
const br = { kind: 'linux-bridge' } as const

describe('broadcast domains of the scenarios', () => {
  it('single host: VLAN 100 holds test1 and test2, VLAN 200 test3 and test4', () => {
    const { domains } = broadcastDomains(loadLab(readScenario('single-host-vlan.yaml')).lab!)
    expect(domains.map(({ id, vlan, members }) => ({ id, vlan, members }))).toEqual([
      { id: 'ovs0/100', vlan: 100, members: ['test1:eth1', 'test2:eth1'] },
      { id: 'ovs0/200', vlan: 200, members: ['test3:eth1', 'test4:eth1'] },
    ])
  })

  it('multi host: the trunk carries VLAN 100 and 200 across the two OVS bridges', () => {
    const { domains } = broadcastDomains(loadLab(readScenario('multi-host-vlan.yaml')).lab!)
    expect(domains.map((d) => [d.vlan, d.members, d.bridges])).toEqual([
      [100, ['h1a:eth1', 'h2a:eth1'], ['ovs1', 'ovs2']],
      [200, ['h1b:eth1', 'h2b:eth1'], ['ovs1', 'ovs2']],
    ])
  })

  it('Linux bridge LAN: both guests and the host address share one untagged domain', () => {
    const { domains } = broadcastDomains(loadLab(readScenario('linux-bridge-lan.yaml')).lab!)
    expect(domains).toHaveLength(1)
    expect(domains[0]).toMatchObject({ id: 'br0/untagged', vlan: null, members: ['a:eth1', 'b:eth1'] })
    expect(domains[0]!.hostAddresses.map((h) => `${h.node} ${h.address.text}`)).toEqual([
      'br0 192.168.77.1/24',
    ])
  })

  it('Linux bridge LAN: both guests are expected to reach each other and the host address on br0', () => {
    const pairs = expectedPairs(broadcastDomains(loadLab(readScenario('linux-bridge-lan.yaml')).lab!))
    expect(pairs.map((p) => `${p.from}>${p.to} ${p.address} ${p.expected}`)).toEqual([
      'a:eth1>b:eth1 192.168.77.11 true',
      'a:eth1>br0 192.168.77.1 true',
      'b:eth1>a:eth1 192.168.77.10 true',
      'b:eth1>br0 192.168.77.1 true',
    ])
  })

  it('expects test1<->test2 and test3<->test4 to reach each other and nothing across VLANs', () => {
    const pairs = expectedPairs(broadcastDomains(loadLab(readScenario('single-host-vlan.yaml')).lab!))
    const reachable = pairs.filter((p) => p.expected).map((p) => `${p.from}>${p.to}`)
    expect(reachable).toEqual([
      'test1:eth1>test2:eth1',
      'test2:eth1>test1:eth1',
      'test3:eth1>test4:eth1',
      'test4:eth1>test3:eth1',
    ])
    expect(pairs.filter((p) => !p.expected)).toHaveLength(8)
    expect(pairs.find((p) => p.from === 'test1:eth1' && p.to === 'test3:eth1')).toMatchObject({
      address: '10.0.0.3',
      expected: false,
    })
  })
})

describe('trunks, natives and bridge kinds', () => {
  const twoSwitches = (wire: Record<string, unknown>) =>
    lab({ s1: ovs, s2: ovs, a1: netns, a2: netns, b1: netns, b2: netns, u1: netns, u2: netns }, [
      { guest: 'a1', to: 's1', vlan: 100 },
      { guest: 'b1', to: 's1', vlan: 200 },
      { guest: 'u1', to: 's1' },
      { guest: 'a2', to: 's2', vlan: 100 },
      { guest: 'b2', to: 's2', vlan: 200 },
      { guest: 'u2', to: 's2' },
      { between: ['s1', 's2'], ...wire },
    ])

  it('an OVS wire without trunk: carries every VLAN and the untagged traffic', () => {
    expect(domainsOf(twoSwitches({}))).toEqual([
      '-: u1:eth1 u2:eth1',
      '100: a1:eth1 a2:eth1',
      '200: b1:eth1 b2:eth1',
    ])
  })

  it('a trunk of VLAN 100 only: VLAN 200 and untagged stay on their own bridge, with a warning', () => {
    const l = twoSwitches({ trunk: [100] })
    expect(domainsOf(l)).toEqual([
      '-: u1:eth1',
      '-: u2:eth1',
      '100: a1:eth1 a2:eth1',
      '200: b1:eth1',
      '200: b2:eth1',
    ])
    expect(warningsOf(l).filter((w) => w.startsWith('VLAN 200 is split'))).toHaveLength(1)
    expect(warningsOf(l)[0]).toBe(
      'VLAN 200 is split: no trunk carries it between s1 (b1:eth1) and s2 (b2:eth1), so they cannot reach each other',
    )
  })

  it('says each warning once, however many bridges a VLAN is split over (the CLI printed it per part)', () => {
    const loaded = loadLab(
      JSON.stringify({
        patchbay: 1,
        name: 'w',
        nodes: { s1: ovs, s2: ovs, s3: ovs, a1: netns, a2: netns, a3: netns },
        links: [
          { guest: 'a1', to: 's1', vlan: 100, ip: '10.0.0.1/24' },
          { guest: 'a2', to: 's2', vlan: 100, ip: '10.0.0.2/24' },
          { guest: 'a3', to: 's3', vlan: 100, ip: '10.0.0.3/24' },
          { between: ['s1', 's2'], trunk: [200], native: [5, 6] },
          { between: ['s2', 's3'], trunk: [200] },
        ],
      }),
    )
    const warnings = loaded.problems.map((p) => `${p.path.join('.')}: ${p.message}`)
    expect(warnings).toEqual([
      'links.0.vlan: VLAN 100 is split: no trunk carries it between s1 (a1:eth1) and s2 (a2:eth1) and s3 (a3:eth1), so they cannot reach each other',
      'links.0.ip: subnet 10.0.0.0/24 is split over 3 broadcast domains (s1/100, s2/100, s3/100): addresses in one cannot reach the others',
      'links.3.native: native VLAN mismatch on the wire s1~s2: 5 on s1 but 6 on s2, so untagged frames leak from VLAN 5 into VLAN 6',
    ])
  })

  it('a native VLAN on both ends carries the untagged guests into VLAN 100? no: untagged frames of the trunk are VLAN 100', () => {
    const l = twoSwitches({ trunk: [200], native: 100 })
    expect(domainsOf(l)).toEqual(['-: u1:eth1', '-: u2:eth1', '100: a1:eth1 a2:eth1', '200: b1:eth1 b2:eth1'])
  })

  it('a native VLAN mismatch joins VLAN 100 of one switch with VLAN 200 of the other and says so', () => {
    const l = twoSwitches({ trunk: [300], native: [100, 200] })
    expect(domainsOf(l)).toContain('-: a1:eth1 b2:eth1')
    expect(warningsOf(l)).toContain(
      'native VLAN mismatch on the wire s1~s2: 100 on s1 but 200 on s2, so untagged frames leak from VLAN 100 into VLAN 200',
    )
  })

  it('an access wire joins one VLAN only', () => {
    expect(domainsOf(twoSwitches({ vlan: 200 }))).toEqual([
      '-: u1:eth1',
      '-: u2:eth1',
      '100: a1:eth1',
      '100: a2:eth1',
      '200: b1:eth1 b2:eth1',
    ])
  })

  it('a Linux bridge without VLANs is one segment; with VLANs it filters, untagged ports in PVID 1', () => {
    expect(
      domainsOf(
        lab({ br0: br, x: netns, y: netns }, [
          { guest: 'x', to: 'br0' },
          { guest: 'y', to: 'br0' },
        ]),
      ),
    ).toEqual(['-: x:eth1 y:eth1'])
    const filtering = lab({ br0: br, x: netns, y: netns, z: netns }, [
      { guest: 'x', to: 'br0', vlan: 10 },
      { guest: 'y', to: 'br0' },
      { guest: 'z', to: 'br0', vlan: 1 },
    ])
    expect(domainsOf(filtering)).toEqual(['10: x:eth1', '1: y:eth1 z:eth1'])
  })

  it('a plain Linux bridge between two OVS bridges passes the tags through unchanged', () => {
    const l = lab({ s1: ovs, s2: ovs, hub: br, a1: netns, a2: netns, b1: netns }, [
      { guest: 'a1', to: 's1', vlan: 100 },
      { guest: 'b1', to: 's1', vlan: 200 },
      { guest: 'a2', to: 's2', vlan: 100 },
      { between: ['s1', 'hub'] },
      { between: ['hub', 's2'] },
    ])
    expect(domainsOf(l)).toEqual(['100: a1:eth1 a2:eth1', '200: b1:eth1'])
  })

  it('macvlan guests on one uplink share its LAN; a VLAN on the uplink is its own segment', () => {
    const l = lab({ lan: { kind: 'uplink', interface: 'eth0' }, x: netns, y: netns, z: netns }, [
      { guest: 'x', to: 'lan', ip: '192.168.1.50/24' },
      { guest: 'y', to: 'lan', ip: '192.168.1.51/24' },
      { guest: 'z', to: 'lan', vlan: 30, ip: '192.168.30.5/24' },
    ])
    expect(domainsOf(l)).toEqual(['-: x:eth1 y:eth1', '30: z:eth1'])
  })

  it('an uplink NIC enslaved to OVS as a trunk joins macvlan guests of that VLAN', () => {
    const l = lab({ ovs0: ovs, nic: { kind: 'uplink', interface: 'eth1' }, a: netns, m: netns }, [
      { guest: 'a', to: 'ovs0', vlan: 100 },
      { guest: 'm', to: 'nic', vlan: 100 },
      { between: ['ovs0', 'nic'], trunk: [100, 200] },
    ])
    expect(domainsOf(l)).toEqual(['100: a:eth1 m:eth1'])
    expect(broadcastDomains(l).domains[0]!.bridges).toEqual(['nic', 'ovs0'])
  })
})

describe('teacher warnings and duplicate errors', () => {
  it('warns of two subnets in one domain', () => {
    const l = lab({ br0: br, x: netns, y: netns }, [
      { guest: 'x', to: 'br0', ip: '10.0.0.1/24' },
      { guest: 'y', to: 'br0', ip: '10.0.1.1/24' },
    ])
    expect(warningsOf(l)).toEqual([
      'broadcast domain br0/untagged mixes subnets 10.0.0.0/24, 10.0.1.0/24: hosts in different subnets on one segment need a router to talk',
    ])
  })

  it('a duplicate IP or MAC in one domain is an error of the later link; across domains it is fine', () => {
    const l = {
      patchbay: 1,
      name: 'dup',
      nodes: { s: ovs, x: netns, y: netns, z: netns },
      links: [
        { guest: 'x', to: 's', vlan: 1, ip: '10.0.0.1/24', mac: 'U:x' },
        { guest: 'y', to: 's', vlan: 1, ip: '10.0.0.1/24', mac: 'U:x' },
        { guest: 'z', to: 's', vlan: 2, ip: '10.0.0.1/24', mac: 'U:x' },
      ],
    }
    const loaded = loadLab(JSON.stringify(l))
    expect(loaded.lab).toBeNull()
    expect(
      loaded.problems.filter((p) => p.severity === 'error').map((p) => [p.path.join('.'), p.message]),
    ).toEqual([
      ['links.1.ip', 'address 10.0.0.1 is already used by x:eth1 in the same broadcast domain'],
      ['links.1.mac', 'MAC 02:40:1b:30:e3:b8 (U:x) is already used by x:eth1 in the same broadcast domain'],
    ])
  })

  it('a bridge address is a member for duplicate checks', () => {
    const loaded = loadLab(
      JSON.stringify({
        patchbay: 1,
        name: 'd',
        nodes: { br0: { ...br, ip: '10.0.0.1/24' }, x: netns },
        links: [{ guest: 'x', to: 'br0', ip: '10.0.0.1/24' }],
      }),
    )
    expect(loaded.problems.map((p) => p.message)).toEqual([
      'address 10.0.0.1 is already used by br0 in the same broadcast domain',
    ])
  })
})
