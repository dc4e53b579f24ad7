// Impairments and admin state on the real kernel, through the real `patchbay` command: a rate as a
// tbf qdisc on the declared link only, drift when the qdisc is removed by hand and repair by apply,
// a link declared down (both ends down, shown as admin-down, verify passes), hostile values refused
// before anything runs, and netem used where the kernel has it or refused with exit 3 where not.
import { mkdirSync, writeFileSync } from 'node:fs'
import { execa } from 'execa'
import { afterAll, describe, expect, it } from 'vitest'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { snapshot, sweep } from './support/machine.ts'

const skipReason = await missingLabHost(['iproute2'])

/** Whether this kernel has sch_netem, found the way a user would: try it in a throwaway netns. */
async function kernelHasNetem(prefix: string): Promise<boolean> {
  const ns = `${prefix}probe`
  await execa('ip', ['netns', 'add', ns])
  try {
    await execa('ip', ['-n', ns, 'link', 'add', 'x0', 'type', 'veth', 'peer', 'name', 'x1'])
    const r = await execa('tc', ['-n', ns, 'qdisc', 'add', 'dev', 'x0', 'root', 'netem', 'delay', '1ms'], {
      reject: false,
    })
    return r.exitCode === 0
  } finally {
    await execa('ip', ['netns', 'del', ns], { reject: false })
  }
}

const rootQdisc = async (dev: string) => {
  const r = await execa('tc', ['-j', 'qdisc', 'show', 'dev', dev])
  return (
    JSON.parse(String(r.stdout)) as { kind: string; root?: boolean; options?: { rate?: number } }[]
  ).find((q) => q.root)
}
const adminUp = async (netns: string | null, dev: string) => {
  const r = await execa('ip', [...(netns ? ['-n', netns] : []), '-j', 'link', 'show', dev])
  return (JSON.parse(String(r.stdout)) as { flags: string[] }[])[0]!.flags.includes('UP')
}

