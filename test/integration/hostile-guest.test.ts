// Issue 17 on the real machine: a guest that writes hostile marks on its own interfaces, and two
// labs whose names once made the same netns and OVS instance.
import { existsSync } from 'node:fs'
import { execa } from 'execa'
import { afterAll, describe, expect, it } from 'vitest'
import { createEngine } from '../../electron/core/create-engine.ts'
import { checkLab } from '../../shared/lab/check.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { sweep } from './support/machine.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs'])

const valid = (lab: unknown): Lab => {
  const checked = checkLab(lab)
  if (!checked.lab) throw new Error(JSON.stringify(checked.problems))
  return checked.lab
}

const hostHas = async (ifname: string) =>
  (await execa('ip', ['link', 'show', ifname], { reject: false })).exitCode === 0

describe.skipIf(skipReason !== null)('a guest that writes hostile marks on its interfaces', () => {
  const prefix = testPrefix()
  const stateDir = `/tmp/patchbay-test-state/${prefix}`
  const guest = `${prefix}g`
  const canary = `/tmp/${prefix}-pwned`
  const pwnNetns = `${prefix}pwn`
  const smuggled = `${prefix}h`
  const lab = valid({
    patchbay: 1,
    name: `${prefix}-mark`,
    nodes: { [`${prefix}br`]: { kind: 'linux-bridge' }, [guest]: { kind: 'netns' } },
    links: [{ guest, to: `${prefix}br`, ip: '10.203.0.1/24' }],
  })
  const file = `${stateDir}/lab.yaml`
  // The real command, as a user or the heal service runs it.
  const patchbay = async (...args: string[]) => {
    const r = await execa('node', ['bin/patchbay.js', ...args], {
      env: { PATCHBAY_STATE_DIR: stateDir },
      reject: false,
    })
    return { code: r.exitCode, stderr: String(r.stderr) }
  }

  afterAll(async () => {
    await createEngine({ stateDir })
      .destroy(lab)
      .catch(() => undefined)
    await execa('ip', ['netns', 'del', pwnNetns], { reject: false })
    await execa('ip', ['link', 'del', smuggled], { reject: false })
    await execa('rm', ['-f', canary])
    await sweep(prefix)
  })

  it('applies, then the guest aliases its interfaces as a root shell would like', async () => {
    await execa('mkdir', ['-p', stateDir])
    const { writeFile } = await import('node:fs/promises')
    const { saveLab } = await import('../../shared/lab/save.ts')
    await writeFile(file, saveLab(lab, null))
    const applied = await patchbay('apply', file)
    expect(applied.code, applied.stderr).toBe(0)
    // What a process with CAP_NET_ADMIN inside the guest can do to its own interfaces.
    const inGuest = (...args: string[]) => execa('ip', ['-n', guest, ...args])
    await inGuest(
      'link',
      'set',
      'eth1',
      'alias',
      `patchbay:${lab.name}:phys:x\nnetns add ${pwnNetns}\nnetns exec ${pwnNetns} touch ${canary}\nlink show lo:gone`,
    )
    // A well-formed mark saying "this is a NIC the lab moved in: give it back to the host".
    await inGuest('link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1')
    await inGuest('link', 'set', 'v0', 'alias', `patchbay:${lab.name}:phys:${smuggled}:${guest}:eth9`)
  })

  it('runs nothing the marks say on apply, status and destroy', async () => {
    for (const command of ['apply', 'status', 'plan']) {
      const result = await patchbay(command, file)
      expect(result.stderr).not.toMatch(/TypeError|at .*\.ts/)
    }
    expect(existsSync(canary)).toBe(false)
    expect((await execa('ip', ['netns', 'list'])).stdout).not.toContain(pwnNetns)
    const destroyed = await patchbay('destroy', file)
    expect(destroyed.code, destroyed.stderr).toBe(0)
    expect(existsSync(canary)).toBe(false)
    expect((await execa('ip', ['netns', 'list'])).stdout).not.toContain(pwnNetns)
    // The guest's own device went with its namespace; it was never moved into the host.
    expect(await hostHas(smuggled)).toBe(false)
  })
})

describe.skipIf(skipReason !== null)(
  'two labs whose names once met: lab a with host b-c, lab a-b with host c',
  () => {
    const prefix = testPrefix()
    // One machine, one state dir: as two labs of one user are.
    const stateDir = `/tmp/patchbay-test-state/${prefix}`
    const engine = createEngine({ stateDir })
    const labA = valid({
      patchbay: 1,
      name: prefix,
      hosts: { 'b-c': { netns: true } },
      nodes: { [`${prefix}s1`]: { kind: 'ovs-bridge', host: 'b-c' } },
    })
    const labAB = valid({
      patchbay: 1,
      name: `${prefix}-b`,
      hosts: { c: { netns: true } },
      nodes: { [`${prefix}s2`]: { kind: 'ovs-bridge', host: 'c' } },
    })
    const daemons = async () =>
      (await execa('pgrep', ['-f', `${stateDir}/`], { reject: false })).stdout.split('\n').filter(Boolean)

    afterAll(async () => {
      await engine.destroy(labAB).catch(() => undefined)
      await engine.destroy(labA).catch(() => undefined)
      await sweep(prefix)
    })

    it('get a netns and an OVS instance each', () => {
      const a = engine.places(labA)['b-c']!
      const ab = engine.places(labAB).c!
      expect(a.netns).not.toBe(ab.netns)
      expect(a.ovsDir).not.toBe(ab.ovsDir)
    })

    it('destroying lab a, never applied, leaves lab a-b running', async () => {
      const applied = await engine.apply(labAB)
      expect(applied.result?.failed).toBeUndefined()
      expect(await daemons()).toHaveLength(2)
      const place = engine.places(labAB).c!
      const destroyedA = await engine.destroy(labA)
      expect(destroyedA.plan.ops).toEqual([])
      expect(await daemons()).toHaveLength(2)
      expect((await execa('ip', ['netns', 'list'])).stdout).toContain(place.netns!)
      const bridges = await execa('ovs-vsctl', [`--db=unix:${place.ovsDb}`, 'list-br'])
      expect(bridges.stdout).toBe(`${prefix}s2`)
      await engine.destroy(labAB)
      expect(await daemons()).toEqual([])
    })
  },
)
