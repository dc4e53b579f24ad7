import { execa } from 'execa'
import { describe, expect, it } from 'vitest'
import type { TraceReply } from '../../shared/api/contract.ts'
import { appliedLab } from '../support/applied-lab.ts'
import { runCli } from '../support/cli.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs', 'docker'])

describe.skipIf(skipReason !== null)('patchbay trace on an applied two-bridge lab', () => {
  const p = testPrefix()
  const [s1, s2, a, b, c] = [`${p}s1`, `${p}s2`, `${p}a`, `${p}b`, `${p}c`] as const
  const trunk = `${s1}~${s2}`
  const { file } = appliedLab(
    p,
    `patchbay: 1
name: ${p}-trace
nodes:
  ${s1}: { kind: ovs-bridge }
  ${s2}: { kind: ovs-bridge }
  ${a}: { kind: netns }
  ${b}: { kind: container, image: "labbox:latest", command: [sleep, "1000000"] }
  ${c}: { kind: netns }
links:
  - { guest: ${a}, to: ${s1}, ip: 10.79.0.1/24, vlan: 10, hostIfname: ${p}pa }
  - { guest: ${b}, to: ${s2}, ip: 10.79.0.2/24, vlan: 10, hostIfname: ${p}pb }
  - { guest: ${c}, to: ${s2}, ip: 10.79.0.3/24, vlan: 20, hostIfname: ${p}pc }
  - { between: [${s1}, ${s2}], trunk: [10, 20], ifnames: [${p}t1, ${p}t2] }
`,
    'lab.yaml',
  )

  /** No tcpdump of this trace is left running: every capture was stopped. */
  const leftoverCaptures = async () =>
    (await execa('pgrep', ['-f', `tcpdump .*-i ${p}`], { reject: false })).stdout.trim()

  it('sees tag 10 on the trunk and no tag at the access ports, in order, and B answers', async () => {
    const run = await runCli(['trace', file, a, b, '--json'])
    expect(run.code, run.stderr).toBe(0)
    const reply = JSON.parse(run.stdout) as TraceReply
    expect(reply).toMatchObject({ from: `${a}:eth1`, to: `${b}:eth1`, reached: true, replied: true })
    expect(reply.stoppedAt).toBeNull()
    const requests = reply.hops.filter((h) => h.kind === 'arp-request' && h.seen)
    // The first frame is A's ARP request leaving A; it is then seen on each port of the path in order.
    expect(reply.hops[0]).toMatchObject({ node: a, port: 'eth1', kind: 'arp-request', vlan: null })
    const order = requests.map((h) => `${h.node}/${h.port}`)
    const path = [
      `${a}/eth1`,
      `${s1}/${a}:eth1`,
      `${s1}/${trunk}`,
      `${s2}/${trunk}`,
      `${s2}/${b}:eth1`,
      `${b}/eth1`,
    ]
    expect(order.filter((x) => path.includes(x)).slice(0, path.length)).toEqual(path)
    // Tagged 10 on both ends of the trunk, untagged at every access port and guest interface.
    const onTrunk = reply.hops.filter((h) => h.port === trunk && h.seen)
    expect(onTrunk.length).toBeGreaterThanOrEqual(2)
    for (const h of onTrunk) expect(h.vlan).toBe(10)
    const access = reply.hops.filter((h) => h.port !== trunk && h.seen)
    expect(access.length).toBeGreaterThanOrEqual(4)
    for (const h of access) expect(h.vlan, `${h.node}/${h.port}`).toBeNull()
    // The ping and its answer crossed too; B's port in the container saw them.
    expect(reply.hops.some((h) => h.node === b && h.kind === 'echo-request')).toBe(true)
    expect(reply.hops.some((h) => h.node === a && h.kind === 'echo-reply')).toBe(true)
    expect(reply.path.every((x) => x.seen)).toBe(true)
    // C (VLAN 20) saw nothing of it.
    expect(reply.hops.filter((h) => h.node === c || h.port === `${c}:eth1`)).toEqual([])
    expect(await leftoverCaptures()).toBe('')
  }, 60_000)

  it('to a guest in another VLAN: not reached, and says where it stopped', async () => {
    const run = await runCli(['trace', file, a, c, '--json'])
    expect(run.code, run.stderr).toBe(1)
    const reply = JSON.parse(run.stdout) as TraceReply
    expect(reply).toMatchObject({ reached: false, replied: false })
    expect(reply.stoppedAt).toEqual({ node: s2, port: trunk })
    expect(reply.hops).toContainEqual(
      expect.objectContaining({ node: s2, port: `${c}:eth1`, seen: false, kind: 'arp-request' }),
    )
    expect(reply.why).toContain(`last seen at ${s2} port ${trunk} (tagged 10)`)
    expect(reply.why).toContain(`${c}:eth1 is in VLAN 20`)
    expect(await leftoverCaptures()).toBe('')
    // In words too: the trunk's tag and where it stopped.
    const words = await runCli(['trace', file, a, c])
    expect(words.stdout).toMatch(new RegExp(`${s2}\\s+${trunk}\\s+vlan 10`))
    expect(words.stdout).toContain('NOT reached')
  }, 60_000)

  it('refuses names that are not guests of the lab, running nothing', async () => {
    const run = await runCli(['trace', file, a, s1])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`${s1} is a ovs-bridge, not a guest`)
  })
})
