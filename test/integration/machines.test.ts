// Machines reached over ssh, for real. First the rig itself (build/ssh-machines.sh: N machines,
// each a netns + mount ns with its own namespaces, OVS and sshd; idempotent; down leaves nothing).
// Then the two-machine VLAN lab on it, reached by the engine's calls: VXLAN between the machines,
// verify, a no-op second apply, destroy back to how each machine was; a changed host key and an
// unreachable machine mid-apply; a lab word never reaches a remote shell. One file: the rig's
// names are fixed, so these run one after the other, and the file holds the rig (holdRig) throughout.
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import { createEngine } from '../../electron/core/create-engine.ts'
import { MachineLink } from '../../electron/core/machines/machine-link.ts'
import { HELPER_COMMAND, INSTALL_COMMAND, REMOTE_HELPER } from '../../electron/core/machines/ssh-argv.ts'
import { engineService } from '../../electron/core/service.ts'
import type { ApplyReply, PlanReply, VerifyReply } from '../../shared/api/contract.ts'
import { runCli } from '../support/cli.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { holdRig, onMachine, RIG_KEY, RIG_KNOWN_HOSTS, rig } from './support/rig.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs', 'sshd'])
const ROOT = join(import.meta.dirname, '..', '..')
const BUNDLE = join(ROOT, 'dist', 'electron', 'helper.mjs')

/** The example lab under a unique name (its marks and state are this run's). */
function exampleLab(name: string): Record<string, unknown> {
  const lab = parse(readFileSync(join(ROOT, 'examples', 'two-machines-vlan.yaml'), 'utf8'))
  return { ...lab, name }
}

/** `ip netns list`'s names, without their ids. */
const names = (list: string) =>
  list
    .split('\n')
    .map((l) => l.split(' ')[0])
    .sort()

/** What a lab can change on a machine: its links, namespaces and OVS bridges and ports. */
async function machineState(i: number): Promise<string> {
  const links = (await onMachine(i, ['ip', '-o', 'link', 'show'])).replace(/\s+link\/.*$/gm, '')
  const netns = await onMachine(i, ['ip', 'netns', 'list'])
  const ovs = await onMachine(i, ['ovs-vsctl', 'list-br'])
  const ports = await onMachine(i, ['ovs-vsctl', '--columns=name', 'list', 'port'])
  return [links, netns, ovs, ports].join('\n--\n')
}

/** Every process sshd started on machine I (its children that are not sshd), with argv. */
async function startedBySshd(i: number): Promise<string[]> {
  return (await startedBySshdPids(i)).map((p) => p.args)
}

/** The same, with their pids. */
async function startedBySshdPids(i: number): Promise<{ pid: number; args: string }[]> {
  const out = (await execa('ps', ['-e', '-o', 'pid=,ppid=,comm=,args='])).stdout.split('\n')
  const rows = out.map((l) => {
    const [pid, ppid, comm, ...args] = l.trim().split(/\s+/)
    return { pid: pid!, ppid: ppid!, comm: comm!, args: args.join(' ') }
  })
  const machineNet = (await execa('ip', ['netns', 'pids', `pbm-m${i}`])).stdout.split('\n')
  const sshd = new Set(rows.filter((r) => r.comm === 'sshd' && machineNet.includes(r.pid)).map((r) => r.pid))
  return rows
    .filter((r) => sshd.has(r.ppid) && r.comm !== 'sshd')
    .map((r) => ({ pid: Number(r.pid), args: r.args }))
}

/**
 * Every command a client asked machine I's sshd to run, in order: the rig's ForceCommand records
 * each (build/ssh-machines.sh) before it runs it through root's login shell, as sshd does.
 */
async function commandsAsked(i: number): Promise<string[]> {
  const log = `/run/patchbay-machines/m${i}/commands.log`
  return existsSync(log) ? readFileSync(log, 'utf8').split('\0').slice(0, -1) : []
}

/**
 * The one helper running on machine I, by pid. A helper whose caller let go of it (another
 * service closed) ends on its own a moment later: it is waited for, a while.
 */
