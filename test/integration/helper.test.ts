// The privileged helper for real, over stdio, as root (spawned directly: pkexec is the one part
// that cannot run here). It applies and destroys a lab, refuses what is not a contract call, and
// exits when stdin closes.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { afterAll, describe, expect, it } from 'vitest'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { snapshot, sweep } from './support/machine.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs', 'docker'])
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

describe.skipIf(skipReason !== null)('the privileged helper over stdio', () => {
  const prefix = testPrefix()
  const stateDir = `/tmp/patchbay-test-state/${prefix}`
  const lab = {
    patchbay: 1,
    name: `${prefix}-helper`,
    nodes: {
      [`${prefix}s`]: { kind: 'ovs-bridge' },
      [`${prefix}a`]: { kind: 'netns' },
      [`${prefix}b`]: { kind: 'netns' },
    },
    links: [
      { guest: `${prefix}a`, to: `${prefix}s`, ip: '10.211.0.1/24', vlan: 3 },
      { guest: `${prefix}b`, to: `${prefix}s`, ip: '10.211.0.2/24', vlan: 3 },
    ],
  }
  // The caller's environment must not reach the helper (PATH included).
  const helper = execa(process.execPath, ['--import', 'tsx', join(root, 'electron', 'helper', 'bin.ts')], {
    cwd: root,
    env: { PATCHBAY_STATE_DIR: stateDir, PATH: '/tmp/evil-bin', SECRET: 'x' },
    extendEnv: false,
    reject: false,
    buffer: false,
  })
  let buffered = ''
  const waiting = new Map<number, (r: Record<string, unknown>) => void>()
  helper.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString()
    let nl = buffered.indexOf('\n')
    while (nl >= 0) {
      const message = JSON.parse(buffered.slice(0, nl))
      buffered = buffered.slice(nl + 1)
      waiting.get(message.id)?.(message)
      nl = buffered.indexOf('\n')
    }
  })
  let nextId = 1
  const call = (method: string, params: unknown) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const id = nextId++
      waiting.set(id, resolve)
      helper.stdin?.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`)
    })

  afterAll(async () => {
    helper.kill()
    await sweep(prefix)
  })

  it('plans, applies and destroys a lab', async () => {
    const before = await snapshot(prefix)
    const planned = (await call('planLab', { lab })).result as { planId: string; ops: unknown[] }
    expect(planned.ops.length).toBeGreaterThan(5)
    expect((await call('applyPlan', { planId: planned.planId })).result).toMatchObject({ ok: true })
    expect(((await call('verifyLab', { lab })).result as { ok: boolean }).ok).toBe(true)
    expect((await call('destroyLab', { lab })).result).toMatchObject({ ok: true })
    expect(await snapshot(prefix)).toEqual(before)
  })

  it('refuses a raw command, an unknown method, and a lab naming what it must not', async () => {
    expect(await call('run', { argv: ['ip', 'link', 'del', 'eth0'] })).toMatchObject({
      error: { code: -32601 },
    })
    expect(await call('exec', 'reboot')).toMatchObject({ error: { code: -32601 } })
    const outside = await call('planLab', {
      lab: { ...lab, nodes: { '../../etc/passwd': { kind: 'netns' } } },
    })
    expect(outside).toMatchObject({ error: { code: -32602, message: 'the lab has errors; nothing was run' } })
    expect(await call('applyPlan', { planId: 42 })).toMatchObject({ error: { code: -32602 } })
  })

  it('exits when its stdin closes', async () => {
    helper.stdin?.end()
    const result = await helper
    expect(result.exitCode).toBe(0)
  })
})
