// `patchbay discover` and `patchbay adopt` on the real machine. The real pipework script (or, where
// it cannot be fetched, a replay of its steps: support/pipework-steps.ts) wires containers the way
// a user's script does; discover reads them back into a lab whose plan is empty and whose domains
// are right. A user's own bridge is left alone by destroy until adopted.
// The machine holds other workers' objects too: every check looks only at this test's prefix.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DomainsReply, PlanReply } from '../../shared/api/contract.ts'
import { isGuestLink, type Lab } from '../../shared/lab/schema.ts'
import { runCli } from '../support/cli.ts'
import { missingLabHost, PIPEWORK_SCRIPT, testPrefix } from './support/lab-host.ts'
import { snapshot, sweep } from './support/machine.ts'
import { pipeworkSteps } from './support/pipework-steps.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs', 'docker'])
const realPipework = existsSync(PIPEWORK_SCRIPT)
if (!realPipework)
  console.log(
    `discover test: no pipework at ${PIPEWORK_SCRIPT}; replaying its steps (support/pipework-steps.ts)`,
  )

/** Only this test's part of a discovered lab: its nodes, and links among them. */
function ours(lab: Lab, name: string, keep: (node: string) => boolean): Lab {
  const nodes = Object.fromEntries(Object.entries(lab.nodes).filter(([n]) => keep(n)))
  const links = (lab.links ?? []).filter((l) =>
    (isGuestLink(l) ? [l.guest, l.to] : l.between).every((n) => n in nodes),
  )
  return { ...lab, name, nodes, links }
}

