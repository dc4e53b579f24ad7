// A terminal on a lab's guests, on the real kernel and Docker: the pty's shell runs in the guest's
// namespaces (its eth1 is there, the host's links are not) and is gone, with everything it started,
// once the session is closed.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine } from '../../electron/core/create-engine.ts'
import { engineService, type Shell } from '../../electron/core/service.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { sweep } from './support/machine.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs', 'docker'])

/** Everything the shell printed, and a wait for a text in it. */
function transcript(shell: Shell) {
  let text = ''
  shell.onData((d) => {
    text += d
  })
  return {
    get text() {
      return text
    },
    async until(pattern: RegExp, ms = 15_000): Promise<string> {
      const until = Date.now() + ms
      while (!pattern.test(text) && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
      expect(text).toMatch(pattern)
      return text
    },
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe.skipIf(skipReason !== null)('a shell on a guest', () => {
  const prefix = testPrefix()
  const engine = createEngine({ stateDir: `/tmp/patchbay-test-state/${prefix}` })
  const service = engineService(engine)
  const [bridge, netnsGuest, container] = [`${prefix}s`, `${prefix}a`, `${prefix}c`]
  const lab = {
    patchbay: 1,
    name: `${prefix}-sh`,
    nodes: {
      [bridge]: { kind: 'ovs-bridge' },
      [netnsGuest]: { kind: 'netns' },
      [container]: { kind: 'container', image: 'labbox', command: ['sleep', '100000'] },
    },
    links: [
      { guest: netnsGuest, to: bridge, ip: '10.215.0.1/24' },
      { guest: container, to: bridge, ip: '10.215.0.2/24' },
    ],
  }

  beforeAll(async () => {
    const outcome = await service.calls.planLab({ lab })
    const applied = await service.calls.applyPlan({ planId: outcome.planId })
    expect('ok' in applied && applied.ok).toBe(true)
  }, 60_000)

  afterAll(async () => {
    await sweep(prefix)
  }, 60_000)

  it("runs in a netns guest's namespace, and the pty's processes end when it is closed", async () => {
    const shell = await service.shell(lab, netnsGuest, { cols: 100, rows: 30 })
    const out = transcript(shell)
    shell.write('echo MARK$((6*7)); ip -o link\r')
    const text = await out.until(/MARK42[\s\S]*eth1/)
    expect(text).not.toContain(`${netnsGuest}-eth1`) // the host end is on the host, not here
    // The prompt names the guest (dash would print a bash prompt's `\h:\w` as it is).
    expect(text).toContain(`${netnsGuest}# `)
    expect(text).not.toContain('\\h')
    const { stdout: before } = await execa('ip', ['netns', 'pids', netnsGuest])
    expect(before.split('\n')).toContain(String(shell.pid))
    shell.resize({ cols: 120, rows: 40 })
    shell.write('stty size\r')
    await out.until(/40 120/)
    shell.close()
    await shell.exited
    expect(alive(shell.pid)).toBe(false)
    const { stdout: after } = await execa('ip', ['netns', 'pids', netnsGuest])
    expect(after.trim()).toBe('')
  }, 60_000)

  it("runs in a container's own namespaces (its files, its eth1) and leaves nothing there", async () => {
    const name = `${lab.name}.${container}`
    const shell = await service.shell(lab, container, { cols: 80, rows: 24 })
    const out = transcript(shell)
    // busybox's ls, from the container's image: the machine has coreutils.
    shell.write('echo MARK$((7*6)); ls -l /bin/ls; ip -o link\r')
    const text = await out.until(/MARK42[\s\S]*eth1/)
    expect(text).toMatch(/\/bin\/ls -> busybox/)
    // nsenter joins the container's namespaces, not its cgroup (docker top would not list it): the
    // processes sharing the container's mount namespace are those of the container and the shell.
    const main = Number((await execa('docker', ['inspect', '-f', '{{.State.Pid}}', name])).stdout)
    const mountNs = readlinkSync(`/proc/${main}/ns/mnt`)
    const inside = async () =>
      readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .flatMap((p) => {
          try {
            return readlinkSync(`/proc/${p}/ns/mnt`) === mountNs
              ? [readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ')]
              : []
          } catch {
            return []
          }
        })
    expect((await inside()).some((line) => /\bsh -i\b/.test(line))).toBe(true)
    shell.close()
    await shell.exited
    const until = Date.now() + 5000
    while ((await inside()).some((l) => /\bsh -i\b/.test(l)) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100))
    expect((await inside()).filter((l) => /\bsh -i\b/.test(l))).toEqual([])
  }, 60_000)

  it('refuses a node that is not a guest, and a bad size, running nothing', async () => {
    await expect(service.shell(lab, bridge, { cols: 80, rows: 24 })).rejects.toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('node:'),
    })
    await expect(service.shell(lab, netnsGuest, { cols: 0, rows: 24 })).rejects.toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('size:'),
    })
  })
})
