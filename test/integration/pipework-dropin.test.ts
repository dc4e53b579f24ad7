// `patchbay pipework` with the seeds' own lines, one call each, against four real containers: the
// same domains and pings as the lab file, and every call recorded so status and destroy see it.
import { existsSync, readFileSync } from 'node:fs'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DomainsReply } from '../../shared/api/contract.ts'
import { runCli } from '../support/cli.ts'
import { readScenario } from '../support/scenarios.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { snapshot, sweep } from './support/machine.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs', 'docker'])

describe.skipIf(skipReason !== null)('the pipework drop-in with the seed script', () => {
  const prefix = testPrefix()
  const stateDir = `/tmp/patchbay-test-state/${prefix}`
  const labFile = `${stateDir}/pipework.yaml`
  // pipework makes an absent `ovs*` interface an OVS bridge, so the prefix goes after "ovs" there.
  const n = (name: string) => (name === 'ovs0' ? `ovs${prefix}` : `${prefix}${name}`)
  // The seeds' lines, each name under this test's prefix.
  const seedLines = readScenario('pipework-seed.sh')
    .split('\n')
    .filter((l) => l.startsWith('pipework '))
    .map((l) =>
      l
        .split(' ')
        .slice(1)
        .map((w) => (/^(ovs0|test\d)$/.test(w) ? n(w) : w)),
    )
  const savedStateDir = process.env.PATCHBAY_STATE_DIR

  const pingFrom = async (container: string, address: string) => {
    const pid = (await execa('docker', ['inspect', '-f', '{{.State.Pid}}', container])).stdout.trim()
    return (
      (
        await execa(
          'nsenter',
          ['-t', pid, '-n', 'ping', '-n', '-q', '-c', '2', '-i', '0.2', '-W', '1', address],
          { reject: false },
        )
      ).exitCode === 0
    )
  }

  beforeAll(async () => {
    process.env.PATCHBAY_STATE_DIR = stateDir
    for (const t of ['test1', 'test2', 'test3', 'test4']) {
      await execa('docker', [
        'run',
        '-d',
        '--name',
        n(t),
        '--network',
        'none',
        'labbox:latest',
        'sleep',
        '100000',
      ])
    }
  })

  afterAll(async () => {
    await runCli(['destroy', labFile]).catch(() => undefined)
    await sweep(prefix)
    if (savedStateDir === undefined) delete process.env.PATCHBAY_STATE_DIR
    else process.env.PATCHBAY_STATE_DIR = savedStateDir
  })

  it('runs the four seed lines one by one', async () => {
    expect(seedLines).toHaveLength(4)
    for (const argv of seedLines) {
      const result = await runCli(['pipework', ...argv])
      expect(result.stderr).toContain('recorded in')
      expect(result.code).toBe(0)
    }
  })

  it('a line run twice changes nothing (pipework failed here: "Link … exists and is up")', async () => {
    const again = await runCli(['pipework', ...seedLines[0]!])
    expect(again.code).toBe(0)
    expect(again.stderr).toContain('(0 ops;')
  })

  it('gives the domains of the lab file, observed from the kernel and OVS', async () => {
    const observed = await runCli(['domains', labFile, '--json', '--observed'])
    expect(observed.code).toBe(0)
    const domains = DomainsReply.parse(JSON.parse(observed.stdout)).domains.map((d) => [d.vlan, d.members])
    expect(domains).toEqual([
      [100, [`${n('test1')}:eth1`, `${n('test2')}:eth1`]],
      [200, [`${n('test3')}:eth1`, `${n('test4')}:eth1`]],
    ])
  })

  it('pings as the script says: test1<->test2 and test3<->test4, not across', async () => {
    expect(await pingFrom(n('test1'), '192.168.0.2')).toBe(true)
    expect(await pingFrom(n('test4'), '192.168.0.3')).toBe(true)
    expect(await pingFrom(n('test1'), '192.168.0.3')).toBe(false)
    const verify = await runCli(['verify', labFile, '--json'])
    expect(verify.code).toBe(0)
    expect(JSON.parse(verify.stdout).ok).toBe(true)
  })

  it('route subcommands run inside the guest, as argv', async () => {
    const added = await runCli(['pipework', 'route', n('test1'), 'add', '10.77.0.0/16', 'via', '192.168.0.2'])
    expect(added.code).toBe(0)
    const shown = await runCli(['pipework', 'route', n('test1'), 'show', '10.77.0.0/16'])
    expect(shown.stdout).toContain('10.77.0.0/16 via 192.168.0.2 dev eth1')
  })

  it('status sees every recorded link up, and destroy removes them but not the containers', async () => {
    expect(readFileSync(labFile, 'utf8')).toContain(
      `- { guest: ${n('test4')}, to: ${n('ovs0')}, ip: 192.168.0.4/24, vlan: 200 }`,
    )
    const status = await runCli(['status', labFile, '--json'])
    expect(JSON.parse(status.stdout).links.map((l: { state: string }) => l.state)).toEqual([
      'up',
      'up',
      'up',
      'up',
    ])
    expect((await runCli(['destroy', labFile])).code).toBe(0)
    const left = await snapshot(prefix)
    expect(left.containers).toEqual([n('test1'), n('test2'), n('test3'), n('test4')])
    expect(left.links).toEqual([])
    expect(left.ovsBridges).toEqual([])
  })
})

