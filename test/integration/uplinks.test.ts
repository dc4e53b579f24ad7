// pipework's physical-NIC mode on a stand-in NIC (one end of a veth the test makes): macvlan guests
// share its LAN, the NIC itself is left as it was, and a VLAN on it says why it cannot be here.
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine } from '../../electron/core/create-engine.ts'
import { verifyLab } from '../../electron/core/verify.ts'
import { checkLab } from '../../shared/lab/check.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { runCli } from '../support/cli.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { sweep } from './support/machine.ts'

const skipReason = await missingLabHost(['iproute2', 'docker'])

describe.skipIf(skipReason !== null)('macvlan guests on a host NIC', () => {
  const prefix = testPrefix()
  const nic = `${prefix}nic`
  const engine = createEngine({ stateDir: `/tmp/patchbay-test-state/${prefix}` })
  const lab = checkLab({
    patchbay: 1,
    name: `${prefix}-mv`,
    nodes: {
      lan: { kind: 'uplink', interface: nic },
      [`${prefix}g1`]: { kind: 'netns' },
      [`${prefix}g2`]: { kind: 'container', image: 'labbox:latest', command: ['sleep', '100000'] },
    },
    links: [
      { guest: `${prefix}g1`, to: 'lan', ip: ['10.204.0.1/24', 'fd04::1/64'], mac: `U:${prefix}g1` },
      { guest: `${prefix}g2`, to: 'lan', ip: ['10.204.0.2/24', 'fd04::2/64'] },
    ],
  }).lab as Lab

  beforeAll(async () => {
    // The stand-in NIC: one end of a veth, its peer up so that it has a carrier.
    await execa('ip', ['link', 'add', nic, 'type', 'veth', 'peer', 'name', `${prefix}wire`])
    await execa('ip', ['link', 'set', `${prefix}wire`, 'up'])
  })

  afterAll(async () => {
    await engine.destroy(lab).catch(() => undefined)
    await sweep(prefix)
  })

  it('applies macvlans born in the guests, reachable from each other over IPv4 and IPv6', async () => {
    expect(lab).not.toBeNull()
    const { plan, result } = await engine.apply(lab)
    expect(plan.problems).toEqual([])
    expect(plan.ops.filter((op) => op.action === 'macvlan.create').map((op) => op.pipework)).toEqual([
      `pipework ${nic} ${prefix}g1 10.204.0.1/24 U:${prefix}g1`,
      `pipework ${nic} ${prefix}g2 10.204.0.2/24`,
    ])
    expect(result?.failed).toBeUndefined()
    const inside = JSON.parse(
      (await execa('ip', ['-n', `${prefix}g1`, '-j', '-d', 'link', 'show', 'eth1'])).stdout,
    )[0]
    expect(inside.linkinfo).toMatchObject({ info_kind: 'macvlan', info_data: { mode: 'bridge' } })
    expect((await verifyLab(lab, { run: engine.run, containers: engine.containers })).ok).toBe(true)
    const v6 = await execa(
      'ip',
      ['netns', 'exec', `${prefix}g1`, 'ping', '-n', '-q', '-c', '2', '-i', '0.2', '-W', '1', 'fd04::2'],
      { reject: false },
    )
    expect(v6.exitCode, v6.stdout).toBe(0)
    expect((await engine.apply(lab)).plan.ops).toEqual([])
  })

  it('destroy removes the macvlans and the lab container, and leaves the NIC', async () => {
    expect((await engine.destroy(lab)).result?.ok).toBe(true)
    expect((await execa('ip', ['-o', 'link', 'show', nic])).stdout).toContain(nic)
    const docker = await execa('docker', ['ps', '-a', '--format', '{{.Names}}'])
    expect(docker.stdout).not.toContain(`${prefix}g2`)
    expect((await execa('ip', ['netns', 'list'])).stdout).not.toContain(`${prefix}g1`)
  })

  it('a VLAN on the NIC needs 802.1Q: one sentence naming the link, exit 3, nothing run', async () => {
    const caps = (await engine.observe(lab)).hosts.local!.capabilities
    const text = `patchbay: 1\nname: ${prefix}-q\nnodes:\n  lan: { kind: uplink, interface: ${nic} }\n  ${prefix}g1: { kind: netns }\nlinks:\n  - { guest: ${prefix}g1, to: lan, ip: 10.205.0.1/24, vlan: 100 }\n`
    const result = await runCli(['plan', '-'], text)
    if (caps.vlan8021q) {
      // A kernel with 802.1Q plans the sub-interface instead.
      expect(result.stdout).toContain(`link add link ${nic} name ${nic}.100 type vlan id 100`)
    } else {
      expect(result.code).toBe(3)
      expect(result.stderr).toBe(
        `cannot: links[0]: link ${prefix}g1:eth1 needs VLAN 100 on ${nic} as the 802.1Q sub-interface ${nic}.100, and this kernel has no 802.1Q support (module 8021q)\n`,
      )
    }
  })
})

