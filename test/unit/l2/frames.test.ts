import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { broadcastDomains } from '../../../shared/l2/domains.ts'
import { type FrameStep, simulateBroadcast, simulateUnicast } from '../../../shared/l2/frames.ts'
import { loadLab } from '../../../shared/lab/load.ts'
import type { Lab } from '../../../shared/lab/schema.ts'
import { readScenario } from '../../support/scenarios.ts'
import { lab } from './support.ts'

const example = (name: string): Lab => {
  const loaded = loadLab(readScenario(name), name)
  if (!loaded.lab) throw new Error(`${name} does not load`)
  return loaded.lab
}

/** A step as short strings: `link tag→fate`, sorted, easy to read in an assertion. */
const moves = (step: FrameStep): string[] =>
  step.moves.map((m) => `${m.linkId} ${m.tag ?? 'untagged'} ${m.fate}`).sort()

describe('an ARP request stepped across three hosts', () => {
  const l = example('three-hosts.yaml')
  const sim = simulateBroadcast(l, 'web1')

  it('goes up the access port, over the trunks tagged, out of access ports untagged', () => {
    expect(sim.steps.map(moves)).toEqual([
      ['web1:eth1 untagged forwarded'],
      ['ovsl1~spine 10 forwarded', 'web2:eth1 untagged delivered'],
      ['ovsl2~spine 10 forwarded'],
      ['web3:eth1 untagged delivered'],
    ])
    expect(sim.steps[0]!.moves[0]!.vlan).toBe(10)
    expect(sim.reached).toEqual(['web2:eth1', 'web3:eth1'])
    expect(sim.why).toBe('an ARP request from web1:eth1 (VLAN 10) reaches web2:eth1, web3:eth1')
  })

  it('never reaches a guest of another VLAN', () => {
    const all = sim.steps.flatMap((s) => s.moves)
    for (const other of ['db1', 'mon1', 'db2', 'gw', 'dns']) {
      expect(all.filter((m) => m.to === other)).toEqual([])
    }
  })

  it('a unicast frame takes only the path to its guest', () => {
    const u = simulateUnicast(l, 'web1', 'web3')
    expect(u.steps.map(moves)).toEqual([
      ['web1:eth1 untagged forwarded'],
      ['ovsl1~spine 10 forwarded'],
      ['ovsl2~spine 10 forwarded'],
      ['web3:eth1 untagged delivered'],
    ])
    expect(u.reached).toEqual(['web3:eth1'])
  })

  it('a unicast frame to another VLAN floods as unknown unicast and never arrives', () => {
    const u = simulateUnicast(l, 'web1', 'db2')
    expect(u.reached).toEqual([])
    expect(u.why).toContain('never reaches it')
    const fates = u.steps.flatMap((s) => s.moves).filter((m) => m.member !== undefined)
    expect(fates.map((m) => `${m.member} ${m.fate}`).sort()).toEqual([
      'web2:eth1 ignored',
      'web3:eth1 ignored',
    ])
  })
})

