// `tc -j qdisc show` read back as hostile input: the root qdisc of each device with the values
// patchbay compares, in canonical units; anything malformed is left out (so status sees drift).
import { describe, expect, it } from 'vitest'
import { parseRootQdiscs } from '../../../electron/core/observe/tc-json.ts'

describe('root qdiscs from tc -j', () => {
  it('reads tbf (as this kernel prints it) and netem (as iproute2 prints it) into canonical units', () => {
    const out = JSON.stringify([
      {
        kind: 'tbf',
        handle: '8002:',
        dev: 'a-eth1',
        root: true,
        options: { rate: 1250000, burst: 4095, lat: 50000 },
      },
      {
        kind: 'netem',
        handle: '8001:',
        dev: 'b-eth1',
        root: true,
        options: {
          limit: 1000,
          delay: { delay: 0.04, jitter: 0.005, correlation: 0 },
          'loss-random': { loss: 1, correlation: 0 },
          duplicate: { duplicate: 0.5, correlation: 0 },
          rate: { rate: 125000, packetoverhead: 0 },
          ecn: false,
          gap: 0,
        },
      },
      { kind: 'noqueue', handle: '0:', dev: 'c-eth1', root: true, refcnt: 2, options: {} },
      { kind: 'pfifo', handle: '1:', dev: 'a-eth1', parent: '8002:1', options: { limit: 1000 } },
    ])
    const q = parseRootQdiscs(out)
    expect(q.get('a-eth1')).toEqual({ kind: 'tbf', values: { rate: 10_000_000 } })
    expect(q.get('b-eth1')).toEqual({
      kind: 'netem',
      values: { delay: 40_000, jitter: 5_000, loss: 1, duplicate: 0.5, rate: 1_000_000 },
    })
    expect(q.get('c-eth1')).toEqual({ kind: 'noqueue', values: {} })
    expect(q.size).toBe(3)
  })

  it('leaves out what does not parse, and never throws', () => {
    const hostile = [
      'not json',
      '{"kind":"netem"}',
      JSON.stringify([{ kind: 'netem', dev: 'x', root: true, options: { delay: { delay: -1 } } }]),
      JSON.stringify([{ kind: 'tbf', dev: 'x', root: true, options: { rate: 'fast' } }]),
      JSON.stringify([{ kind: 'x'.repeat(100), dev: 'x', root: true }]),
      JSON.stringify([{ kind: 'netem', dev: 'x', root: 'yes' }]),
    ]
    for (const text of hostile) expect(parseRootQdiscs(text).size, text).toBe(0)
    // A percentage beyond 100 is not taken as a value.
    const odd = JSON.stringify([
      { kind: 'netem', dev: 'x', root: true, options: { 'loss-random': { loss: 500 } } },
    ])
    expect(parseRootQdiscs(odd).get('x')).toEqual({ kind: 'netem', values: {} })
  })
})
