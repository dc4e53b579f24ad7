// `netem:` and `state:` on links: tc's units parsed strictly, bounded, and every refusal names the
// field and the value.
import { describe, expect, it } from 'vitest'
import { loadLab } from '../../../shared/lab/load.ts'
import { describeNetem, needsNetem, parsePercent, parseRate, parseTime } from '../../../shared/lab/netem.ts'
import { formatProblem } from '../../../shared/lab/problem.ts'

const lab = (link: string, nodes = '  a: {kind: netns}\n  ovs0: {kind: ovs-bridge}\n') =>
  `patchbay: 1\nname: t\nnodes:\n${nodes}links:\n  - ${link}\n`
const errors = (text: string) =>
  loadLab(text, 'lab.yaml')
    .problems.filter((p) => p.severity === 'error')
    .map(formatProblem)

describe('netem values', () => {
  it('reads tc units into microseconds, percent and bits per second', () => {
    expect(parseTime('40ms')).toBe(40_000)
    expect(parseTime('1.5s')).toBe(1_500_000)
    expect(parseTime('250us')).toBe(250)
    expect(parsePercent('0.5%')).toBe(0.5)
    expect(parseRate('10mbit')).toBe(10_000_000)
    expect(parseRate('512kbit')).toBe(512_000)
  })

  it('refuses signs, exponents, spaces and units it does not know', () => {
    for (const bad of ['-1ms', '1e99', '+4ms', ' 4ms', '4 ms', '4msx', 'ms', '4', '0x10ms', '1.ms'])
      expect(parseTime(bad), bad).toBeNull()
    expect(parseRate('1e99')).toBeNull()
    expect(parseRate('10Mbit/s')).toBeNull()
    expect(parsePercent('1')).toBeNull()
  })

  it('says which fields need netem and describes a spec in tc order', () => {
    expect(needsNetem({ rate: '10mbit' })).toBe(false)
    expect(needsNetem({ rate: '10mbit', loss: '1%' })).toBe(true)
    expect(describeNetem({ loss: '1%', delay: '40ms' })).toBe('delay 40ms, loss 1%')
  })
})

describe('netem and state in a lab file', () => {
  it('accepts every field and both states', () => {
    const netem =
      '{delay: 40ms, jitter: 5ms, loss: 1%, rate: 10mbit, corrupt: 0.1%, duplicate: 1%, reorder: 25%}'
    expect(errors(lab(`{guest: a, to: ovs0, netem: ${netem}, state: down}`))).toEqual([])
    const wire = '{between: [ovs0, ovs1], netem: {rate: 1gbit}, state: up}'
    expect(errors(lab(wire, '  ovs0: {kind: ovs-bridge}\n  ovs1: {kind: ovs-bridge}\n'))).toEqual([])
  })

  it.each([
    ['delay: "-1ms"', 'links[0].netem.delay: "-1ms" is not a time'],
    ['loss: "200%"', 'links[0].netem.loss: "200%" is more than 100%'],
    ['rate: "1e99"', 'links[0].netem.rate: "1e99" is not a rate'],
    ['rate: 1e99', 'links[0].netem.rate: 1e+99 is not a rate value'],
    ['rate: 1kbit', 'links[0].netem.rate: "1kbit" is outside 8kbit-100gbit'],
    ['rate: 200gbit', 'links[0].netem.rate: "200gbit" is outside 8kbit-100gbit'],
    ['delay: 61s', 'links[0].netem.delay: "61s" is longer than 60s'],
    ['jitter: 5ms', 'links[0].netem.jitter: jitter "5ms" needs a delay greater than 0'],
    ['delay: 5ms, jitter: 6ms', 'links[0].netem.jitter: jitter "6ms" is larger than the delay'],
    ['reorder: 5%', 'links[0].netem.reorder: reorder "5%" needs a delay greater than 0'],
    ['latency: 5ms', 'links[0].netem.latency: unknown field "latency"'],
  ])('refuses %s naming the field and value', (field, message) => {
    const found = errors(lab(`{guest: a, to: ovs0, netem: {${field}}}`))
    expect(found).toHaveLength(1)
    expect(found[0]).toContain(message)
  })

  it('refuses a state other than up or down', () => {
    expect(errors(lab('{guest: a, to: ovs0, state: off}')).join('\n')).toContain('links[0].state')
  })

  it('refuses an impairment on an uplink link and taking a local NIC down', () => {
    const nodes = '  a: {kind: netns}\n  br0: {kind: linux-bridge}\n  lan: {kind: uplink, interface: eth0}\n'
    expect(errors(lab('{guest: a, to: lan, netem: {delay: 1ms}}', nodes))[0]).toContain(
      'links[0].netem: lan is an uplink',
    )
    expect(errors(lab('{between: [br0, lan], state: down}', nodes))[0]).toContain(
      'links[0].state: lan is a NIC of this machine',
    )
  })
})