describe.skipIf(skipReason !== null)('the pipework drop-in after a recorded container is removed', () => {
  const prefix = testPrefix()
  const stateDir = `/tmp/patchbay-test-state/${prefix}`
  const labFile = `${stateDir}/pipework.yaml`
  const bridge = `ovs${prefix}`
  const [gone, kept, later] = ['a', 'b', 'c'].map((t) => `${prefix}${t}`) as [string, string, string]
  const savedStateDir = process.env.PATCHBAY_STATE_DIR
  const run = (name: string) =>
    execa('docker', ['run', '-d', '--name', name, '--network', 'none', 'labbox:latest', 'sleep', '100000'])

  beforeAll(async () => {
    process.env.PATCHBAY_STATE_DIR = stateDir
    await Promise.all([run(gone), run(kept), run(later)])
  })

  afterAll(async () => {
    await runCli(['destroy', labFile]).catch(() => undefined)
    await sweep(prefix)
    if (savedStateDir === undefined) delete process.env.PATCHBAY_STATE_DIR
    else process.env.PATCHBAY_STATE_DIR = savedStateDir
  })

  it('forgets the removed container, says so, and attaches the next one', async () => {
    expect((await runCli(['pipework', bridge, gone, '10.9.0.1/24'])).code).toBe(0)
    expect((await runCli(['pipework', bridge, kept, '10.9.0.2/24'])).code).toBe(0)
    await execa('docker', ['rm', '-f', gone])

    const next = await runCli(['pipework', bridge, later, '10.9.0.3/24'])
    expect(next.stderr).toContain(`forgot ${gone}`)
    expect(next.code).toBe(0)
    const record = readFileSync(labFile, 'utf8')
    expect(record).not.toContain(gone)
    expect(record).toContain(kept)
    expect(record).toContain(later)
    const status = await runCli(['status', labFile, '--json'])
    expect(JSON.parse(status.stdout).links.map((l: { state: string }) => l.state)).toEqual(['up', 'up'])
    // The removed container's OVS port went with it: nothing of it is left on the bridge.
    expect((await snapshot(prefix)).ovsPorts.filter((p) => p.includes(gone))).toEqual([])
  })

  it('destroying the recorded lab clears the record, and the next call starts a new one', async () => {
    expect((await runCli(['destroy', labFile])).code).toBe(0)
    expect(existsSync(labFile)).toBe(false)
    expect((await runCli(['pipework', bridge, kept, '10.9.0.2/24'])).code).toBe(0)
    const record = readFileSync(labFile, 'utf8')
    expect(record).toContain(kept)
    expect(record).not.toContain(later)
  })
})
