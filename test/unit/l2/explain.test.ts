import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { broadcastDomains } from '../../../shared/l2/domains.ts'
import { explain, GuestNameError } from '../../../shared/l2/explain.ts'
import { expectedPairs } from '../../../shared/l2/reachability.ts'
import { loadLab } from '../../../shared/lab/load.ts'
import type { Lab } from '../../../shared/lab/schema.ts'
import { readScenario } from '../../support/scenarios.ts'
import { lab } from './support.ts'

const seed = (name: string): Lab => {
  const loaded = loadLab(readScenario(name), name)
  if (!loaded.lab) throw new Error(`${name} does not load`)
  return loaded.lab
}

/** The multi-host lab with its trunk wire replaced. */
const multiHost = (wire: object, change: (l: Lab) => void = () => {}): Lab => {
  const l = structuredClone(seed('multi-host-vlan.yaml'))
  l.links = [...l.links!.slice(0, 4), wire as NonNullable<Lab['links']>[number]]
  change(l)
  return l
}

describe('explain on the seed labs', () => {
  it('walks guest port, access tag, bridge, guest port on one bridge', () => {
    const e = explain(seed('single-host-vlan.yaml'), 'test1:eth1', 'test2')
    expect(e.reachable).toBe(true)
    expect(e.blockedAt).toBeNull()
    expect(e.hops).toEqual([
      { node: 'test1', port: 'eth1', vlan: null },
      { node: 'ovs0', port: 'test1:eth1', vlan: 100 },
      { node: 'ovs0', port: 'test2:eth1', vlan: 100 },
      { node: 'test2', port: 'eth1', vlan: null },
    ])
    expect(e.why).toContain('10.0.0.0/24')
  })

  it('names both VLANs when the tags differ', () => {
    const e = explain(seed('single-host-vlan.yaml'), 'test3', 'test1')
    expect(e.reachable).toBe(false)
    expect(e.why).toBe('test1:eth1 is in VLAN 100, test3:eth1 in VLAN 200')
    expect(e.blockedAt).toEqual({ node: 'ovs0', port: 'test1:eth1', vlan: 100 })
  })

  it('crosses the trunk with the tag on the wire', () => {
    const e = explain(seed('multi-host-vlan.yaml'), 'h1a', 'h2a')
    expect(e.reachable).toBe(true)
    expect(e.hops.map((h) => `${h.node}/${h.port}/${h.vlan}`)).toEqual([
      'h1a/eth1/null',
      'ovs1/h1a:eth1/100',
      'ovs1/ovs1~ovs2/100',
      'ovs2/ovs1~ovs2/100',
      'ovs2/h2a:eth1/100',
      'h2a/eth1/null',
    ])
  })

  it('refuses names that are not guest interfaces, naming them', () => {
    const l = seed('single-host-vlan.yaml')
    expect(() => explain(l, 'nosuch', 'test1')).toThrow(new GuestNameError('no node "nosuch" in the lab'))
    expect(() => explain(l, 'ovs0', 'test1')).toThrow(/ovs0 is a ovs-bridge, not a guest/)
    expect(() => explain(l, 'test1:eth7', 'test2')).toThrow(
      /test1 has no interface "eth7" \(it has test1:eth1\)/,
    )
  })
})

describe('explain on broken variants names the blocking hop', () => {
  it('a wrong tag', () => {
    const l = structuredClone(seed('multi-host-vlan.yaml'))
    ;(l.links![2] as { vlan?: number }).vlan = 200
    const e = explain(l, 'h1a', 'h2a')
    expect(e.reachable).toBe(false)
    expect(e.why).toBe('h2a:eth1 is in VLAN 200, h1a:eth1 in VLAN 100')
    expect(e.blockedAt).toEqual({ node: 'ovs2', port: 'h2a:eth1', vlan: 200 })
  })

  it('a trunk missing a VLAN', () => {
    const e = explain(multiHost({ between: ['ovs1', 'ovs2'], trunk: [100] }), 'h1b', 'h2b')
    expect(e.reachable).toBe(false)
    expect(e.why).toBe('the trunk ovs1~ovs2 does not carry VLAN 200 (it carries 100)')
    expect(e.blockedAt).toEqual({ node: 'ovs1', port: 'ovs1~ovs2', vlan: 200 })
    // VLAN 100 still crosses it.
    expect(explain(multiHost({ between: ['ovs1', 'ovs2'], trunk: [100] }), 'h1a', 'h2a').reachable).toBe(true)
  })

  it('a native-VLAN mismatch', () => {
    const l = multiHost({ between: ['ovs1', 'ovs2'], trunk: [200], native: [100, 300] })
    const e = explain(l, 'h1a', 'h2a')
    expect(e.reachable).toBe(false)
    expect(e.why).toMatch(
      /^native VLAN mismatch on the wire ovs1~ovs2: frames of VLAN 100 leave ovs1 untagged and land in VLAN 300 on ovs2/,
    )
    expect(e.blockedAt).toEqual({ node: 'ovs2', port: 'ovs1~ovs2', vlan: 300 })
  })

  it('a subnet mismatch in one domain', () => {
    const l = structuredClone(seed('single-host-vlan.yaml'))
    ;(l.links![1] as { ip?: string }).ip = '10.0.1.2/24'
    const e = explain(l, 'test1', 'test2')
    expect(e.reachable).toBe(false)
    expect(e.why).toBe('same domain, but 10.0.0.0/24 vs 10.0.1.0/24')
    expect(e.blockedAt).toEqual({ node: 'test2', port: 'eth1', vlan: null })
    expect(e.hops).toHaveLength(4)
  })

  it('no wire at all between the bridges', () => {
    const l = multiHost({ between: ['ovs1', 'ovs2'] }, (x) => x.links!.pop())
    expect(explain(l, 'h1a', 'h2a').why).toBe('no wire joins ovs1 (h1a:eth1) to ovs2 (h2a:eth1)')
  })

  it('an access wire of another VLAN', () => {
    const e = explain(multiHost({ between: ['ovs1', 'ovs2'], vlan: 200 }), 'h1a', 'h2a')
    expect(e.why).toBe('the wire ovs1~ovs2 is an access link of VLAN 200, it does not carry VLAN 100')
  })
})