async function helperOn(i: number): Promise<number> {
  const until = Date.now() + 15_000
  for (;;) {
    const helpers = (await startedBySshdPids(i)).filter((p) => p.args === HELPER_COMMAND)
    if (helpers.length === 1 || Date.now() > until) {
      expect(helpers, `helpers on m${i}`).toHaveLength(1)
      return helpers[0]!.pid
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Until process PID has ended (a helper winding up after its caller went). */
async function ended(pid: number, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (existsSync(`/proc/${pid}`)) {
    if (Date.now() > until) throw new Error(`process ${pid} still runs after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** The lab's apply journal on machine I, or null when there is none (nothing to recover). */
async function journalOn(i: number, lab: string): Promise<string | null> {
  const files = (await onMachine(i, ['ls', '/var/lib/patchbay'])).split('\n')
  return files.includes(`${lab}.journal.jsonl`)
    ? onMachine(i, ['cat', `/var/lib/patchbay/${lab}.journal.jsonl`])
    : null
}

/** What the rig could leave behind on this host. */
async function leftovers(): Promise<string[]> {
  const netns = (await execa('ip', ['netns', 'list'])).stdout.split('\n').filter((l) => l.startsWith('pbm-'))
  const links = (await execa('ip', ['-o', 'link', 'show'])).stdout.split('\n').filter((l) => /: pbm/.test(l))
  const mounts = (await execa('cat', ['/proc/self/mountinfo'])).stdout
    .split('\n')
    .filter((l) => l.includes('pbm-'))
  const procs = (await execa('pgrep', ['-af', 'patchbay-machines'], { reject: false })).stdout
    .split('\n')
    .filter(Boolean)
  const files = (
    await execa('ls', ['-d', '/run/patchbay-machines', RIG_KEY, RIG_KNOWN_HOSTS], { reject: false })
  ).stdout
    .split('\n')
    .filter(Boolean)
  return [...netns, ...links, ...mounts, ...procs, ...files]
}

// The rig is one per host: no other test file (here or in another vitest run) uses it meanwhile.
let releaseRig = () => {}
beforeAll(async () => {
  if (skipReason === null) releaseRig = await holdRig()
}, 900_000)
afterAll(() => releaseRig())

describe.skipIf(skipReason !== null)('the machine rig', () => {
  afterAll(async () => {
    await rig('down')
  }, 60_000)

  it('makes two machines reachable over ssh, each with its own namespaces and OVS, idempotently', async () => {
    await rig('down')
    expect(await rig('up', '2')).toBe('m1 root@10.250.0.11\nm2 root@10.250.0.12')
    const holder = (await execa('cat', ['/run/patchbay-machines/m1/holder.pid'])).stdout
    expect(await rig('up', '2')).toBe('m1 root@10.250.0.11\nm2 root@10.250.0.12')
    // The second run kept the machine it found.
    expect((await execa('cat', ['/run/patchbay-machines/m1/holder.pid'])).stdout).toBe(holder)
    const ssh = (address: string, command: string) =>
      execa('ssh', [
        '-i',
        RIG_KEY,
        '-o',
        `UserKnownHostsFile=${RIG_KNOWN_HOSTS}`,
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        'BatchMode=yes',
        `root@${address}`,
        command,
      ])
    expect((await ssh('10.250.0.12', 'ip -4 -o addr show dev eth0')).stdout).toContain('10.250.0.12/24')
    // sshd records what it was asked to run, and runs it.
    expect(await commandsAsked(2)).toEqual(['ip -4 -o addr show dev eth0'])
    // Its own /run/netns: a namespace made in m1 is not seen on m2 nor on this host.
    await onMachine(1, ['ip', 'netns', 'add', 'rigcheck'])
    expect(await onMachine(1, ['ip', 'netns', 'list'])).toContain('rigcheck')
    expect(await onMachine(2, ['ip', 'netns', 'list'])).not.toContain('rigcheck')
    expect((await execa('ip', ['netns', 'list'])).stdout).not.toContain('rigcheck')
    // Its own OVS: a bridge made in m1 is not in m2's nor in this host's database.
    await onMachine(1, [
      'ovs-vsctl',
      'add-br',
      'rigbr',
      '--',
      'set',
      'bridge',
      'rigbr',
      'datapath_type=netdev',
    ])
    expect(await onMachine(1, ['ovs-vsctl', 'list-br'])).toBe('rigbr')
    expect(await onMachine(2, ['ovs-vsctl', 'list-br'])).toBe('')
    expect((await execa('ovs-vsctl', ['list-br'])).stdout.split('\n')).not.toContain('rigbr')
  })

  it('down leaves no namespace, link, mount, process or file behind', async () => {
    await rig('up', '2')
    await rig('down')
    expect(await leftovers()).toEqual([])
  })
})

describe.skipIf(skipReason !== null)('a lab over two machines reached over ssh', () => {
  const name = `${testPrefix()}-mach`
  const lab = exampleLab(name)
  const service = engineService(createEngine())
  const calls = service.calls

  beforeAll(async () => {
    // The bundle a machine gets: built from these sources (CI builds dist/ before the tests).
    await execa(
      'npx',
      [
        'esbuild',
        'electron/helper/bin.ts',
        '--bundle',
        '--platform=node',
        '--format=esm',
        `--outfile=${BUNDLE}`,
        "--banner:js=import { createRequire as __patchbayRequire } from 'node:module'; const require = __patchbayRequire(import.meta.url);",
        '--log-level=warning',
      ],
      { cwd: ROOT },
    )
    await rig('down')
    await rig('up', '2')
  }, 120_000)

  afterAll(async () => {
    await calls.destroyLab({ lab }).catch(() => undefined)
    service.close()
    await rig('down')
  }, 120_000)

  it('refuses a node name with shell syntax before any connection', async () => {
    const hostile = {
      ...lab,
      nodes: { ...(lab.nodes as object), 'h1;reboot': { kind: 'netns', host: 'm1' } },
    }
    await expect(calls.planLab({ lab: hostile })).rejects.toMatchObject({ kind: 'invalid' })
    // Nothing reached either machine: no session was ever accepted.
    for (const i of [1, 2]) {
      const log = readFileSync(`/run/patchbay-machines/m${i}/sshd.log`, 'utf8')
      expect(log).not.toContain('Accepted publickey')
      expect(await commandsAsked(i)).toEqual([])
    }
  })

  it('applies across both machines over VXLAN: pings inside the VLANs, none across; again is a no-op', async () => {
    const before = [await machineState(1), await machineState(2)]
    const plan = await calls.planLab({ lab })
    expect(plan.problems, JSON.stringify(plan.problems)).toEqual([])
    expect(new Set(plan.ops.map((op) => op.host))).toEqual(new Set(['m1', 'm2']))
    const tunnel = plan.ops.filter((op) => op.action === 'vxlan.create')
    expect(tunnel.map((op) => [op.host, op.argv.join(' ')])).toEqual([
      [
        'm1',
        'ip link add ovs1-ovs2 type vxlan id 42 local 10.250.0.11 remote 10.250.0.12 dstport 4789 dev eth0',
      ],
      [
        'm2',
        'ip link add ovs2-ovs1 type vxlan id 42 local 10.250.0.12 remote 10.250.0.11 dstport 4789 dev eth0',
      ],
    ])
    // eth0's MTU 1500 leaves 1450 inside the tunnel: the plan says so.
    expect(tunnel[0]!.why).toContain('carries frames of 1450 inside, less than 1500')
    const applied = (await calls.applyPlan({ planId: plan.planId })) as ApplyReply
    expect(applied.ok).toBe(true)
    // Each machine holds its own part: m1 has h1a and h1b, m2 has h2a and h2b.
    expect(names(await onMachine(1, ['ip', 'netns', 'list']))).toEqual(['h1a', 'h1b'])
    expect(names(await onMachine(2, ['ip', 'netns', 'list']))).toEqual(['h2a', 'h2b'])

    const verified = await calls.verifyLab({ lab })
    expect(verified.ok).toBe(true)
    const reach = (from: string, to: string) =>
      verified.pairs.find((p) => p.from === `${from}:eth1` && p.to === `${to}:eth1`)?.reachable
    expect(reach('h1a', 'h2a')).toBe(true)
    expect(reach('h2b', 'h1b')).toBe(true)
    expect(reach('h1a', 'h2b')).toBe(false)
    expect(reach('h1a', 'h1b')).toBe(false)
    expect(verified.pairs).toHaveLength(12)

    expect((await calls.planLab({ lab })).ops).toEqual([])
    expect((await calls.statusLab({ lab })).inSync).toBe(true)

    // The domains as the machines have them: each machine's part, joined across the tunnel (VLAN
    // 100 of ovs1 and of ovs2 are one domain), are the drawing's.
    const drawn = await calls.domains({ lab })
    const seen = await calls.domains({ lab, observed: true })
    expect(seen.disagreements).toEqual([])
    expect(seen.domains).toEqual(drawn.domains)
    expect(seen.domains.find((d) => d.members.includes('h1a:eth1'))?.members).toEqual([
      'h1a:eth1',
      'h2a:eth1',
    ])

    // The helper is the only program sshd started on either machine.
    for (const i of [1, 2]) {
      const started = await startedBySshd(i)
      expect(started.length).toBeGreaterThan(0)
      expect(new Set(started)).toEqual(new Set([`node ${REMOTE_HELPER} --machine`]))
    }

    const destroyed = await calls.destroyLab({ lab })
    expect(destroyed.ok).toBe(true)
    expect([await machineState(1), await machineState(2)]).toEqual(before)
  }, 120_000)

  it('patchbay apply, verify, status, plan and destroy of the example over both machines, as commands', async () => {
    const before = [await machineState(1), await machineState(2)]
    const dir = await mkdtemp(join(tmpdir(), 'pb-machines-cli-'))
    const file = join(dir, 'lab.yaml')
    try {
      await writeFile(file, stringify(lab))
      const applied = await runCli(['apply', file])
      expect(applied.code, applied.stderr).toBe(0)
      expect(applied.stdout).toMatch(new RegExp(`^${name}: apply done, \\d+ ops in \\d+ ms$`, 'm'))
      expect(names(await onMachine(1, ['ip', 'netns', 'list']))).toEqual(['h1a', 'h1b'])
      expect(names(await onMachine(2, ['ip', 'netns', 'list']))).toEqual(['h2a', 'h2b'])

      const verified = await runCli(['verify', '--json', file])
      expect(verified.code, verified.stderr).toBe(0)
      const report = JSON.parse(verified.stdout) as VerifyReply
      expect(report.ok).toBe(true)
      expect(report.pairs).toHaveLength(12)
      const reach = (from: string, to: string) =>
        report.pairs.find((p) => p.from === `${from}:eth1` && p.to === `${to}:eth1`)?.reachable
      expect(reach('h1a', 'h2a')).toBe(true)
      expect(reach('h1a', 'h2b')).toBe(false)
      const verifiedText = await runCli(['verify', file])
      expect(verifiedText.stdout).toContain(`${name}: every pair as expected (12 pairs)`)

      const domains = await runCli(['domains', '--observed', file])
      expect(domains.code, domains.stderr).toBe(0)
      expect(domains.stdout).toContain('the machine agrees with the drawing')

      const again = await runCli(['apply', file])
      expect(again.code, again.stderr).toBe(0)
      expect(again.stdout).toMatch(new RegExp(`^${name}: in sync, nothing to do`, 'm'))
      const status = await runCli(['status', file])
      expect(status.code, status.stderr).toBe(0)
      expect(status.stdout).toContain(`${name}: in sync\n`)
      const plan = await runCli(['plan', '--json', file])
      expect(plan.code, plan.stderr).toBe(0)
      expect((JSON.parse(plan.stdout) as PlanReply).ops).toEqual([])

      const destroyed = await runCli(['destroy', '--json', file])
      expect(destroyed.code, destroyed.stderr).toBe(0)
      const undone = JSON.parse(destroyed.stdout) as ApplyReply
      expect(undone.ok).toBe(true)
      expect(new Set(undone.ops.map((op) => op.host))).toEqual(new Set(['m1', 'm2']))
      expect([await machineState(1), await machineState(2)]).toEqual(before)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 180_000)

  it('the far side is asked to run only the two fixed commands: the helper, and its install', async () => {
    for (const i of [1, 2]) await writeFile(`/run/patchbay-machines/m${i}/commands.log`, '')
    // m1 has no helper: it is copied there first.
    await onMachine(1, ['rm', '-f', REMOTE_HELPER])
    const fresh = engineService(createEngine())
    try {
      const plan = await fresh.calls.planLab({ lab })
      expect(((await fresh.calls.applyPlan({ planId: plan.planId })) as ApplyReply).ok).toBe(true)
      expect((await fresh.calls.statusLab({ lab })).inSync).toBe(true)
      expect((await fresh.calls.verifyLab({ lab })).ok).toBe(true)
      expect((await fresh.calls.domains({ lab, observed: true })).disagreements).toEqual([])
      expect((await fresh.calls.destroyLab({ lab })).ok).toBe(true)
    } finally {
      fresh.close()
    }
    // ssh hands a command to the far side as one string, which sshd runs through the user's login
    // shell: what keeps a lab's words out of that shell is that the string is always one of two
    // fixed ones, with no word of the lab in them.
    const asked = [await commandsAsked(1), await commandsAsked(2)]
    expect(asked[0]).toContain(INSTALL_COMMAND)
    expect(asked[0]).toContain(HELPER_COMMAND)
    expect(asked[1]).toContain(HELPER_COMMAND)
    expect(new Set(asked.flat())).toEqual(new Set([INSTALL_COMMAND, HELPER_COMMAND]))
    for (const word of [name, 'h1a', 'ovs1', '10.0.0.1'])
      expect(asked.flat().some((c) => c.includes(word))).toBe(false)
  }, 120_000)

  it('tunnels over another NIC with a small MTU: the plan warns, a wire mtu that fits does not, and it works', async () => {
    // A second underlay between the machines, with MTU 1400: a cable from m1 (ul1) to m2 (ul2).
    await execa('ip', [
      'link',
      'add',
      'ul1',
      'netns',
      'pbm-m1',
      'mtu',
      '1400',
      'type',
      'veth',
      'peer',
      'name',
      'ul2',
      'netns',
      'pbm-m2',
      'mtu',
      '1400',
    ])
    try {
      for (const i of [1, 2]) {
        await onMachine(i, ['ip', 'addr', 'add', `10.251.0.1${i}/24`, 'dev', `ul${i}`])
        await onMachine(i, ['ip', 'link', 'set', `ul${i}`, 'up'])
      }
      const before = [await machineState(1), await machineState(2)]
      const hosts = lab.hosts as Record<string, Record<string, unknown>>
      const over = (mtu?: number) => ({
        ...lab,
        hosts: {
          m1: { ...hosts.m1, address: '10.251.0.11' },
          m2: { ...hosts.m2, address: '10.251.0.12' },
        },
        links: (lab.links as Record<string, unknown>[]).map((l) =>
          'between' in l && mtu !== undefined ? { ...l, mtu } : l,
        ),
      })
      const tunnels = async (wire: Record<string, unknown>) => {
        const plan = await calls.planLab({ lab: wire })
        expect(plan.problems, JSON.stringify(plan.problems)).toEqual([])
        return { plan, ops: plan.ops.filter((op) => op.action === 'vxlan.create') }
      }
      const low = await tunnels(over())
      expect(low.ops.map((op) => [op.host, op.argv.join(' ')])).toEqual([
        [
          'm1',
          'ip link add ovs1-ovs2 type vxlan id 42 local 10.251.0.11 remote 10.251.0.12 dstport 4789 dev ul1',
        ],
        [
          'm2',
          'ip link add ovs2-ovs1 type vxlan id 42 local 10.251.0.12 remote 10.251.0.11 dstport 4789 dev ul2',
        ],
      ])
      // The VNI, the UDP port and both addresses are said; the MTU left inside is warned of.
      expect(low.ops[0]!.why).toContain(
        'VXLAN 42 (UDP 4789) from 10.251.0.11 on machine m1 to 10.251.0.12 on machine m2',
      )
      expect(low.ops[0]!.why).toContain(
        "warning: ul1's MTU 1400 carries frames of 1350 inside, less than 1500",
      )
      expect(low.ops[1]!.why).toContain(
        "warning: ul2's MTU 1400 carries frames of 1350 inside, less than 1500",
      )
      // The wire's own MTU, small enough for the underlay: no warning, and the tunnel is made so.
      const fits = await tunnels(over(1350))
      for (const op of fits.ops) {
        expect(op.why).not.toContain('warning')
        expect(op.argv.join(' ')).toContain(' mtu 1350 type vxlan')
      }
      const applied = (await calls.applyPlan({ planId: fits.plan.planId })) as ApplyReply
      expect(applied.ok, JSON.stringify(applied.failed)).toBe(true)
      const verified = await calls.verifyLab({ lab: over(1350) })
      expect(verified.ok, JSON.stringify(verified.pairs.filter((p) => p.expected !== p.reachable))).toBe(true)
      expect((await calls.destroyLab({ lab: over(1350) })).ok).toBe(true)
      expect([await machineState(1), await machineState(2)]).toEqual(before)
    } finally {
      await calls.destroyLab({ lab }).catch(() => undefined)
      await onMachine(1, ['ip', 'link', 'del', 'ul1']).catch(() => undefined)
    }
  }, 120_000)

  it('refuses a machine whose host key is not the one known', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pb-hostkey-'))
    try {
      // The rig's known-hosts file, with m1's key replaced by another one.
      const other = join(dir, 'other')
      await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other])
      const otherKey = readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')
      const known = readFileSync(RIG_KNOWN_HOSTS, 'utf8')
        .split('\n')
        .map((l) => (l.startsWith('10.250.0.11 ') ? `10.250.0.11 ${otherKey}` : l))
        .join('\n')
      await writeFile(join(dir, 'known_hosts'), known)
      const link = new MachineLink(
        'm1',
        {
          user: 'root',
          host: '10.250.0.11',
          port: 22,
          identityFile: RIG_KEY,
          knownHostsFile: join(dir, 'known_hosts'),
        },
        { bundle: BUNDLE, controlDir: join(dir, 'control') },
      )
      await expect(link.open()).rejects.toThrow(
        /machine m1 \(root@10\.250\.0\.11\): its host key is not the one in/,
      )
      link.close()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 60_000)

  /**
   * Applies the lab's plan and, the moment m2 says its first step is done, freezes m2's helper
   * right there (SIGSTOP: m2 is in the middle of its apply, whatever its speed) and hands it to
   * `cut`; the helper is let go again (SIGCONT) once `cut` returned. What m2 held at the cut is
   * returned with the reply.
   */
  async function applyCutOnM2(cut: (helper: number) => Promise<void>) {
    const plan = await calls.planLab({ lab })
    expect(plan.problems, JSON.stringify(plan.problems)).toEqual([])
    // Steps only m2 has: its progress is told apart from m1's by them.
    const onM1 = new Set(plan.ops.filter((op) => op.host === 'm1').map((op) => op.id))
    const onlyM2 = new Set(plan.ops.filter((op) => op.host === 'm2' && !onM1.has(op.id)).map((op) => op.id))
    expect(onlyM2.size).toBeGreaterThan(3)
    const helper = await helperOn(2) // the one that planned m2's part applies it
    // Let go again; a helper the cut killed is gone already.
    const resume = () => {
      try {
        process.kill(helper, 'SIGCONT')
      } catch {}
    }
    let cutting: Promise<string> | null = null
    let stepsBefore = 0
    const stop = service.onBroadcast((event) => {
      if (event.type !== 'progress' || event.planId !== plan.planId) return
      if (cutting || !onlyM2.has(event.op)) return
      process.kill(helper, 'SIGSTOP')
      stepsBefore = event.done
      cutting = cut(helper).then(
        async () => {
          const held = await machineState(2)
          resume()
          return held
        },
        (e) => {
          resume()
          throw e
        },
      )
    })
    try {
      const applied = (await calls.applyPlan({ planId: plan.planId })) as ApplyReply
      expect(cutting, 'm2 never said a step was done').not.toBeNull()
      const atCut = await cutting!
      return { applied, atCut, helper, plan, stepsBefore }
    } finally {
      stop()
    }
  }

  it('rolls back every machine when m2 is cut off while it applies (its sshd stopped), m2 too, and says which', async () => {
    const before = [await machineState(1), await machineState(2)]
    try {
      const { applied, atCut, helper, plan, stepsBefore } = await applyCutOnM2(async () => {
        await rig('stop-sshd', '2')
      })
      // The cut landed inside m2's apply: part of the lab was on m2, not all of its steps were done.
      expect(atCut).not.toBe(before[1])
      expect(stepsBefore).toBeLessThan(plan.ops.length)
      expect(applied.ok, JSON.stringify(applied)).toBe(false)
      expect(applied.failed?.id).toBe('hosts.m2')
      expect(applied.failed?.error).toMatch(/machine m2 \(root@10\.250\.0\.12\) is unreachable/)
      // m1 had applied its part; it was undone.
      expect(applied.rolledBack.length, JSON.stringify(applied)).toBeGreaterThan(0)
      expect(await machineState(1)).toBe(before[0])
      // m2's helper heard its channel close: it finished the step it was in, undid what this apply
      // did there, and ended. Nothing is left on m2, not even a journal to recover.
      await ended(helper)
      expect(await machineState(2)).toBe(before[1])
      expect(await journalOn(2, name)).toBeNull()
    } finally {
      await rig('start-sshd', '2')
    }
    expect(await machineState(2)).toBe(before[1])
    // Both machines are usable again: the lab applies and goes.
    const again = await calls.planLab({ lab })
    expect(((await calls.applyPlan({ planId: again.planId })) as ApplyReply).ok).toBe(true)
    expect((await calls.destroyLab({ lab })).ok).toBe(true)
    expect([await machineState(1), await machineState(2)]).toEqual(before)
  }, 180_000)

  it('patchbay apply killed mid-way (kill -9): the helper on each machine undoes its own part', async () => {
    const before = [await machineState(1), await machineState(2)]
    const dir = await mkdtemp(join(tmpdir(), 'pb-machines-kill-'))
    const file = join(dir, 'lab.yaml')
    await writeFile(file, stringify(lab))
    const helpersOf = async (i: number) =>
      (await startedBySshdPids(i)).filter((p) => p.args === HELPER_COMMAND).map((p) => p.pid)
    const others = [await helpersOf(1), await helpersOf(2)]
    const newHelperOn = async (i: number, known: number[]) => {
      const until = Date.now() + 120_000
      for (;;) {
        const fresh = (await helpersOf(i)).filter((pid) => !known.includes(pid))
        if (fresh.length === 1) return fresh[0]!
        if (Date.now() > until) throw new Error(`patchbay apply started no helper on m${i}`)
        await new Promise((r) => setTimeout(r, 50))
      }
    }
    const cli = execa(process.execPath, [join(ROOT, 'bin', 'patchbay.js'), 'apply', file], {
      reject: false,
      buffer: false,
    })
    try {
      // Its helpers, one on each machine, start with its plan (this file's service has its own).
      const helpers: number[] = []
      for (const i of [1, 2]) helpers.push(await newHelperOn(i, others[i - 1]!))
      // At its first step done both machines are frozen (SIGSTOP) in the middle of their apply,
      // and the command is killed without a chance to say anything to them.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('patchbay apply never said a step was done')),
          120_000,
        )
        cli.stdout?.on('data', (chunk: Buffer) => {
          if (!chunk.toString().includes('  done  ')) return
          for (const pid of helpers) process.kill(pid, 'SIGSTOP')
          cli.kill('SIGKILL')
          clearTimeout(timer)
          resolve()
        })
      })
      await cli
      const atKill = [await machineState(1), await machineState(2)]
      expect(atKill).not.toEqual(before)
      for (const pid of helpers) process.kill(pid, 'SIGCONT')
      // Each helper heard its channel close: it undid its apply there, and ended.
      for (const pid of helpers) await ended(pid)
      expect([await machineState(1), await machineState(2)]).toEqual(before)
      for (const i of [1, 2]) expect(await journalOn(i, name)).toBeNull()
    } finally {
      cli.kill('SIGKILL')
      await rm(dir, { recursive: true, force: true })
    }
  }, 240_000)

  it('a helper killed on m2 mid-apply: m1 is rolled back, and the next destroy undoes the killed run on m2 by its journal', async () => {
    const before = [await machineState(1), await machineState(2)]
    const { applied, atCut, helper } = await applyCutOnM2(async (pid) => {
      process.kill(pid, 'SIGKILL')
      await ended(pid)
    })
    expect(atCut).not.toBe(before[1])
    expect(applied.ok, JSON.stringify(applied)).toBe(false)
    expect(applied.failed?.id).toBe('hosts.m2')
    expect(applied.rolledBack.length, JSON.stringify(applied)).toBeGreaterThan(0)
    expect(await machineState(1)).toBe(before[0])
    await ended(helper)
    // Killed, m2's helper undid nothing: its half and its journal stay until m2 is reached again.
    expect(await machineState(2)).not.toBe(before[1])
    expect(await journalOn(2, name)).toContain('"done"')
    // status only looks: it says what is left to undo there, and that the lab is not in sync.
    const status = await calls.statusLab({ lab })
    expect(status.inSync).toBe(false)
    expect(status.problems.map((p) => p.message).join('\n')).toMatch(
      /machine m2: an interrupted run left \d+ steps to undo; the next apply or destroy undoes them first/,
    )

    const destroyed = await calls.destroyLab({ lab })
    expect(destroyed.ok, JSON.stringify(destroyed)).toBe(true)
    expect(destroyed.recovered?.undone, JSON.stringify(destroyed)).toBeGreaterThan(0)
    expect([await machineState(1), await machineState(2)]).toEqual(before)
    expect(await journalOn(2, name)).toBeNull()
  }, 180_000)

  it('a helper killed on m2 mid-apply: the next apply undoes the killed run there first, then applies', async () => {
    const before = [await machineState(1), await machineState(2)]
    const { applied } = await applyCutOnM2(async (pid) => {
      process.kill(pid, 'SIGKILL')
      await ended(pid)
    })
    expect(applied.failed?.id).toBe('hosts.m2')
    expect(await journalOn(2, name)).toContain('"done"')
    // As patchbay apply does it: plan, apply that plan; m2 recovers first, so it has moved since
    // the plan and says the plan it needs now, which then applies.
    const plan = await calls.planLab({ lab })
    const first = await calls.applyPlan({ planId: plan.planId })
    expect('ran' in first, JSON.stringify(first)).toBe(true)
    expect(first.recovered?.undone, JSON.stringify(first)).toBeGreaterThan(0)
    if (!('ran' in first)) throw new Error('unreachable')
    const second = (await calls.applyPlan({ planId: first.plan.planId })) as ApplyReply
    expect(second.ok, JSON.stringify(second)).toBe(true)
    expect(await journalOn(2, name)).toBeNull()
    expect((await calls.verifyLab({ lab })).ok).toBe(true)
    expect((await calls.destroyLab({ lab })).ok).toBe(true)
    expect([await machineState(1), await machineState(2)]).toEqual(before)
  }, 180_000)
})
