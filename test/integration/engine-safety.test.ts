// The engine's promises about what it touches: a failing step is undone, a user's own bridge and
// container outlive destroy, and a hostile lab never reaches a process.
import { execa } from 'execa'
import { afterAll, describe, expect, it } from 'vitest'
import { executePlan } from '../../electron/core/apply/execute.ts'
import { createEngine } from '../../electron/core/create-engine.ts'
import { processCommandLog } from '../../electron/core/exec/runner.ts'
import { checkLab } from '../../shared/lab/check.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { guestHostEnd } from '../../shared/plan/device-names.ts'
import { runCli } from '../support/cli.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { snapshot, sweep } from './support/machine.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs', 'docker'])

const valid = (lab: unknown): Lab => {
  const checked = checkLab(lab)
  if (!checked.lab) throw new Error(JSON.stringify(checked.problems))
  return checked.lab
}

describe.skipIf(skipReason !== null)('a step that fails mid-apply', () => {
  const prefix = testPrefix()
  const engine = createEngine({ stateDir: `/tmp/patchbay-test-state/${prefix}` })
  const lab = valid({
    patchbay: 1,
    name: `${prefix}-fail`,
    nodes: {
      [`${prefix}s`]: { kind: 'ovs-bridge' },
      [`${prefix}a`]: { kind: 'netns' },
      [`${prefix}b`]: { kind: 'netns' },
    },
    links: [
      { guest: `${prefix}a`, to: `${prefix}s`, ip: '10.202.0.1/24', vlan: 7 },
      { guest: `${prefix}b`, to: `${prefix}s`, ip: '10.202.0.2/24', vlan: 7 },
    ],
  })
  const clash = guestHostEnd(lab.name, lab.links![1] as { guest: string; to: string })

  afterAll(async () => {
    await execa('ip', ['link', 'del', clash], { reject: false })
    await engine.destroy(lab).catch(() => undefined)
    await sweep(prefix)
  })

  it('is undone: the machine is as before, and the error names the step and the tool’s words', async () => {
    const before = await snapshot(prefix)
    const plan = await engine.plan(lab)
    expect(plan.problems).toEqual([])
    // The clash appears after planning, as when another program races the apply.
    await execa('ip', ['link', 'add', clash, 'type', 'veth', 'peer', 'name', `${prefix}x`])
    const withClash = await snapshot(prefix)
    const result = await executePlan(plan.ops, { run: engine.run, containers: engine.containers })
    expect(result.ok).toBe(false)
    expect(result.failed?.op.id).toBe(`veth.create:${prefix}b:eth1`)
    expect(result.failed?.error).toContain('File exists')
    expect(result.rollbackErrors).toEqual([])
    expect(result.rolledBack.length).toBeGreaterThan(0)
    expect(await snapshot(prefix)).toEqual(withClash)
    await execa('ip', ['link', 'del', clash])
    expect(await snapshot(prefix)).toEqual(before)
  })
})

describe.skipIf(skipReason !== null)('what the lab did not create', () => {
  const prefix = testPrefix()
  const engine = createEngine({ stateDir: `/tmp/patchbay-test-state/${prefix}` })
  const bridge = `${prefix}usr`
  const container = `${prefix}mine`
  const lab = valid({
    patchbay: 1,
    name: `${prefix}-user`,
    nodes: {
      [bridge]: { kind: 'ovs-bridge' },
      [container]: { kind: 'container' },
      [`${prefix}n`]: { kind: 'netns' },
    },
    links: [
      { guest: container, to: bridge, ip: '10.203.0.1/24' },
      { guest: `${prefix}n`, to: bridge, ip: '10.203.0.2/24' },
    ],
  })

  afterAll(async () => {
    await engine.destroy(lab).catch(() => undefined)
    await sweep(prefix)
  })

  it('a user’s bridge and container survive destroy; the bridge loses only the lab’s ports', async () => {
    await execa('ovs-vsctl', ['add-br', bridge, '--', 'set', 'bridge', bridge, 'datapath_type=netdev'])
    await execa('ovs-vsctl', [
      'add-port',
      bridge,
      `${prefix}own`,
      '--',
      'set',
      'interface',
      `${prefix}own`,
      'type=internal',
    ])
    await execa('docker', [
      'run',
      '-d',
      '--name',
      container,
      '--network',
      'none',
      'labbox:latest',
      'sleep',
      '100000',
    ])
    const { result } = await engine.apply(lab)
    expect(result?.ok).toBe(true)
    expect((await execa('ovs-vsctl', ['list-ports', bridge])).stdout.split('\n')).toHaveLength(3)

    expect((await engine.destroy(lab)).result?.ok).toBe(true)
    expect((await execa('ovs-vsctl', ['list-ports', bridge])).stdout).toBe(`${prefix}own`)
    expect((await execa('docker', ['inspect', '-f', '{{.State.Running}}', container])).stdout).toBe('true')
    const inside = await execa('nsenter', [
      '-t',
      (await execa('docker', ['inspect', '-f', '{{.State.Pid}}', container])).stdout,
      '-n',
      'ip',
      '-o',
      'link',
    ])
    expect(inside.stdout).not.toContain('eth1')
    expect((await snapshot(prefix)).netns).toEqual([])
  })
})

describe('a hostile lab', () => {
  it.each([
    ['an ifname with ;', '{ guest: c1, to: ovs0, ifname: "eth0;reboot" }'],
    ['a leading -', '{ guest: c1, to: ovs0, hostIfname: "-rf" }'],
    ['$(id)', '{ guest: c1, to: ovs0, ip: "$(id)/24" }'],
    ['VLAN 4095', '{ guest: c1, to: ovs0, vlan: 4095 }'],
  ])('with %s starts no process in plan, apply or destroy', async (_what, link) => {
    const text = `patchbay: 1\nname: hostile\nnodes:\n  ovs0: { kind: ovs-bridge }\n  c1: { kind: netns }\nlinks:\n  - ${link}\n`
    for (const command of ['plan', 'apply', 'destroy', 'status', 'verify']) {
      const started = processCommandLog.length
      const result = await runCli([command, '-'], text)
      expect(result.code).toBe(2)
      expect(result.stderr).toMatch(/error: links\[0\]/)
      expect(processCommandLog.length).toBe(started)
    }
  })
})
