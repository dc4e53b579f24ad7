// ip: dhcp against a real dnsmasq on a test bridge: the guests (a netns and a container) lease an
// address from its range, status reports it, destroy releases it, and the host's resolv.conf is
// never written.
import { readFileSync, readlinkSync } from 'node:fs'
import { execa, type ResultPromise } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine } from '../../electron/core/create-engine.ts'
import { labStatus } from '../../electron/core/status.ts'
import { checkLab } from '../../shared/lab/check.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { sweep } from './support/machine.ts'

const skipReason = await missingLabHost(['iproute2', 'docker'])

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe.skipIf(skipReason !== null)('DHCP from a real dnsmasq', () => {
  const prefix = testPrefix()
  const bridge = `${prefix}dh`
  const leases = `/tmp/patchbay-test-state/${prefix}-dnsmasq.leases`
  const log = `/tmp/patchbay-test-state/${prefix}-dnsmasq.log`
  const engine = createEngine({ stateDir: `/tmp/patchbay-test-state/${prefix}` })
  const lab = checkLab({
    patchbay: 1,
    name: `${prefix}-dhcp`,
    nodes: {
      [bridge]: { kind: 'linux-bridge' },
      [`${prefix}n`]: { kind: 'netns' },
      [`${prefix}c`]: { kind: 'container', image: 'labbox:latest', command: ['sleep', '100000'] },
    },
    links: [
      { guest: `${prefix}n`, to: bridge, ip: 'dhcp' },
      { guest: `${prefix}c`, to: bridge, ip: 'dhcp' },
    ],
  }).lab as Lab
  let dnsmasq: ResultPromise | undefined
  const releases = () => readFileSync(log, 'utf8').match(/DHCPRELEASE/g)?.length ?? 0
  const resolvConf = readFileSync('/etc/resolv.conf', 'utf8')

  beforeAll(async () => {
    // The bridge and its DHCP server are the test's (the lab only uses the bridge).
    await execa('ip', ['link', 'add', bridge, 'type', 'bridge'])
    await execa('ip', ['addr', 'add', '10.207.0.1/24', 'dev', bridge])
    await execa('ip', ['link', 'set', bridge, 'up'])
    await execa('mkdir', ['-p', '/tmp/patchbay-test-state'])
    dnsmasq = execa(
      'dnsmasq',
      [
        '--no-daemon',
        '--conf-file=/dev/null',
        `--interface=${bridge}`,
        '--bind-interfaces',
        '--except-interface=lo',
        '--port=0',
        '--no-ping',
        '--dhcp-range=10.207.0.50,10.207.0.99,255.255.255.0,1h',
        `--dhcp-leasefile=${leases}`,
        '--log-dhcp',
        `--log-facility=${log}`,
      ],
      { reject: false },
    )
  })

  afterAll(async () => {
    await engine.destroy(lab).catch(() => undefined)
    dnsmasq?.kill('SIGTERM')
    await dnsmasq
    await sweep(prefix)
  })

  it('both guests lease an address in the range, shown by status', async () => {
    expect(lab).not.toBeNull()
    const { plan, result } = await engine.apply(lab)
    expect(plan.problems).toEqual([])
    expect(result?.failed).toBeUndefined()
    const status = labStatus(lab, await engine.observe(lab), { dhcp: engine.dhcp(lab) })
    expect(status.inSync).toBe(true)
    for (const link of status.links) {
      expect(link.state).toBe('up')
      expect(link.addresses).toEqual([expect.stringMatching(/^10\.207\.0\.([5-9]\d)\/24$/)])
    }
    expect(readFileSync(leases, 'utf8').trim().split('\n')).toHaveLength(2)
    expect((await engine.apply(lab)).plan.ops).toEqual([])
  })

  it('a restarted container gets a new client in its new namespace, and the old one stops', async () => {
    const linkId = `${prefix}c:eth1`
    const pidFile = `${engine.dhcp(lab).dir}/${linkId}.pid`
    const old = Number(readFileSync(pidFile, 'utf8'))
    expect(alive(old)).toBe(true)
    await execa('docker', ['restart', '-t', '0', `${lab.name}.${prefix}c`])
    const { plan, result } = await engine.apply(lab)
    expect(result?.ok).toBe(true)
    expect(plan.ops.map((op) => op.id)).toContain(`dhcp.release:${linkId}`)
    await new Promise((r) => setTimeout(r, 300))
    // The old client kept the old namespace (and its veth) alive; it is gone now.
    expect(alive(old)).toBe(false)
    const client = Number(readFileSync(pidFile, 'utf8'))
    const container = (await execa('docker', ['inspect', '-f', '{{.State.Pid}}', `${lab.name}.${prefix}c`]))
      .stdout
    expect(readlinkSync(`/proc/${client}/ns/net`)).toBe(readlinkSync(`/proc/${container}/ns/net`))
    const status = labStatus(lab, await engine.observe(lab), { dhcp: engine.dhcp(lab) })
    expect(status.links.find((l) => l.id === linkId)?.addresses).toEqual([
      expect.stringMatching(/^10\.207\.0\.([5-9]\d)\/24$/),
    ])
    expect((await engine.apply(lab)).plan.ops).toEqual([])
  })

  it('destroy releases both leases, and the host resolv.conf was never touched', async () => {
    expect((await engine.destroy(lab)).result?.ok).toBe(true)
    // dnsmasq writes its files in its own time: look again for a while before judging.
    const released = () => readFileSync(leases, 'utf8').trim() === '' && releases() === 3
    for (let i = 0; i < 30 && !released(); i++) await new Promise((r) => setTimeout(r, 100))
    expect(readFileSync(leases, 'utf8').trim()).toBe('')
    // Three releases in all: the stale client's after the restart, then both guests' now.
    expect(releases()).toBe(3)
    expect(readFileSync('/etc/resolv.conf', 'utf8')).toBe(resolvConf)
  })
})
