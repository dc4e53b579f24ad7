// What a machine streams back while its part of a lab is watched is checked like any input from
// outside: only the contract's events, and only about what that machine holds, are kept.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { holdings, ownEvent } from '../../../electron/core/machines/machines-watch.ts'
import { Lab } from '../../../shared/lab/schema.ts'

const lab = Lab.parse(
  parse(
    readFileSync(join(import.meta.dirname, '..', '..', '..', 'examples', 'two-machines-vlan.yaml'), 'utf8'),
  ),
)
const held = holdings(lab)
const link = (id: string, state = 'up') => ({
  type: 'link',
  at: 1,
  link: { id, state, reasons: [] },
  node: null,
  previous: null,
})

describe('a lab over machines: what each machine holds and may speak of', () => {
  it('holds its guests links and both machines hold the tunnel between them', () => {
    const m1 = held.get('m1')!
    const m2 = held.get('m2')!
    const wire = [...m1.links].find((id) => m2.links.has(id))
    expect(wire).toBeDefined()
    expect(m1.links.size).toBe(3)
    expect(m2.links.size).toBe(3)
    expect([...m2.nodes].sort()).toEqual(['h2a', 'h2b', 'ovs2'])
  })

  it('keeps a machine its own link events and counters, and names it in its notices', () => {
    const own = [...held.get('m2')!.links][0]!
    expect(ownEvent(held.get('m2')!, 'm2', link(own))).toMatchObject({ type: 'link', link: { id: own } })
    expect(
      ownEvent(held.get('m2')!, 'm2', {
        type: 'counters',
        at: 1,
        linkId: own,
        rxBytes: 1,
        txBytes: 2,
        rxRate: 0,
        txRate: 0,
      }),
    ).not.toBeNull()
    expect(
      ownEvent(held.get('m2')!, 'm2', { type: 'notice', at: 1, message: 'Docker events are back' }),
    ).toEqual({
      type: 'notice',
      at: 1,
      message: 'machine m2: Docker events are back',
    })
  })

  it('drops what is not the contract, or speaks of what another machine holds', () => {
    const m1 = held.get('m1')!
    const ofM2Only = [...held.get('m2')!.links].find((id) => !m1.links.has(id))!
    for (const hostile of [
      null,
      'up',
      [],
      { type: 'link' },
      link(ofM2Only),
      link([...m1.links][0]!, 'fine'),
      { ...link([...m1.links][0]!), link: { id: [...m1.links][0], state: 'up' } },
      { type: 'machine', at: 1, machine: 'm2', reachable: false },
      { type: 'container', at: 1, node: 'h2a', action: 'die' },
      { type: 'heal', at: 1, node: 'h2a', ops: 3, ok: true, ms: 10 },
      { type: 'progress', planId: null, done: 1, total: 2, op: 'x' },
      { type: 'notice', at: 1, message: 42 },
    ])
      expect(ownEvent(m1, 'm1', hostile)).toBeNull()
    expect(ownEvent(m1, 'm1', { type: 'container', at: 1, node: 'h1a', action: 'die' })).not.toBeNull()
  })
})
