import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { broadcastDomains } from '../../../shared/l2/domains.ts'
import { checkLab } from '../../../shared/lab/check.ts'
import { loadLab } from '../../../shared/lab/load.ts'
import type { Lab } from '../../../shared/lab/schema.ts'
import { readScenario } from '../../support/scenarios.ts'

const VLANS = [10, 20, 30]

/** Labs of OVS bridges only, guests with or without access VLANs, and wires with any VLAN settings
 *  that are the same at both ends. */
const ovsLab = fc
  .record({
    bridges: fc.integer({ min: 1, max: 4 }),
    guests: fc.array(
      fc.record({ bridge: fc.nat(), vlan: fc.option(fc.constantFrom(...VLANS), { nil: undefined }) }),
      {
        minLength: 1,
        maxLength: 12,
      },
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
    for (let i = 0; i < bridges; i++) nodes[`s${i}`] = { kind: 'ovs-bridge' }
    guests.forEach((_, i) => {
      nodes[`g${i}`] = { kind: 'netns' }
    })
    const links: NonNullable<Lab['links']> = guests.map((g, i) => ({
      guest: `g${i}`,
      to: `s${g.bridge % bridges}`,
      ...(g.vlan ? { vlan: g.vlan } : {}),
    }))
    for (const w of wires) {
      const a = w.a % bridges
      const b = w.b % bridges
      if (a !== b) links.push({ between: [`s${a}`, `s${b}`], ...w.mode })
    }
    return { patchbay: 1, name: 'prop', nodes, links }
  })

describe('broadcast domain properties', () => {
  it('never puts two different access VLANs of one OVS bridge into one domain', () => {
    fc.assert(
      fc.property(ovsLab, (lab) => {
        const { domains, members } = broadcastDomains(lab)
        for (const domain of domains) {
          const vlanOnBridge = new Map<string, number | undefined>()
          for (const name of domain.members) {
            const member = members.get(name)!
            const link = lab.links![member.linkIndex] as { vlan?: number }
            if (vlanOnBridge.has(member.bridge)) expect(vlanOnBridge.get(member.bridge)).toBe(link.vlan)
            vlanOnBridge.set(member.bridge, link.vlan)
          }
        }
      }),
      { numRuns: 500 },
    )
  })

  it('puts every guest interface in exactly one domain', () => {
    fc.assert(
      fc.property(ovsLab, (lab) => {
        const { domains } = broadcastDomains(lab)
        const all = domains.flatMap((d) => d.members).sort()
        const guests = lab
          .links!.filter((l) => 'guest' in l)
          .map((l) => `${(l as { guest: string }).guest}:eth1`)
        expect(all).toEqual(guests.sort())
      }),
      { numRuns: 300 },
    )
  })

  it('joins two guests of one VLAN on two bridges exactly when some wire path carries that VLAN', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VLANS), fc.subarray(VLANS, { minLength: 1 }), (vlan, trunk) => {
        const lab: Lab = {
          patchbay: 1,
          name: 'pair',
          nodes: {
            s0: { kind: 'ovs-bridge' },
            s1: { kind: 'ovs-bridge' },
            x: { kind: 'netns' },
            y: { kind: 'netns' },
          },
          links: [
            { guest: 'x', to: 's0', vlan },
            { guest: 'y', to: 's1', vlan },
            { between: ['s0', 's1'], trunk },
          ],
        }
        expect(broadcastDomains(lab).domains.length).toBe(trunk.includes(vlan) ? 1 : 2)
      }),
    )
  })
})

describe('validation never throws', () => {
  it('on any value at all', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const result = checkLab(input)
        expect(result.lab === null || result.problems.every((p) => p.severity === 'warning')).toBe(true)
      }),
      { numRuns: 500 },
    )
  })

  it('on any text as a file', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        expect(Array.isArray(loadLab(text).problems)).toBe(true)
      }),
      { numRuns: 500 },
    )
  })

  it('on a scenario with any one field replaced by anything', () => {
    const base = loadLab(readScenario('multi-host-vlan.yaml')).lab!
    const paths: (string | number)[][] = []
    const walk = (v: unknown, path: (string | number)[]) => {
      paths.push(path)
      if (Array.isArray(v)) for (const [i, x] of v.entries()) walk(x, [...path, i])
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k])
    }
    walk(base, [])
    fc.assert(
      fc.property(fc.constantFrom(...paths.filter((p) => p.length > 0)), fc.anything(), (path, value) => {
        const lab = structuredClone(base) as unknown as Record<string | number, unknown>
        let parent = lab
        for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>
        parent[path.at(-1)!] = value
        const result = checkLab(lab)
        for (const p of result.problems) expect(p.message.length).toBeGreaterThan(0)
      }),
      { numRuns: 1000 },
    )
  })
})