describe('drops, where the drawing refuses the frame', () => {
  it('an access wire of another VLAN: the frame never leaves the bridge', () => {
    const l = lab(
      { s1: { kind: 'ovs-bridge' }, s2: { kind: 'ovs-bridge' }, a: { kind: 'netns' }, b: { kind: 'netns' } },
      [
        { guest: 'a', to: 's1', vlan: 200, ip: '10.0.0.1/24' },
        { guest: 'b', to: 's2', vlan: 200, ip: '10.0.0.2/24' },
        { between: ['s1', 's2'], vlan: 100 },
      ],
    )
    const sim = simulateBroadcast(l, 'a')
    expect(sim.steps.map(moves)).toEqual([['a:eth1 untagged forwarded']])
    expect(sim.reached).toEqual([])
    expect(sim.why).toBe('an ARP request from a:eth1 (VLAN 200) reaches no other guest')
  })

  it('a pruned trunk: VLAN 200 never leaves ovs1 (exercise 3)', () => {
    const l = example('exercises/3-fix-broken-trunk.yaml')
    expect(simulateBroadcast(l, 'h1b').steps.map(moves)).toEqual([['h1b:eth1 untagged forwarded']])
    expect(simulateBroadcast(l, 'h1a').reached).toEqual(['h2a:eth1'])
  })

  it('a tagged frame crosses and is dropped by an access end, with the reason', () => {
    // The Linux bridge filters (a guest of it has a VLAN), so its end of the plain wire is an
    // access port of its default VLAN 1; the OVS end is a trunk of every VLAN and sends 200 tagged.
    const l = lab(
      {
        s1: { kind: 'ovs-bridge' },
        s2: { kind: 'linux-bridge' },
        a: { kind: 'netns' },
        b: { kind: 'netns' },
      },
      [{ guest: 'a', to: 's1', vlan: 200 }, { guest: 'b', to: 's2', vlan: 200 }, { between: ['s1', 's2'] }],
    )
    const sim = simulateBroadcast(l, 'a')
    expect(sim.steps.map(moves)).toEqual([['a:eth1 untagged forwarded'], ['s1~s2 200 dropped']])
    expect(sim.steps[1]!.moves[0]!.why).toBe(
      'tagged 200 on s1~s2; s2 drops it: its end of s1~s2 is an access port of VLAN 1, the frame is tagged 200',
    )
    expect(sim.why).toBe('an ARP request from a:eth1 (VLAN 200) reaches no other guest; dropped at 1 port')
  })

  it('a native-VLAN mismatch carries VLAN 100 untagged into VLAN 300', () => {
    const l = example('exercises/4-native-mismatch.yaml')
    const sim = simulateBroadcast(l, 'h1a')
    expect(sim.steps.map(moves)).toEqual([['h1a:eth1 untagged forwarded'], ['ovs1~ovs2 untagged forwarded']])
    const crossed = sim.steps[1]!.moves[0]!
    expect(crossed.vlan).toBe(300)
    expect(crossed.why).toContain('ovs2 takes it into VLAN 300 — it left ovs1 in VLAN 100')
    expect(sim.reached).toEqual([])
  })

  it('a loop is flooded once per bridge and VLAN, the second arrival marked', () => {
    const l = lab(
      {
        s1: { kind: 'ovs-bridge' },
        s2: { kind: 'ovs-bridge' },
        s3: { kind: 'ovs-bridge' },
        a: { kind: 'netns' },
      },
      [
        { guest: 'a', to: 's1' },
        { between: ['s1', 's2'] },
        { between: ['s2', 's3'] },
        { between: ['s3', 's1'] },
      ],
    )
    const all = simulateBroadcast(l, 'a').steps.flatMap((s) => s.moves)
    expect(all.filter((m) => m.fate === 'looped').length).toBeGreaterThan(0)
    expect(all.length).toBeLessThan(10)
  })
})

const VLANS = [10, 20, 30]

/** OVS and filtering Linux bridges, guests on any VLAN, wires whose ends agree on their native VLAN. */
const anyLab = fc
  .record({
    bridges: fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
    guests: fc.array(
      fc.record({ bridge: fc.nat(), vlan: fc.option(fc.constantFrom(...VLANS), { nil: undefined }) }),
      { minLength: 1, maxLength: 10 },
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
        ),
      }),
      { maxLength: 6 },
    ),
  })
  .map(({ bridges, guests, wires }): Lab => {
    const nodes: Lab['nodes'] = {}
    bridges.forEach((ovs, i) => {
      nodes[`s${i}`] = ovs ? { kind: 'ovs-bridge' } : { kind: 'linux-bridge' }
    })
    const links: NonNullable<Lab['links']> = guests.map((g, i) => {
      nodes[`g${i}`] = { kind: 'netns' }
      return { guest: `g${i}`, to: `s${g.bridge % bridges.length}`, ...(g.vlan ? { vlan: g.vlan } : {}) }
    })
    for (const w of wires) {
      const a = w.a % bridges.length
      const b = w.b % bridges.length
      if (a !== b) links.push({ between: [`s${a}`, `s${b}`], ...w.mode })
    }
    return { patchbay: 1, name: 'prop', nodes, links }
  })

describe('stepping property', () => {
  it('a broadcast reaches exactly the other members of its broadcast domain', () => {
    fc.assert(
      fc.property(anyLab, (l) => {
        const analysis = broadcastDomains(l)
        for (const domain of analysis.domains) {
          for (const from of domain.members) {
            const sim = simulateBroadcast(l, from, analysis)
            expect(sim.reached).toEqual(domain.members.filter((m) => m !== from))
            // Every step's frames leave a node a frame arrived at in the step before.
            for (let i = 1; i < sim.steps.length; i++) {
              const arrived = new Set(
                sim.steps[i - 1]!.moves.filter((m) => m.fate === 'forwarded').map((m) => m.to),
              )
              for (const m of sim.steps[i]!.moves) expect(arrived.has(m.from)).toBe(true)
            }
          }
        }
      }),
      { numRuns: 150 },
    )
  }, 60_000)

  it('a unicast arrives exactly when the two share a domain', () => {
    fc.assert(
      fc.property(anyLab, (l) => {
        const analysis = broadcastDomains(l)
        const names = [...analysis.members.keys()]
        for (const from of names)
          for (const to of names) {
            if (from === to) continue
            const u = simulateUnicast(l, from, to, analysis)
            const same = analysis.domainOf.get(from) === analysis.domainOf.get(to)
            expect(u.reached.length === 1).toBe(same)
            if (same) expect(u.steps.at(-1)!.moves[0]!.member).toBe(to)
          }
      }),
      { numRuns: 80 },
    )
  }, 60_000)
})
