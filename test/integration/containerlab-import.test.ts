// A containerlab user imports a topology and applies it: `patchbay import` of a .clab.yml (linux
// nodes, a Linux bridge, an OVS bridge, addresses from exec lines, brief `ipv4` and extended
// endpoints, a veth straight between two guests) through the real CLI, then `apply`, `verify` and
// `destroy` of the result, on the real kernel, OVS and Docker. Only names with this test's prefix.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { VerifyReply } from '../../shared/api/contract.ts'
import { loadLab } from '../../shared/lab/load.ts'
import { runCli } from '../support/cli.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { snapshot, sweep } from './support/machine.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs', 'docker'])
const FIXTURE = new URL('../fixtures/containerlab/two-lans.clab.yml', import.meta.url)

describe.skipIf(skipReason !== null)('import a containerlab topology and apply it', () => {
  const prefix = testPrefix()
  const stateDir = `/tmp/patchbay-test-state/${prefix}`
  const savedStateDir = process.env.PATCHBAY_STATE_DIR
  const topology = `${stateDir}/${prefix}.clab.yml`
  const labFile = `${stateDir}/${prefix}.yaml`
  const n = (name: string) => `${prefix}${name}`
  // A container the lab creates is named `<lab>.<node>` in Docker; the lab is named after the topology.
  const docker = (name: string) => `${prefix}.${n(name)}`

  beforeAll(() => {
    process.env.PATCHBAY_STATE_DIR = stateDir
    mkdirSync(stateDir, { recursive: true, mode: 0o700 })
    writeFileSync(topology, readFileSync(FIXTURE, 'utf8').replaceAll('clabx', prefix))
  })

  afterAll(async () => {
    await runCli(['destroy', labFile]).catch(() => undefined)
    await sweep(prefix)
    if (savedStateDir === undefined) delete process.env.PATCHBAY_STATE_DIR
    else process.env.PATCHBAY_STATE_DIR = savedStateDir
  })

  it('imports the topology into a lab with every node, link and address', async () => {
    const imported = await runCli(['import', topology])
    expect(imported.stderr).toBe('')
    expect(imported.code).toBe(0)
    writeFileSync(labFile, imported.stdout)
    const loaded = loadLab(imported.stdout)
    expect(loaded.problems).toEqual([])
    const lab = loaded.lab!
    expect(lab.name).toBe(prefix)
    expect(Object.fromEntries(Object.entries(lab.nodes).map(([k, v]) => [k, v.kind]))).toEqual({
      [n('h1')]: 'container',
      [n('h2')]: 'container',
      [n('h3')]: 'container',
      [n('h4')]: 'container',
      [n('br')]: 'linux-bridge',
      [n('sw')]: 'ovs-bridge',
    })
    expect(lab.links).toContainEqual(
      expect.objectContaining({ between: [n('h1'), n('h3')], ips: ['10.207.9.1/30', '10.207.9.2/30'] }),
    )
  })

  it('applies it: the guests reach each other as the topology says', async () => {
    const apply = await runCli(['apply', labFile])
    expect(apply.stderr).toBe('')
    expect(apply.code).toBe(0)
    // containerlab's names on the machine: the bridges' ports and the guests' interfaces.
    for (const port of [n('b1'), n('b2')])
      expect((await execa('ip', ['-j', 'link', 'show', port])).stdout).toContain(`"master":"${n('br')}"`)
    expect((await execa('ovs-vsctl', ['list-ports', n('sw')])).stdout.split('\n').sort()).toEqual([
      n('s3'),
      n('s4'),
    ])
    // labbox's ip is BusyBox's (no -j): the kernel's own files say the MAC and MTU.
    const sys = async (name: string, file: string) =>
      (await execa('docker', ['exec', docker(name), 'cat', `/sys/class/net/eth1/${file}`])).stdout.trim()
    expect(await sys('h3', 'address')).toBe('02:00:00:07:00:03')
    expect(await sys('h4', 'mtu')).toBe('1400')

    const verify = await runCli(['verify', labFile, '--json'])
    const reply = VerifyReply.parse(JSON.parse(verify.stdout))
    expect(reply.pairs.filter((p) => p.expected !== p.reachable)).toEqual([])
    expect(verify.code).toBe(0)
    // Exactly the pairs the topology draws: each LAN both ways, and the veth between h1 and h3.
    expect(reply.pairs.map((p) => `${p.from} -> ${p.to} ${p.address} ${p.reachable}`).sort()).toEqual(
      [
        `${n('h1')}:eth1 -> ${n('h2')}:eth1 10.207.1.2 true`, // the Linux bridge
        `${n('h2')}:eth1 -> ${n('h1')}:eth1 10.207.1.1 true`,
        `${n('h3')}:eth1 -> ${n('h4')}:eth1 10.207.2.4 true`, // the OVS bridge
        `${n('h4')}:eth1 -> ${n('h3')}:eth1 10.207.2.3 true`,
        `${n('h1')}:eth2 -> ${n('h3')}:eth2 10.207.9.2 true`, // the veth between h1 and h3
        `${n('h3')}:eth2 -> ${n('h1')}:eth2 10.207.9.1 true`,
      ].sort(),
    )
    expect((await runCli(['apply', labFile, '--json'])).stdout).toContain('"ops":[]')
  })

  it('destroy leaves nothing of the lab on the machine', async () => {
    const destroy = await runCli(['destroy', labFile])
    expect(destroy.code).toBe(0)
    expect(await snapshot(prefix)).toEqual({
      links: [],
      netns: [],
      ovsBridges: [],
      ovsPorts: [],
      containers: [],
    })
  })
})