describe.skipIf(skipReason !== null)('impairments and link state on the real kernel', () => {
  const prefix = testPrefix()
  const stateDir = `/tmp/patchbay-test-state/${prefix}`
  mkdirSync(stateDir, { recursive: true })
  const [br, a, b, c] = ['br', 'a', 'b', 'c'].map((n) => `${prefix}${n}`) as [string, string, string, string]
  const labFile = (name: string, links: string[]) => {
    const file = `${stateDir}/${name}.yaml`
    writeFileSync(
      file,
      [
        'patchbay: 1',
        `name: ${prefix}-${name}`,
        'nodes:',
        `  ${br}: { kind: linux-bridge }`,
        `  ${a}: { kind: netns }`,
        `  ${b}: { kind: netns }`,
        `  ${c}: { kind: netns }`,
        `  ${br}2: { kind: linux-bridge }`,
        'links:',
        ...links.map((l) => `  - ${l}`),
        '',
      ].join('\n'),
    )
    return file
  }
  const patchbay = async (...args: string[]) => {
    const r = await execa('node', ['bin/patchbay.js', ...args], {
      env: { PATCHBAY_STATE_DIR: stateDir },
      reject: false,
    })
    return { code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) }
  }
  const rateLab = labFile('rate', [
    `{ guest: ${a}, to: ${br}, ip: 10.212.0.1/24, netem: { rate: 1mbit } }`,
    `{ guest: ${b}, to: ${br}, ip: 10.212.0.2/24 }`,
    `{ guest: ${c}, to: ${br}, ip: 10.212.0.3/24, state: down }`,
    `{ between: [${br}, ${br}2], ifnames: [${prefix}w1, ${prefix}w2], netem: { rate: 2mbit } }`,
  ])

  afterAll(async () => {
    await patchbay('destroy', rateLab)
    await sweep(prefix)
  })

  it('refuses hostile values with exit 2 naming the field and value, and runs nothing', async () => {
    for (const [field, value] of [
      ['delay', '"-1ms"'],
      ['loss', '"200%"'],
      ['rate', '"1e99"'],
    ] as const) {
      const file = labFile('hostile', [`{ guest: ${a}, to: ${br}, netem: { ${field}: ${value} } }`])
      const r = await patchbay('apply', file)
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(`links[0].netem.${field}: ${value}`)
    }
    expect(await snapshot(prefix)).toEqual({
      links: [],
      netns: [],
      ovsBridges: [],
      ovsPorts: [],
      containers: [],
    })
  })

  it('uses netem for a delay where the kernel has it, else says which link needs it (exit 3, nothing run)', async () => {
    const delayLab = labFile('delay', [
      `{ guest: ${a}, to: ${br}, ip: 10.212.1.1/24, netem: { delay: 40ms } }`,
      `{ guest: ${b}, to: ${br}, ip: 10.212.1.2/24 }`,
      `{ guest: ${c}, to: ${br}, ip: 10.212.1.3/24 }`,
    ])
    if (!(await kernelHasNetem(prefix))) {
      const r = await patchbay('apply', delayLab)
      expect(r.code).toBe(3)
      expect(r.stderr).toContain(`link ${a}:eth1: delay needs the kernel's netem qdisc (sch_netem)`)
      expect(await snapshot(prefix)).toEqual({
        links: [],
        netns: [],
        ovsBridges: [],
        ovsPorts: [],
        containers: [],
      })
      return
    }
    try {
      expect((await patchbay('apply', delayLab)).code).toBe(0)
      const rtt = async (from: string, to: string) => {
        const r = await execa('ip', ['netns', 'exec', from, 'ping', '-n', '-c', '3', '-i', '0.2', to])
        return Number(/= [\d.]+\/([\d.]+)\//.exec(String(r.stdout))![1])
      }
      // The qdisc on a's host end delays what goes towards a: the round trip from b crosses it once.
      expect(await rtt(b, '10.212.1.1')).toBeGreaterThanOrEqual(40)
      expect(await rtt(b, '10.212.1.3')).toBeLessThan(20)
    } finally {
      await patchbay('destroy', delayLab)
    }
  })

  it('applies a rate as tbf on the declared link only, and a down link with both ends down', async () => {
    const r = await patchbay('apply', rateLab)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const q = await rootQdisc(`${a}-eth1`)
    expect(q).toMatchObject({ kind: 'tbf', options: { rate: 125000 } }) // 1 mbit/s in bytes
    expect(['tbf', 'netem']).not.toContain((await rootQdisc(`${b}-eth1`))?.kind)
    // A wire's impairment sits on its first end only (traffic from between[0] to between[1]).
    expect(await rootQdisc(`${prefix}w1`)).toMatchObject({ kind: 'tbf', options: { rate: 250000 } })
    expect(['tbf', 'netem']).not.toContain((await rootQdisc(`${prefix}w2`))?.kind)
    expect(await adminUp(null, `${c}-eth1`)).toBe(false)
    expect(await adminUp(c, 'eth1')).toBe(false)
    expect(await adminUp(b, 'eth1')).toBe(true)

    const status = await patchbay('status', '--json', rateLab)
    expect(status.code).toBe(0)
    const links = (JSON.parse(status.stdout) as { links: { id: string; state: string }[] }).links
    expect(links.map((l) => [l.id, l.state])).toEqual([
      [`${a}:eth1`, 'up'],
      [`${b}:eth1`, 'up'],
      [`${c}:eth1`, 'admin-down'],
      [`${br}~${br}2`, 'up'],
    ])
    // The down guest reaches no one, and that is what verify expects.
    const verify = await patchbay('verify', rateLab)
    expect(verify.stdout).toMatch(new RegExp(`${a}:eth1 .*${b}:eth1`))
    expect(verify.code).toBe(0)
    expect((await patchbay('apply', rateLab)).stdout).toContain('nothing to do')
  })

  it('shows a qdisc removed by hand as drift naming the link, and apply puts it back', async () => {
    await execa('tc', ['qdisc', 'del', 'dev', `${a}-eth1`, 'root'])
    const status = await patchbay('status', rateLab)
    expect(status.code).toBe(1)
    expect(status.stdout).toMatch(new RegExp(`drifted +${a}:eth1`))
    expect(status.stdout).toContain(`${a}-eth1 has no tbf qdisc; the lab says rate 1mbit`)
    expect((await patchbay('apply', rateLab)).code).toBe(0)
    expect(await rootQdisc(`${a}-eth1`)).toMatchObject({ kind: 'tbf', options: { rate: 125000 } })

    // A down link brought up by hand is drift too, and apply takes it down again.
    await execa('ip', ['link', 'set', `${c}-eth1`, 'up'])
    expect((await patchbay('status', rateLab)).stdout).toMatch(new RegExp(`drifted +${c}:eth1`))
    expect((await patchbay('apply', rateLab)).code).toBe(0)
    expect(await adminUp(null, `${c}-eth1`)).toBe(false)
    expect((await patchbay('status', rateLab)).code).toBe(0)
  })

  it('destroy removes the impaired link with its qdisc', async () => {
    expect((await patchbay('destroy', rateLab)).code).toBe(0)
    expect(await snapshot(prefix)).toEqual({
      links: [],
      netns: [],
      ovsBridges: [],
      ovsPorts: [],
      containers: [],
    })
    const all = await execa('tc', ['-j', 'qdisc', 'show'])
    expect(String(all.stdout)).not.toContain(`${a}-eth1`)
  })
})
