// `netem:` and `state: down` in the planner and in status: the qdisc on the guest link's host end
// (set, repaired, removed), the capability refusal without netem, and a link taken down on purpose.
import { describe, expect, it } from 'vitest'
import { labStatus } from '../../../electron/core/status.ts'
import { loadLab } from '../../../shared/lab/load.ts'
import type { ObservedHost } from '../../../shared/plan/observed.ts'
import { execArgv } from '../../../shared/plan/op.ts'
import { planLab } from '../../../shared/plan/plan.ts'
import type { ObservedQdisc } from '../../../shared/plan/qdisc.ts'
import { converged, emptyHost } from './fixtures.ts'

const lab = (extra: string) =>
  loadLab(
    `patchbay: 1\nname: one\nnodes:\n  s: { kind: ovs-bridge }\n  n1: { kind: netns }\nlinks:\n  - { guest: n1, to: s, ip: 10.0.0.1/24, vlan: 10${extra} }\n`,
  ).lab!
const observed = (host: ObservedHost) => ({ hosts: { local: host } })
const withQdisc = (qdisc: ObservedQdisc | null, host = converged()): ObservedHost => ({
  ...host,
  interfaces: host.interfaces.map((i) => (i.name === 'n1-eth1' ? { ...i, qdisc } : i)),
})
const lines = (extra: string, host: ObservedHost) =>
  planLab(lab(extra), observed(host)).ops.map((op) => execArgv(op.exec).join(' '))

describe('impairments in the plan', () => {
  it('puts one netem qdisc with every field on the host end, with its tc line', () => {
    const plan = planLab(
      lab(', netem: { delay: 40ms, jitter: 5ms, loss: 1%, rate: 10mbit }'),
      observed(converged()),
    )
    expect(plan.problems).toEqual([])
    expect(plan.ops).toHaveLength(1)
    const op = plan.ops[0]!
    expect(op).toMatchObject({ action: 'qdisc.set', linkId: 'n1:eth1', implies: 'drifted' })
    expect(execArgv(op.exec)).toEqual(
      'tc qdisc replace dev n1-eth1 root netem delay 40000us 5000us loss 1% rate 10000000bit'.split(' '),
    )
    expect(op.pipework).toBe(
      'tc qdisc replace dev n1-eth1 root netem delay 40000us 5000us loss 1% rate 10000000bit',
    )
  })

  it('uses a token bucket for a rate alone', () => {
    expect(lines(', netem: { rate: 10mbit }', converged())).toEqual([
      'tc qdisc replace dev n1-eth1 root tbf rate 10000000bit burst 25000 latency 50ms',
    ])
  })

  it('does nothing when the kernel shows the declared qdisc (within its rounding)', () => {
    const seen = { kind: 'netem', values: { delay: 40_001, loss: 0.9999999 } }
    expect(lines(', netem: { delay: 40ms, loss: 1% }', withQdisc(seen))).toEqual([])
    expect(
      lines(', netem: { rate: 10mbit }', withQdisc({ kind: 'tbf', values: { rate: 10_000_000 } })),
    ).toEqual([])
  })

  it('reports a changed or missing qdisc as drift naming the link, and repairs it', () => {
    const changed = withQdisc({ kind: 'netem', values: { delay: 20_000 } })
    const status = labStatus(lab(', netem: { delay: 40ms }'), observed(changed)).links[0]!
    expect(status).toMatchObject({ id: 'n1:eth1', state: 'drifted' })
    expect(status.reasons).toEqual([
      'n1:eth1: n1-eth1 has delay 20ms, the lab says 40ms; the lab says delay 40ms',
    ])
    const gone = labStatus(lab(', netem: { delay: 40ms }'), observed(converged())).links[0]!
    expect(gone.reasons[0]).toContain('n1-eth1 has no netem qdisc')
    expect(lines(', netem: { delay: 40ms }', changed)).toEqual([
      'tc qdisc replace dev n1-eth1 root netem delay 40000us',
    ])
  })

  it('removes an impairment the lab no longer declares, and leaves the kernel default alone', () => {
    expect(lines('', withQdisc({ kind: 'tbf', values: { rate: 8000 } }))).toEqual([
      'tc qdisc del dev n1-eth1 root',
    ])
    expect(lines('', withQdisc({ kind: 'noqueue', values: {} }))).toEqual([])
  })

  it('refuses delay without netem in the kernel, naming the link and the missing feature; rate alone still works', () => {
    const noNetem = { ...converged(), capabilities: { ...converged().capabilities, netem: false } }
    const plan = planLab(lab(', netem: { delay: 40ms, loss: 1%, rate: 1mbit }'), observed(noNetem))
    expect(plan.problems).toEqual([
      {
        kind: 'capability',
        field: 'links[0]',
        message:
          "link n1:eth1: delay, loss needs the kernel's netem qdisc (sch_netem), which this kernel (host local) lacks; only rate works without it",
      },
    ])
    expect(plan.ops.filter((op) => op.action === 'qdisc.set')).toEqual([])
    expect(lines(', netem: { rate: 1mbit }', noNetem)).toEqual([
      'tc qdisc replace dev n1-eth1 root tbf rate 1000000bit burst 4096 latency 50ms',
    ])
  })

  it('sets the qdisc after making the link', () => {
    const plan = planLab(lab(', netem: { rate: 10mbit }'), observed(emptyHost()))
    const actions = plan.ops.map((op) => op.action)
    expect(actions.indexOf('qdisc.set')).toBeGreaterThan(actions.indexOf('veth.create'))
  })
})

describe('state: down in the plan and status', () => {
  const down = (host: ObservedHost): ObservedHost => ({
    ...host,
    interfaces: host.interfaces.map((i) => ({ ...i, adminUp: false, operState: 'DOWN' })),
    guests: Object.fromEntries(
      Object.entries(host.guests).map(([n, g]) => [
        n,
        { ...g, interfaces: g.interfaces.map((i) => ({ ...i, adminUp: false, operState: 'DOWN' })) },
      ]),
    ),
  })

  it('sets both ends down when they are up', () => {
    expect(lines(', state: down', converged())).toEqual([
      'ip -n n1 link set eth1 down',
      'ip link set n1-eth1 down',
    ])
    expect(labStatus(lab(', state: down'), observed(converged())).links[0]).toMatchObject({
      state: 'drifted',
    })
  })

  it('shows a link down as the lab says as administratively down, with nothing to do', () => {
    expect(lines(', state: down', down(converged()))).toEqual([])
    const status = labStatus(lab(', state: down'), observed(down(converged())))
    expect(status.inSync).toBe(true)
    expect(status.links[0]).toMatchObject({ state: 'admin-down' })
    // Without `state: down` the same machine is a failure to repair.
    expect(labStatus(lab(''), observed(down(converged()))).links[0]).toMatchObject({ state: 'down' })
  })

  it('makes a new link and then sets it down, never bringing it up by repair', () => {
    const plan = planLab(lab(', state: down'), observed(emptyHost()))
    const last = plan.ops.filter((op) => op.action === 'link.down').map((op) => execArgv(op.exec).join(' '))
    expect(last).toEqual(['ip -n n1 link set eth1 down', 'ip link set n1-eth1 down'])
    expect(plan.ops.at(-1)?.action).toBe('link.down')
    expect(plan.ops.some((op) => op.id.endsWith(':up'))).toBe(false)
  })
})