describe.skipIf(skipReason !== null)('discover and adopt on this machine', () => {
  const prefix = testPrefix()
  const stateDir = `/tmp/patchbay-test-state/${prefix}`
  const savedStateDir = process.env.PATCHBAY_STATE_DIR
  const n = (name: string) => `${prefix}${name}`
  const [sw, br, user] = [n('s'), n('br'), n('u')]
  const containers = [n('c1'), n('c2'), n('c3')]
  let discovered: Lab
  let notes = ''

  const file = (name: string, lab: Lab) => {
    const path = `${stateDir}/${name}.json`
    writeFileSync(path, JSON.stringify(lab))
    return path
  }
  const linkExists = async (name: string) =>
    (await execa('ip', ['link', 'show', name], { reject: false })).exitCode === 0

  beforeAll(async () => {
    process.env.PATCHBAY_STATE_DIR = stateDir
    mkdirSync(stateDir, { recursive: true, mode: 0o700 })
    for (const c of containers)
      await execa('docker', [
        'run',
        '-d',
        '--name',
        c,
        '--network',
        'none',
        'labbox:latest',
        'sleep',
        '100000',
      ])
    // pipework would make an OVS bridge on the kernel datapath, which this kernel has not: made for it.
    await execa('ovs-vsctl', ['add-br', sw, '--', 'set', 'bridge', sw, 'datapath_type=netdev'])
    await execa('ip', ['link', 'add', br, 'type', 'bridge'])
    await execa('ip', ['link', 'set', br, 'up'])
    // A user's bridge that nothing is plugged into, made by hand.
    await execa('ip', ['link', 'add', user, 'type', 'bridge'])
    await execa('ip', ['link', 'set', user, 'up'])
    // The user's script: the real pipework, one line per link.
    const [c1, c2, c3] = containers as [string, string, string]
    for (const line of [
      [sw, c1, '10.81.0.1/24', '@100'],
      [sw, c2, '10.81.0.2/24', '@100'],
      [sw, c3, '10.81.0.3/24', '@200'],
      [br, '-i', 'eth2', c1, '10.82.0.1/24@10.82.0.254'],
      [br, '-i', 'eth2', c2, '10.82.0.2/24', '02:12:34:56:78:9a'],
    ])
      if (realPipework) await execa(PIPEWORK_SCRIPT, line)
      else await pipeworkSteps(line)
    const result = await runCli(['discover', '--name', prefix])
    notes = result.stderr
    expect(result.code, result.stderr).toBe(0)
    const json = await runCli(['discover', '--name', prefix, '--json'])
    discovered = JSON.parse(json.stdout) as Lab
  }, 120_000)

  afterAll(async () => {
    await sweep(prefix)
    if (savedStateDir === undefined) delete process.env.PATCHBAY_STATE_DIR
    else process.env.PATCHBAY_STATE_DIR = savedStateDir
  })

  const pipeworkLab = () => ours(discovered, prefix, (node) => node !== user && node.startsWith(prefix))

  it("reads pipework's links back with their names, tags, addresses, gateway and MAC", () => {
    const lab = pipeworkLab()
    expect(lab.nodes).toEqual({
      [br]: { kind: 'linux-bridge' },
      [sw]: { kind: 'ovs-bridge' },
      [n('c1')]: { kind: 'container' },
      [n('c2')]: { kind: 'container' },
      [n('c3')]: { kind: 'container' },
    })
    const links = (lab.links ?? []).filter(isGuestLink)
    expect(links).toHaveLength(5)
    // pipework names the host end v<ifname>pl<pid>: discover keeps that name, so nothing is re-made.
    for (const link of links) expect(link.hostIfname).toMatch(new RegExp(`^v${link.ifname}pl[0-9]+$`))
    const c1eth2 = links.find((l) => l.guest === n('c1') && l.ifname === 'eth2')
    expect(c1eth2).toMatchObject({ to: br, ip: '10.82.0.1/24', gateway: '10.82.0.254' })
    expect(links.find((l) => l.guest === n('c2') && l.ifname === 'eth2')?.mac).toBe('02:12:34:56:78:9a')
    expect(links.find((l) => l.guest === n('c3'))).toMatchObject({ to: sw, ip: '10.81.0.3/24', vlan: 200 })
  })

  it('gives a lab whose plan is empty: applying it right away changes nothing', async () => {
    const path = file('pipework', pipeworkLab())
    const plan = await runCli(['plan', path, '--json'])
    expect(plan.code, plan.stderr).toBe(0)
    expect(PlanReply.parse(JSON.parse(plan.stdout))).toMatchObject({ ops: [], problems: [] })
    const apply = await runCli(['apply', path])
    expect(apply.stdout).toContain('in sync, nothing to do')
    expect(apply.code).toBe(0)
  })

  it('gives the broadcast domains pipework made, from the drawing and from the kernel alike', async () => {
    const path = file('pipework', pipeworkLab())
    const members = async (args: string[]) =>
      DomainsReply.parse(JSON.parse((await runCli(['domains', path, '--json', ...args])).stdout))
        .domains.map((d) => ({ vlan: d.vlan, members: [...d.members].sort() }))
        .sort((a, b) => a.members[0]!.localeCompare(b.members[0]!))
    const expected = [
      { vlan: 100, members: [`${n('c1')}:eth1`, `${n('c2')}:eth1`] },
      { vlan: null, members: [`${n('c1')}:eth2`, `${n('c2')}:eth2`] },
      { vlan: 200, members: [`${n('c3')}:eth1`] },
    ]
    expect(await members([])).toEqual(expected)
    expect(await members(['--observed'])).toEqual(expected)
  })

  it("leaves a user's bridge alone on destroy until it is adopted, then removes it", async () => {
    const lab = ours(discovered, `${prefix}-u`, (node) => node === user)
    expect(lab.nodes).toEqual({ [user]: { kind: 'linux-bridge' } })
    const path = file('user', lab)
    expect((await runCli(['destroy', path])).code).toBe(0)
    expect(await linkExists(user)).toBe(true)

    const adopt = await runCli(['adopt', path])
    expect(adopt.code, adopt.stderr).toBe(0)
    expect(adopt.stdout).toContain(`marked  linux-bridge ${user}: ifalias patchbay:${prefix}-u:node:${user}`)
    const plan = await runCli(['plan', path, '--json'])
    expect(JSON.parse(plan.stdout)).toMatchObject({ ops: [], problems: [] })

    const destroy = await runCli(['destroy', path])
    expect(destroy.code, destroy.stderr).toBe(0)
    expect(await linkExists(user)).toBe(false)
  })

  it('marks nothing while discovering, and says what it leaves out on stderr only', async () => {
    const aliases = (await execa('ip', ['-j', 'link', 'show'])).stdout
    const mine = (JSON.parse(aliases) as { ifname: string; ifalias?: string }[]).filter(
      (l) => l.ifname.startsWith(prefix) && l.ifname !== user,
    )
    expect(mine.length).toBeGreaterThan(0)
    expect(mine.filter((l) => l.ifalias?.startsWith('patchbay:'))).toEqual([])
    expect(notes).not.toContain(prefix)
    expect((await snapshot(prefix)).containers).toEqual([...containers].sort())
  })
})
