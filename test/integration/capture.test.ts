// `patchbay capture` on the real kernel: a trunk between two OVS bridges (userspace datapath)
// carries its guests' pings tagged with their VLAN; the capture stops on -c, on SIGTERM and when
// its reader goes away, leaving no tcpdump behind; hostile filters and unknown links run nothing.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { processCommandLog } from '../../electron/core/exec/runner.ts'
import { decodeFrame, PcapStream } from '../../shared/capture/pcap.ts'
import { fitIfname } from '../../shared/plan/device-names.ts'
import { runCli } from '../support/cli.ts'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { sweep } from './support/machine.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs', 'docker'])

/** The command lines of running tcpdumps that name `device`. */
function tcpdumpsOn(device: string): string[] {
  const found: string[] = []
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let argv: string[]
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    } catch {
      continue
    }
    if (argv[0]?.endsWith('tcpdump') && argv.includes(device)) found.push(`${pid}: ${argv.join(' ')}`)
  }
  return found
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode)
    else child.on('exit', (code) => resolve(code))
  })

async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (check()) return true
    await new Promise((r) => setTimeout(r, 100))
  }
  return check()
}

describe.skipIf(skipReason !== null)('patchbay capture', () => {
  const prefix = testPrefix()
  const dir = mkdtempSync(join(tmpdir(), 'patchbay-capture-'))
  const stateDir = `/tmp/patchbay-test-state/${prefix}`
  const labFile = join(dir, 'lab.yaml')
  const [s1, s2, a, b] = [`${prefix}s1`, `${prefix}s2`, `${prefix}a`, `${prefix}b`]
  const trunk = `${s1}~${s2}`
  const trunkDevice = fitIfname(`${s1}-${s2}`, `${prefix}-cap`) // too long for a name: shortened
  const env = { ...process.env, PATCHBAY_STATE_DIR: stateDir }
  const previousState = process.env.PATCHBAY_STATE_DIR
  let pinging = true

  const cli = (args: string[]) =>
    spawn('node', ['bin/patchbay.js', 'capture', labFile, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  /** Pings b from a, once every 200 ms, until told to stop: traffic for every capture below. */
  async function pingLoop(): Promise<void> {
    while (pinging) {
      await execa('ip', ['netns', 'exec', a, 'ping', '-c', '1', '-W', '1', '10.214.0.2'], { reject: false })
      await new Promise((r) => setTimeout(r, 200))
    }
  }

  beforeAll(async () => {
    writeFileSync(
      labFile,
      [
        'patchbay: 1',
        `name: ${prefix}-cap`,
        'nodes:',
        `  ${s1}: { kind: ovs-bridge }`,
        `  ${s2}: { kind: ovs-bridge }`,
        `  ${a}: { kind: netns }`,
        `  ${b}: { kind: netns }`,
        'links:',
        `  - { guest: ${a}, to: ${s1}, ip: 10.214.0.1/24, vlan: 100 }`,
        `  - { guest: ${b}, to: ${s2}, ip: 10.214.0.2/24, vlan: 100 }`,
        `  - { between: [${s1}, ${s2}], trunk: [100, 200] }`,
        '',
      ].join('\n'),
    )
    process.env.PATCHBAY_STATE_DIR = stateDir
    const applied = await runCli(['apply', labFile])
    expect(applied.code, applied.stderr).toBe(0)
    void pingLoop()
  }, 60_000)

  afterAll(async () => {
    pinging = false
    if (previousState === undefined) delete process.env.PATCHBAY_STATE_DIR
    else process.env.PATCHBAY_STATE_DIR = previousState
    for (const line of tcpdumpsOn(trunkDevice)) process.kill(Number(line.split(':')[0]), 'SIGKILL')
    rmSync(dir, { recursive: true, force: true })
    await sweep(prefix)
    rmSync(stateDir, { recursive: true, force: true })
  }, 60_000)

  it('writes the trunk frames with their 802.1Q tag, and stops by itself after -c N', async () => {
    const file = join(dir, 'trunk.pcap')
    const child = cli([trunk, '-c', '4', '-w', file, '-f', 'vlan 100 and icmp'])
    let stderr = ''
    child.stderr!.on('data', (c) => {
      stderr += c
    })
    expect(await exitOf(child)).toBe(0)
    expect(stderr).toContain(`on ${trunkDevice} in the host`)
    const stream = new PcapStream()
    const frames = stream.push(new Uint8Array(readFileSync(file))).map((r) => decodeFrame(r.data))
    expect(stream.error).toBeNull()
    expect(frames).toHaveLength(4)
    for (const frame of frames) {
      expect(frame.vlans).toEqual([100])
      expect(frame.protocol).toBe('ICMP')
      expect([frame.source, frame.destination].sort()).toEqual(['10.214.0.1', '10.214.0.2'])
    }
    expect(tcpdumpsOn(trunkDevice)).toEqual([])
  }, 60_000)

  it('streams pcap on standard output until SIGTERM, and leaves no tcpdump', async () => {
    const child = cli([`${a}:eth1`])
    const stream = new PcapStream()
    let frames = 0
    child.stdout!.on('data', (chunk: Buffer) => {
      frames += stream.push(new Uint8Array(chunk)).length
    })
    expect(await eventually(() => frames >= 2, 20_000)).toBe(true)
    expect(stream.header?.linkType).toBe(1)
    expect(tcpdumpsOn(`${a}-eth1`)).toHaveLength(1)
    child.kill('SIGTERM')
    expect(await exitOf(child)).toBe(0)
    expect(tcpdumpsOn(`${a}-eth1`)).toEqual([])
  }, 60_000)

  it('stops when the reader of standard output goes away', async () => {
    const child = cli([`${b}:eth1`])
    let bytes = 0
    child.stdout!.on('data', (chunk: Buffer) => {
      bytes += chunk.length
    })
    expect(await eventually(() => bytes > 24 && tcpdumpsOn(`${b}-eth1`).length === 1, 20_000)).toBe(true)
    child.stdout!.destroy() // like `| head -c 100` ending
    const code = await Promise.race([
      exitOf(child),
      new Promise((r) => setTimeout(() => r('still running'), 10_000)),
    ])
    expect(code).toBe(0)
    expect(await eventually(() => tcpdumpsOn(`${b}-eth1`).length === 0)).toBe(true)
  }, 60_000)

  it.each([
    ['a filter with ;', [trunk, '-f', 'icmp; touch /tmp/x'], /filter: .*";"/],
    ['a filter with $(', [trunk, '-f', 'icmp $(reboot)'], /filter: .*"\$"/],
    ['a filter with backticks', [trunk, '-f', 'icmp `reboot`'], /filter: .*"`"/],
    ['a filter with |', [trunk, '-f', 'icmp | sh'], /filter: .*"\|"/],
    ['a filter with an option', [trunk, '-f', 'icmp -w /tmp/x'], /filter: .*"-w"/],
    ['a filter tcpdump cannot compile', [trunk, '-f', 'icmp andd arp'], /filter: tcpdump cannot compile it/],
    ['a link that does not exist', ['nope~nope'], /link: lab \S+ has no link "nope~nope"; its links are/],
    ['a count of 0', [trunk, '-c', '0'], /count: 0 is not a whole number/],
  ])('refuses %s with exit 2 and starts no tcpdump', async (_what, args, message) => {
    const out = join(dir, 'refused.pcap')
    const logged = processCommandLog.length
    const result = await runCli(['capture', labFile, ...(args as string[]), '-w', out])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message as RegExp)
    // Only the filter's dry compile (tcpdump -d, which opens nothing) may have run.
    const ran = processCommandLog.slice(logged).map((r) => r.argv.join(' '))
    expect(ran.filter((c) => c.includes('tcpdump') && !c.startsWith('tcpdump -d '))).toEqual([])
    expect(existsSync(out)).toBe(false)
    expect(tcpdumpsOn(trunkDevice)).toEqual([])
  })
})
