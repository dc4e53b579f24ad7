// Only the lab's own DHCP clients count as the lab's: a pid file that names another process (its
// client ended, the machine rebooted, the pid went to someone else) never makes patchbay count, or
// stop, a udhcpc it did not start, nor a process that only calls itself udhcpc.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa, type ResultPromise } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine } from '../../electron/core/create-engine.ts'
import { checkLab } from '../../shared/lab/check.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { sweep } from './support/machine.ts'

const skipReason = await missingLabHost(['iproute2'])

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe.skipIf(skipReason !== null)('DHCP clients the lab did not start', () => {
  const prefix = testPrefix()
  const stateDir = `/tmp/patchbay-test-state/${prefix}`
  const engine = createEngine({ stateDir })
  const foreignNetns = `${prefix}f`
  const lab = checkLab({
    patchbay: 1,
    name: `${prefix}-fd`,
    nodes: {
      [`${prefix}br`]: { kind: 'linux-bridge' },
      [`${prefix}a`]: { kind: 'netns' },
      [`${prefix}b`]: { kind: 'netns' },
    },
    links: [
      { guest: `${prefix}a`, to: `${prefix}br`, ip: 'dhcp' },
      { guest: `${prefix}b`, to: `${prefix}br`, ip: 'dhcp' },
    ],
  }).lab as Lab
  const foreign: ResultPromise[] = []

  beforeAll(async () => {
    await execa('ip', ['netns', 'add', foreignNetns])
    // A real udhcpc someone else runs, in a namespace of its own…
    foreign.push(
      execa('ip', ['netns', 'exec', foreignNetns, 'udhcpc', '-f', '-i', 'lo', '-s', '/bin/true'], {
        reject: false,
      }),
    )
    // …and a sleep whose argv[0] says udhcpc.
    foreign.push(execa('bash', ['-c', 'exec -a udhcpc sleep 1000'], { reject: false }))
    await new Promise((r) => setTimeout(r, 300))
    const [udhcpc, sleeper] = await Promise.all([
      execa('ip', ['netns', 'pids', foreignNetns]).then((r) => Number(r.stdout.trim().split('\n')[0])),
      Promise.resolve(foreign[1]!.pid!),
    ])
    // The pid files of the lab's two links name them, as a stale pid file after a reboot could.
    const dir = engine.dhcp(lab).dir
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, `${prefix}a:eth1.pid`), `${udhcpc}\n`)
    writeFileSync(join(dir, `${prefix}b:eth1.pid`), `${sleeper}\n`)
  })

  afterAll(async () => {
    for (const child of foreign) child.kill('SIGKILL')
    await Promise.all(foreign)
    await engine.destroy(lab).catch(() => undefined)
    await execa('ip', ['netns', 'del', foreignNetns], { reject: false })
    await sweep(prefix)
    rmSync(stateDir, { recursive: true, force: true })
  })

  it('neither counts as a client of the lab: the plan starts the lab its own', async () => {
    const observed = await engine.observe(lab)
    expect(observed.hosts.local!.dhcpClients).toEqual([])
    const plan = await engine.plan(lab)
    expect(plan.ops.filter((op) => op.action === 'dhcp.start').map((op) => op.linkId)).toEqual([
      `${prefix}a:eth1`,
      `${prefix}b:eth1`,
    ])
    expect(plan.ops.some((op) => op.action === 'dhcp.release')).toBe(false)
  })

  it('destroy stops neither', async () => {
    const pids = foreign.map((c, i) => (i === 0 ? null : c.pid!))
    const { plan, result } = await engine.destroy(lab)
    expect(result?.ok).toBe(true)
    expect(plan.ops.some((op) => op.action === 'dhcp.release')).toBe(false)
    const inForeign = Number(
      (await execa('ip', ['netns', 'pids', foreignNetns])).stdout.trim().split('\n')[0],
    )
    expect(alive(inForeign)).toBe(true)
    expect(alive(pids[1]!)).toBe(true)
  })
})
