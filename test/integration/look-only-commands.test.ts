// plan, status and domains --observed only look: with no capability cache they still create no
// namespace and no OVS bridge to probe. And every command that reads or changes the machine, run by
// a normal user, says one sentence and exits 3 instead of dying with a stack trace.
import { execFile } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { processCommandLog } from '../../electron/core/exec/runner.ts'
import { runCli } from '../support/cli.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { sweep } from './support/machine.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs', 'docker'])
const run = promisify(execFile)

describe.skipIf(skipReason !== null)('commands that only look', () => {
  const prefix = testPrefix()
  const dir = mkdtempSync(join(tmpdir(), 'patchbay-look-'))
  chmodSync(dir, 0o755) // the normal user below reads the lab file
  const labFile = join(dir, 'lab.yaml')
  writeFileSync(
    labFile,
    [
      'patchbay: 1',
      `name: ${prefix}-look`,
      'nodes:',
      `  ${prefix}s: { kind: ovs-bridge }`,
      `  ${prefix}a: { kind: netns }`,
      'links:',
      `  - { guest: ${prefix}a, to: ${prefix}s, ip: 10.211.0.1/24, vlan: 5 }`,
      '',
    ].join('\n'),
    { mode: 0o644 },
  )

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true })
    await sweep(prefix)
  })

  // Other tests may make and remove their own namespaces meanwhile: only this lab's names and the
  // probe's (pbprobe…) are ours to compare.
  const ours = (text: string) =>
    text.split(/\s+/).filter((n) => n.startsWith(prefix) || n.startsWith('pbprobe'))
  const machine = async () => ({
    netns: ours((await run('ip', ['netns', 'list'])).stdout),
    bridges: ours((await run('ovs-vsctl', ['list-br'])).stdout),
  })

  it('plan, status and domains --observed with no capability cache create nothing', async () => {
    const stateDir = join(dir, 'state') // fresh: no capabilities.json
    const previous = process.env.PATCHBAY_STATE_DIR
    process.env.PATCHBAY_STATE_DIR = stateDir
    try {
      const before = await machine()
      const logged = processCommandLog.length
      const plan = await runCli(['plan', labFile])
      expect(plan.stderr).toBe('')
      expect(plan.code).toBe(0)
      expect(plan.stdout).toContain(`${prefix}s`)
      expect((await runCli(['status', labFile])).stdout).toContain('missing')
      expect((await runCli(['domains', '--observed', labFile])).code).toBe(0)

      const commands = processCommandLog.slice(logged).map((r) => r.argv.join(' '))
      expect(commands.length).toBeGreaterThan(0) // they did look
      expect(commands.filter((c) => /netns add|add-br|link add|pbprobe/.test(c))).toEqual([])
      expect(before).toEqual({ netns: [], bridges: [] })
      expect(await machine()).toEqual(before)
      // A guess from the kernel's config is not written down as if it had been probed.
      expect(existsSync(join(stateDir, 'capabilities.json'))).toBe(false)
    } finally {
      if (previous === undefined) delete process.env.PATCHBAY_STATE_DIR
      else process.env.PATCHBAY_STATE_DIR = previous
    }
  })

  it("plan prints every argument shell-quoted and a lab value's terminal escape escaped", async () => {
    const text = [
      'patchbay: 1',
      `name: ${prefix}-esc`,
      'nodes:',
      `  ${prefix}s: { kind: ovs-bridge }`,
      `  ${prefix}c: { kind: container, image: "labbox:latest", command: [sh, -c, "echo \\e[2J; sleep 1d"] }`,
      'links:',
      `  - { guest: ${prefix}c, to: ${prefix}s, ip: 10.211.1.1/24 }`,
      '',
    ].join('\n')
    const result = await runCli(['plan', '-'], text)
    expect(result.code).toBe(0)
    expect(result.stdout).not.toContain('\x1b')
    expect(result.stdout).toContain("labbox:latest sh -c $'echo \\x1b[2J; sleep 1d'    # container ")
  })

  it.each([
    ['plan', ['plan']],
    ['status', ['status']],
    ['domains --observed', ['domains', '--observed']],
    ['apply', ['apply']],
    ['destroy', ['destroy']],
  ])('%s as a normal user: one sentence, exit 3', async (name, argv) => {
    const result = await run(
      'setpriv',
      [
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        process.execPath,
        'bin/patchbay.js',
        ...argv,
        labFile,
      ],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir } },
    ).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    )
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(
      `patchbay ${name}: ${name === 'apply' || name === 'destroy' ? 'changing' : 'reading'} network namespaces, Open vSwitch and Docker needs root; run it with sudo\n`,
    )
    expect(result.code).toBe(3)
  })
})