describe.skipIf(skipReason !== null)('a host NIC joined to an OVS bridge', () => {
  const prefix = testPrefix()
  const nic = `${prefix}nic`
  const outside = `${prefix}out`
  const engine = createEngine({ stateDir: `/tmp/patchbay-test-state/${prefix}` })
  const lab = checkLab({
    patchbay: 1,
    name: `${prefix}-en`,
    nodes: {
      [`${prefix}s`]: { kind: 'ovs-bridge' },
      lan: { kind: 'uplink', interface: nic, promisc: true },
      [`${prefix}g`]: { kind: 'netns' },
    },
    links: [
      { guest: `${prefix}g`, to: `${prefix}s`, ip: '10.208.0.1/24', vlan: 100 },
      { between: [`${prefix}s`, 'lan'], vlan: 100 },
    ],
  }).lab as Lab

  beforeAll(async () => {
    // The NIC's far side is a namespace standing in for the LAN behind it.
    await execa('ip', ['netns', 'add', outside])
    await execa('ip', ['link', 'add', nic, 'type', 'veth', 'peer', 'name', 'lan0', 'netns', outside])
    await execa('ip', ['-n', outside, 'addr', 'add', '10.208.0.2/24', 'dev', 'lan0'])
    await execa('ip', ['-n', outside, 'link', 'set', 'lan0', 'up'])
  })

  afterAll(async () => {
    await engine.destroy(lab).catch(() => undefined)
    await sweep(prefix)
  })

  /** The NIC's own promiscuity count (OVS adds one of its own while the NIC is a port). */
  const promiscuity = async () =>
    (
      JSON.parse((await execa('ip', ['-j', '-d', 'link', 'show', nic])).stdout) as { promiscuity: number }[]
    )[0]!.promiscuity

  it('puts the guest of VLAN 100 on the LAN behind the NIC, and destroy leaves the NIC as it was', async () => {
    expect(await promiscuity()).toBe(0)
    const { plan, result } = await engine.apply(lab)
    expect(plan.problems).toEqual([])
    expect(result?.failed).toBeUndefined()
    expect((await execa('ovs-vsctl', ['get', 'port', nic, 'tag'])).stdout).toBe('100')
    const ping = await execa(
      'ip',
      ['netns', 'exec', `${prefix}g`, 'ping', '-n', '-q', '-c', '2', '-i', '0.2', '-W', '1', '10.208.0.2'],
      { reject: false },
    )
    expect(ping.exitCode, ping.stdout).toBe(0)
    expect((await engine.apply(lab)).plan.ops).toEqual([])
    expect(await promiscuity()).toBeGreaterThan(0)
    expect((await engine.destroy(lab)).result?.ok).toBe(true)
    expect((await execa('ip', ['-o', 'link', 'show', nic])).stdout).toContain(nic)
    expect((await execa('ovs-vsctl', ['list-br'])).stdout).not.toContain(`${prefix}s`)
    // promisc: true made it promiscuous; destroy takes that back.
    expect(await promiscuity()).toBe(0)
  })
})

describe.skipIf(skipReason !== null)('--direct-phys: the NIC itself moves into the guest', () => {
  const prefix = testPrefix()
  const nic = `${prefix}nic`
  const outside = `${prefix}out`
  const guest = `${prefix}g`
  const engine = createEngine({ stateDir: `/tmp/patchbay-test-state/${prefix}` })
  const lab = checkLab({
    patchbay: 1,
    name: `${prefix}-dp`,
    nodes: { lan: { kind: 'uplink', interface: nic }, [guest]: { kind: 'netns' } },
    links: [{ guest, to: 'lan', ip: '10.209.0.1/24', directPhys: true }],
  }).lab as Lab

  beforeAll(async () => {
    await execa('ip', ['netns', 'add', outside])
    await execa('ip', ['link', 'add', nic, 'type', 'veth', 'peer', 'name', 'lan0', 'netns', outside])
    await execa('ip', ['-n', outside, 'addr', 'add', '10.209.0.2/24', 'dev', 'lan0'])
    await execa('ip', ['-n', outside, 'link', 'set', 'lan0', 'up'])
  })

  afterAll(async () => {
    await engine.destroy(lab).catch(() => undefined)
    await sweep(prefix)
  })

  it('is eth1 in the guest, reaches the LAN, and destroy gives it back under its own name', async () => {
    const { plan, result } = await engine.apply(lab)
    expect(plan.problems).toEqual([])
    expect(result?.failed).toBeUndefined()
    expect((await execa('ip', ['-o', 'link', 'show', nic], { reject: false })).exitCode).not.toBe(0)
    const ping = await execa(
      'ip',
      ['netns', 'exec', guest, 'ping', '-n', '-q', '-c', '2', '-i', '0.2', '-W', '1', '10.209.0.2'],
      { reject: false },
    )
    expect(ping.exitCode, ping.stdout).toBe(0)
    expect((await engine.apply(lab)).plan.ops).toEqual([])
    expect((await engine.destroy(lab)).result?.ok).toBe(true)
    expect((await execa('ip', ['-o', 'link', 'show', nic])).stdout).toContain(`${nic}@`)
  })
})
