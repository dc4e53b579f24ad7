// A veth straight between two guests (`between: [a, b]`, containerlab's links): a netns and a
// container the lab makes, joined by one veth with an end in each, ping each other; status says
// up, a second apply has nothing to do, destroy removes it, and the observed lab shows the pair.
import { execa } from 'execa'
import { afterAll, describe, expect, it } from 'vitest'
import { createEngine } from '../../electron/core/create-engine.ts'
import { observedLab } from '../../electron/core/observed-lab.ts'
import { labStatus } from '../../electron/core/status.ts'
import { verifyLab } from '../../electron/core/verify.ts'
import { checkLab } from '../../shared/lab/check.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { sweep } from './support/machine.ts'

const skipReason = await missingLabHost(['iproute2', 'docker'])

describe.skipIf(skipReason !== null)('a veth between two guests', () => {
  const prefix = testPrefix()
  const a = `${prefix}pa`
  const b = `${prefix}pb`
  const engine = createEngine({ stateDir: `/tmp/patchbay-test-state/${prefix}` })
  const checked = checkLab({
    patchbay: 1,
    name: `${prefix}-pair`,
    nodes: {
      [a]: { kind: 'netns' },
      [b]: { kind: 'container', image: 'labbox:latest', command: ['sleep', '100000'] },
    },
    links: [
      {
        between: [a, b],
        ifnames: ['e1-1', 'e1-2'],
        ips: [['10.206.0.1/30', 'fd06::1/64'], '10.206.0.2/30'],
        macs: ['02:00:00:06:00:01', `U:${prefix}pb`],
        mtu: 1400,
      },
    ],
  })
  const lab = checked.lab as Lab

  afterAll(async () => {
    await engine.destroy(lab).catch(() => undefined)
    await sweep(prefix)
  })

  it('applies one veth with an end in each guest, and they ping each other', async () => {
    expect(checked.problems).toEqual([])
    const { plan, result } = await engine.apply(lab)
    expect(plan.problems).toEqual([])
    const create = plan.ops.filter((op) => op.action === 'veth.create')
    expect(create).toHaveLength(1)
    expect(create[0]!.pipework).toBeNull()
    expect(result?.failed).toBeUndefined()
    const inside = JSON.parse((await execa('ip', ['-n', a, '-j', '-d', 'addr', 'show', 'e1-1'])).stdout)[0]
    expect(inside).toMatchObject({ mtu: 1400, address: '02:00:00:06:00:01', operstate: 'UP' })
    expect(inside.linkinfo.info_kind).toBe('veth')
    const ping = await execa(
      'ip',
      ['netns', 'exec', a, 'ping', '-n', '-q', '-c', '2', '-i', '0.2', '-W', '1', '10.206.0.2'],
      { reject: false },
    )
    expect(ping.exitCode, ping.stdout).toBe(0)
    // The host holds neither end.
    expect((await execa('ip', ['-o', 'link', 'show'])).stdout).not.toContain('e1-1')
    expect((await verifyLab(lab, { run: engine.run, containers: engine.containers })).ok).toBe(true)
    // Read at once: the container's end reads operstate DOWN for up to a second after it was set up
    // (the kernel's linkwatch), while its carrier is there; status judges by the carrier.
    const observed = await engine.observe(lab)
    const status = labStatus(lab, observed)
    expect(
      status.links.map((l) => l.state),
      JSON.stringify(status.links),
    ).toEqual(['up'])
    expect(status.inSync).toBe(true)
    expect(observedLab(lab, observed).links).toContainEqual(
      expect.objectContaining({ between: [a, b], ifnames: ['e1-1', 'e1-2'] }),
    )
    expect((await engine.apply(lab)).plan.ops).toEqual([])
  })

  it('repairs an address removed by hand, and destroy removes the veth with the guests', async () => {
    await execa('ip', ['-n', a, 'addr', 'del', '10.206.0.1/30', 'dev', 'e1-1'])
    const drifted = labStatus(lab, await engine.observe(lab))
    expect(drifted.links[0]!.state).toBe('drifted')
    expect((await engine.apply(lab)).result?.failed).toBeUndefined()
    expect((await execa('ip', ['-n', a, '-o', 'addr', 'show', 'e1-1'])).stdout).toContain('10.206.0.1/30')

    expect((await engine.destroy(lab)).result?.ok).toBe(true)
    expect((await execa('ip', ['netns', 'list'])).stdout).not.toContain(a)
    const docker = await execa('docker', ['ps', '-a', '--format', '{{.Names}}'])
    expect(docker.stdout).not.toContain(b)
  })

  it('removing the link from a lab whose guests stay deletes only the veth', async () => {
    expect((await engine.apply(lab)).result?.failed).toBeUndefined()
    const without: Lab = { ...lab, links: [] }
    const { plan, result } = await engine.apply(without)
    expect(
      plan.ops.map((op) => `${op.action} ${op.exec.tool === 'ip' ? op.exec.line.join(' ') : ''}`),
    ).toEqual(['veth.delete link del e1-1'])
    expect(result?.failed).toBeUndefined()
    expect((await execa('ip', ['-n', a, '-o', 'link', 'show'])).stdout).not.toContain('e1-1')
    expect((await engine.destroy(without)).result?.ok).toBe(true)
  })
})
