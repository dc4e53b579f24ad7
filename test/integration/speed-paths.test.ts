// What made apply fast, kept honest on the real kernel: many guests' `ip -batch` through a few
// processes (named netns and containers' pid namespaces alike), the exact step named when one of
// them fails, and devices deleted as one group without touching anything that is not the lab's.
import { readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { execa } from 'execa'
import { afterAll, describe, expect, it } from 'vitest'
import { executePlan } from '../../electron/core/apply/execute.ts'
import { createEngine } from '../../electron/core/create-engine.ts'
import { runInNamespaces } from '../../electron/core/exec/many-netns.ts'
import { Runner } from '../../electron/core/exec/runner.ts'
import type { Op } from '../../shared/plan/op.ts'
import { Phase } from '../../shared/plan/op.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { sweep } from './support/machine.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs', 'docker'])

/** The momentary names this test's process made, or was shown, in /run/netns. */
const temporaryNames = (...others: string[]) =>
  readdirSync('/run/netns').filter((n) => n.startsWith(`.patchbay-${process.pid}-`) || others.includes(n))

describe.skipIf(skipReason !== null)('many namespaces through a few processes', () => {
  const prefix = testPrefix()
  const names = Array.from({ length: 6 }, (_, i) => `${prefix}n${i}`)
  const sleepers: ReturnType<typeof execa>[] = []

  afterAll(async () => {
    for (const s of sleepers) s.kill('SIGKILL')
    await sweep(prefix)
  })

  it('reads every namespace in order, a process netns too, and leaves no name behind', async () => {
    for (const [i, name] of names.entries()) {
      await execa('ip', ['netns', 'add', name])
      // This kernel has no dummy devices: a veth pair inside the namespace does.
      await execa('ip', ['-n', name, 'link', 'add', `m${i}`, 'type', 'veth', 'peer', 'name', `p${i}`])
    }
    // A process in a namespace of its own stands in for a container.
    const sleeper = execa('unshare', ['-n', 'sleep', '60'], { reject: false })
    sleepers.push(sleeper)
    await new Promise((r) => setTimeout(r, 100))
    const pid = sleeper.pid! // unshare turns into sleep: the same process
    const runner = new Runner()
    const result = await runInNamespaces(
      runner,
      [
        ...names.map((name) => ({
          ns: { name },
          lines: [
            ['link', 'show'],
            ['addr', 'show'],
          ],
        })),
        {
          ns: { pid },
          lines: [
            ['link', 'show'],
            ['addr', 'show'],
          ],
        },
      ],
      { ipOptions: ['-j'] },
    )
    expect(result.failures).toEqual([])
    names.forEach((_, i) => {
      const links = JSON.parse(result.outputs[i]![0]!) as { ifname: string }[]
      expect(links.map((l) => l.ifname).sort()).toEqual(['lo', `m${i}`, `p${i}`])
    })
    const inProcess = JSON.parse(result.outputs[6]![0]!) as { ifname: string }[]
    expect(inProcess.map((l) => l.ifname)).toEqual(['lo'])
    // Seven namespaces, at most one process per core (and never one per namespace).
    expect(runner.log.length).toBeLessThan(7)
    expect(temporaryNames()).toEqual([])
  })

  it('says how far each batch got when one fails, and runs nothing after it in that process', async () => {
    const runner = new Runner()
    const lines = (i: number) =>
      (i === 1
        ? ['link set lo up', 'addr add 10.9.9.9/24 dev nosuch', 'link set m1 up']
        : ['link set lo up']
      ).map((line) => line.split(' '))
    const result = await runInNamespaces(
      runner,
      names.slice(0, 2).map((name, i) => ({ ns: { name }, lines: lines(i) })),
    )
    expect(result.failures).toHaveLength(1)
    expect(result.failures[0]!.batch).toBe(1)
    expect(result.failures[0]!.message).toContain('Cannot find device "nosuch"')
    expect(result.linesDone[1]).toBe(1)
    expect(result.outputs[1]).toBeNull()
    const m1 = await execa('ip', ['-n', names[1]!, '-br', 'link', 'show', 'm1'])
    expect(m1.stdout).toContain('DOWN')
  })

  it('removes a name a killed patchbay left, and keeps one whose patchbay still runs', async () => {
    const dead = execa('true')
    await dead
    const stale = `.patchbay-${dead.pid}-1`
    const live = `.patchbay-${sleepers[0]!.pid}-1`
    symlinkSync('/proc/self/ns/net', `/run/netns/${stale}`)
    symlinkSync('/proc/self/ns/net', `/run/netns/${live}`)
    await runInNamespaces(new Runner(), [{ ns: { name: names[0]! }, lines: [['link', 'show', 'lo']] }])
    expect(temporaryNames(stale, live)).toEqual([live])
    await execa('rm', ['-f', `/run/netns/${live}`])
  })

  it('an apply names the exact failing step of one guest among many, and undoes the rest', async () => {
    const op = (i: number, line: string[], suffix: string): Op => ({
      id: `guest.configure:${names[i]}${suffix}`,
      host: 'local',
      phase: Phase.ports,
      action: 'guest.configure',
      effect: 'change',
      exec: { tool: 'ip', target: { kind: 'netns', name: names[i]! }, line },
      inverse: {
        tool: 'ip',
        target: { kind: 'netns', name: names[i]! },
        line: ['link', 'set', `m${i}`, 'down'],
      },
      pipework: null,
      why: 'test',
    })
    const ops = names.flatMap((_, i) => [
      op(i, ['link', 'set', `m${i}`, 'up'], ':up'),
      ...(i === 4 ? [op(i, ['link', 'set', 'nosuch', 'up'], ':bad')] : []),
    ])
    const engine = createEngine({ stateDir: `/tmp/patchbay-test-state/${prefix}` })
    const result = await executePlan(ops, { run: engine.run, containers: engine.containers })
    expect(result.ok).toBe(false)
    expect(result.failed?.op.id).toBe(`guest.configure:${names[4]}:bad`)
    expect(result.failed?.error).toContain('Cannot find device "nosuch"')
    // Whatever came up was set down again by its inverse.
    for (const [i, name] of names.entries()) {
      const state = await execa('ip', ['-n', name, '-br', 'link', 'show', `m${i}`])
      expect(state.stdout, name).toContain('DOWN')
    }
    expect(result.rolledBack.length).toBe(result.done.length)
  })
})

describe.skipIf(skipReason !== null)('deleting many devices at once', () => {
  const prefix = testPrefix()
  afterAll(() => sweep(prefix))

  it('deletes the lab’s devices as one group and leaves a user’s device in another group alone', async () => {
    const userDevice = `${prefix}usr`
    await execa('ip', ['link', 'add', userDevice, 'type', 'veth', 'peer', 'name', `${userDevice}p`])
    await execa('ip', ['link', 'set', userDevice, 'group', '7'])
    const ours = Array.from({ length: 5 }, (_, i) => `${prefix}d${i}`)
    for (const name of ours)
      await execa('ip', ['link', 'add', name, 'type', 'veth', 'peer', 'name', `${name}p`])
    const ops: Op[] = ours.map((name) => ({
      id: `veth.delete:${name}`,
      host: 'local',
      phase: Phase.removeLinks,
      action: 'veth.delete',
      effect: 'remove',
      exec: { tool: 'ip', target: { kind: 'host' }, line: ['link', 'del', name] },
      inverse: null,
      pipework: null,
      why: 'test',
    }))
    const engine = createEngine({ stateDir: `/tmp/patchbay-test-state/${prefix}` })
    const before = engine.run.log.length
    const result = await executePlan(ops, { run: engine.run, containers: engine.containers })
    expect(result.ok).toBe(true)
    expect(result.done).toHaveLength(5)
    const batch = engine.run.log.slice(before).find((r) => r.argv.join(' ') === 'ip -batch -')
    expect(batch).toBeDefined()
    const left = (await execa('ip', ['-br', 'link', 'show'])).stdout
    for (const name of ours) expect(left).not.toContain(`${name}@`)
    expect(left).toContain(`${userDevice}@`)
    expect((await execa('ip', ['-d', 'link', 'show', userDevice])).stdout).toContain('group 7')
  })
})

describe.skipIf(skipReason !== null)('the host’s capabilities, kept between patchbay processes', () => {
  const prefix = testPrefix()
  const stateDir = `/tmp/patchbay-test-state/${prefix}`
  const bin = new URL('../../bin/patchbay.js', import.meta.url).pathname
  // Only a command that may change the machine probes (plan and status only read the cache): the
  // destroy of a lab that was never applied, which finds nothing of its own to remove.
  const lab = `${stateDir}.yaml`
  const destroy = () =>
    execa(process.execPath, [bin, 'destroy', lab, '--json'], {
      env: { PATCHBAY_STATE_DIR: stateDir },
      reject: false,
    })
  afterAll(() => execa('rm', ['-rf', stateDir, lab]))

  it('are probed once, read by the next process, and probed again when the machine changed', async () => {
    writeFileSync(lab, `patchbay: 1\nname: ${prefix}-caps\nnodes:\n  ${prefix}a: { kind: netns }\n`)
    await destroy()
    const file = `${stateDir}/capabilities.json`
    const first = JSON.parse(readFileSync(file, 'utf8')) as { fingerprint: string; found: { ovs: boolean } }
    expect(first.found.ovs).toBe(true)
    // A second process finds them: the file is not written again.
    const written = statSync(file).mtimeMs
    await destroy()
    expect(statSync(file).mtimeMs).toBe(written)
    // A machine that changed (another boot, a module loaded) has another fingerprint: probe again.
    writeFileSync(
      file,
      JSON.stringify({ fingerprint: 'another machine', found: { ...first.found, ovs: false } }),
    )
    await destroy()
    const again = JSON.parse(readFileSync(file, 'utf8')) as typeof first
    expect(again).toEqual(first)
  })
})
