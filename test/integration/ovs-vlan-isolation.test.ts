// Proves the lab host can do what the engine relies on: namespaces, veths and an OVS bridge on the
// userspace datapath with access-port tags isolate VLANs. Not the engine; the machine under it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Runner } from '../../electron/core/exec/runner.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs'])

describe.skipIf(skipReason !== null)('an OVS netdev bridge with tagged access ports', () => {
  const prefix = testPrefix()
  const bridge = `${prefix}ovs`
  const run = new Runner()
  const guests = [
    { ns: `${prefix}-a`, hostEnd: `${prefix}a`, tag: 100, ip: '10.201.0.1' },
    { ns: `${prefix}-b`, hostEnd: `${prefix}b`, tag: 100, ip: '10.201.0.2' },
    { ns: `${prefix}-c`, hostEnd: `${prefix}c`, tag: 200, ip: '10.201.0.3' },
  ]
  const [a, b, c] = guests as [(typeof guests)[0], (typeof guests)[0], (typeof guests)[0]]

  const ping = (from: { ns: string }, to: { ip: string }, count: number) =>
    run.run(
      [
        'ip',
        'netns',
        'exec',
        from.ns,
        'ping',
        '-n',
        '-q',
        '-c',
        String(count),
        '-i',
        '0.2',
        '-W',
        '1',
        to.ip,
      ],
      {
        allowFailure: true,
      },
    )

  beforeAll(async () => {
    await run.run(['ovs-vsctl', 'add-br', bridge, '--', 'set', 'bridge', bridge, 'datapath_type=netdev'])
    for (const g of guests) {
      await run.run(['ip', 'netns', 'add', g.ns])
      // The guest end is born inside its namespace with its final name, as the engine will do it.
      await run.run(['ip', 'link', 'add', g.hostEnd, 'type', 'veth', 'peer', 'name', 'eth1', 'netns', g.ns])
      await run.run(['ip', 'link', 'set', g.hostEnd, 'up'])
      await run.run(['ovs-vsctl', 'add-port', bridge, g.hostEnd, `tag=${g.tag}`])
      await run.run(['ip', '-n', g.ns, 'addr', 'add', `${g.ip}/24`, 'dev', 'eth1'])
      await run.run(['ip', '-n', g.ns, 'link', 'set', 'eth1', 'up'])
      await run.run(['ip', '-n', g.ns, 'link', 'set', 'lo', 'up'])
    }
  })

  afterAll(async () => {
    // Runs also when a step above failed: remove exactly what this test made.
    await run.run(['ovs-vsctl', '--if-exists', 'del-br', bridge], { allowFailure: true })
    for (const g of guests) {
      await run.run(['ip', 'netns', 'del', g.ns], { allowFailure: true })
      await run.run(['ip', 'link', 'del', g.hostEnd], { allowFailure: true })
    }
    const left = await run.run(['ip', '-o', 'link', 'show'])
    expect(left.stdout).not.toContain(prefix)
  })

  it('uses the userspace datapath and tags each port', async () => {
    const datapath = await run.run(['ovs-vsctl', 'get', 'bridge', bridge, 'datapath_type'])
    expect(datapath.stdout.replaceAll('"', '')).toBe('netdev')
    const tags = await Promise.all(guests.map((g) => run.run(['ovs-vsctl', 'get', 'port', g.hostEnd, 'tag'])))
    expect(tags.map((t) => t.stdout)).toEqual(['100', '100', '200'])
  })

  it('pings between two ports of VLAN 100', async () => {
    const result = await ping(a, b, 5)
    expect(result.exitCode, result.stdout).toBe(0)
  })

  it('does not ping from VLAN 100 into VLAN 200 on the same subnet', async () => {
    // Warm up the working pair first, so a failure below cannot be a bridge still starting.
    expect((await ping(b, a, 3)).exitCode).toBe(0)
    const result = await ping(a, c, 3)
    expect(result.exitCode, result.stdout).not.toBe(0)
    expect(result.stdout).toContain('0 received')
  })
})