const VLANS = [10, 20, 30]
const SUBNETS = ['10.0.0', '10.0.1']

/** OVS labs with guests in two subnets, any VLANs, and wires of every kind including native mismatches. */
const anyLab = fc
  .record({
    bridges: fc.integer({ min: 1, max: 4 }),
    guests: fc.array(
      fc.record({
        bridge: fc.nat(),
        vlan: fc.option(fc.constantFrom(...VLANS), { nil: undefined }),
        subnet: fc.constantFrom(...SUBNETS),
      }),
      { minLength: 2, maxLength: 8 },
    ),
    wires: fc.array(
      fc.record({
        a: fc.nat(),
        b: fc.nat(),
        mode: fc.oneof(
          fc.constant({}),
          fc.record({ vlan: fc.constantFrom(...VLANS) }),
          fc.record({ trunk: fc.subarray(VLANS, { minLength: 1 }) }),
          fc.record({ trunk: fc.subarray(VLANS, { minLength: 1 }), native: fc.constantFrom(...VLANS) }),
          fc.record({
            trunk: fc.subarray(VLANS, { minLength: 1 }),
            native: fc.tuple(fc.constantFrom(...VLANS), fc.constantFrom(...VLANS)),
          }),
        ),
      }),
      { maxLength: 6 },
    ),
  })
  .map(({ bridges, guests, wires }): Lab => {
    const nodes: Lab['nodes'] = {}
    for (let i = 0; i < bridges; i++) nodes[`s${i}`] = { kind: 'ovs-bridge' }
    const links: NonNullable<Lab['links']> = guests.map((g, i) => {
      nodes[`g${i}`] = { kind: 'netns' }
      return {
        guest: `g${i}`,
        to: `s${g.bridge % bridges}`,
        ip: `${g.subnet}.${i + 1}/24`,
        ...(g.vlan ? { vlan: g.vlan } : {}),
      }
    })
    for (const w of wires) {
      const a = w.a % bridges
      const b = w.b % bridges
      if (a !== b) links.push({ between: [`s${a}`, `s${b}`], ...w.mode })
    }
    return lab(nodes, links)
  })

describe('explain property', () => {
  it('says reachable exactly when reachability.ts expects it, and ends at B or names a block', () => {
    fc.assert(
      fc.property(anyLab, (l) => {
        const analysis = broadcastDomains(l)
        const expected = new Set(
          expectedPairs(analysis)
            .filter((p) => p.expected)
            .map((p) => `${p.from} ${p.to}`),
        )
        const names = [...analysis.members.keys()]
        for (const from of names) {
          for (const to of names) {
            if (from === to) continue
            const e = explain(l, from, to, analysis)
            expect(e.reachable).toBe(expected.has(`${from} ${to}`))
            expect(e.blockedAt === null).toBe(e.reachable)
            expect(e.why.length).toBeGreaterThan(0)
            const last = e.hops.at(-1)!
            if (e.reachable) expect(`${last.node}:${last.port}`).toBe(to)
          }
        }
      }),
      { numRuns: 120 },
    )
  }, 60_000)
})

describe('explain: a link set down', () => {
  const down = <T extends object>(l: T): T => ({ ...l, state: 'down' as const })
  it('names the guest link that is down', () => {
    const single = seed('single-host-vlan.yaml')
    const links = single.links!.map((l) => ('guest' in l && l.guest === 'test2' ? down(l) : l))
    const answer = explain({ ...single, links }, 'test1', 'test2')
    expect(answer.reachable).toBe(false)
    expect(answer.why).toBe('link down: test2:eth1 is set down')
    expect(answer.blockedAt).toEqual({ node: 'ovs0', port: 'test2:eth1', vlan: 100 })
  })
  it('names the wire that is down', () => {
    const multi = seed('multi-host-vlan.yaml')
    const links = multi.links!.map((l) => ('between' in l ? down(l) : l))
    const answer = explain({ ...multi, links }, 'h1a', 'h2a')
    expect(answer).toMatchObject({ reachable: false, why: 'link down: the wire ovs1~ovs2 is set down' })
    expect(answer.blockedAt).toMatchObject({ node: 'ovs1', port: 'ovs1~ovs2' })
  })
})
