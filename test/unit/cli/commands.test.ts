// The pure commands as a user runs them: exit codes, JSON shapes of docs/cli.md, and the
// scenario checks the foundation issue asks for.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { DomainsReply } from '../../../shared/api/contract.ts'
import { runCli } from '../../support/cli.ts'
import { readScenario, scenarioPath } from '../../support/scenarios.ts'

const members = (stdout: string) =>
  DomainsReply.parse(JSON.parse(stdout)).domains.map((d) => ({ vlan: d.vlan, members: d.members }))

describe('patchbay validate', () => {
  it.each([
    'single-host-vlan.yaml',
    'multi-host-vlan.yaml',
    'linux-bridge-lan.yaml',
  ])('accepts %s', async (file) => {
    const result = await runCli(['validate', scenarioPath(file)])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/: valid lab /)
  })

  it('--json lists the problems with file, line and field', async () => {
    const result = await runCli(
      ['validate', '--json', '-'],
      'patchbay: 1\nname: x\nnodes:\n  a: { kind: netns, host: nowhere }\n',
    )
    expect(result.code).toBe(2)
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      problems: [
        {
          severity: 'error',
          field: 'nodes.a.host',
          message: 'unknown host "nowhere"; declare it under hosts: or leave host out for the local machine',
          file: '<stdin>',
          line: 4,
          column: 27,
        },
      ],
    })
  })
})

describe('patchbay domains --json', () => {
  it('single host: exactly VLAN 100 {test1, test2} and VLAN 200 {test3, test4}', async () => {
    const result = await runCli(['domains', scenarioPath('single-host-vlan.yaml'), '--json'])
    expect(result.code).toBe(0)
    expect(members(result.stdout)).toEqual([
      { vlan: 100, members: ['test1:eth1', 'test2:eth1'] },
      { vlan: 200, members: ['test3:eth1', 'test4:eth1'] },
    ])
  })

  it('multi host: VLAN 100 {h1a, h2a} and VLAN 200 {h1b, h2b}', async () => {
    const result = await runCli(['domains', scenarioPath('multi-host-vlan.yaml'), '--json'])
    expect(members(result.stdout)).toEqual([
      { vlan: 100, members: ['h1a:eth1', 'h2a:eth1'] },
      { vlan: 200, members: ['h1b:eth1', 'h2b:eth1'] },
    ])
  })

  it('an imported pipework script agrees with its own comment (test1<->test2, test3<->test4)', async () => {
    const imported = await runCli(['import', scenarioPath('pipework-seed.sh')])
    expect(imported.code).toBe(0)
    const result = await runCli(['domains', '-', '--json'], imported.stdout)
    expect(members(result.stdout)).toEqual([
      { vlan: 100, members: ['test1:eth1', 'test2:eth1'] },
      { vlan: 200, members: ['test3:eth1', 'test4:eth1'] },
    ])
  })
})

describe('patchbay import and export', () => {
  it('export then import of the Linux bridge scenario keeps its links', async () => {
    const exported = await runCli(['export', scenarioPath('linux-bridge-lan.yaml')])
    expect(exported.stdout).toContain('pipework br0 b 192.168.77.11/24@192.168.77.1 U:b\n')
    const back = await runCli(['import', '-', '--name', 'linux-bridge-lan'], exported.stdout)
    expect(back.code).toBe(0)
    expect(back.stdout).toContain(
      '  - { guest: b, to: br0, ip: 192.168.77.11/24, gateway: 192.168.77.1, mac: U:b }',
    )
  })

  it.each([
    ['pipework ovs0 c1 10.0.0.1/24; reboot', 'script:1: error: shell operator ";"'],
    ['pipework eth0;reboot c1 10.0.0.1/24', 'script:1: error: shell operator ";"'],
    ['pipework ovs0 c1 10.0.0.1/24 @4095', 'script:1: error: vlan: VLAN 4095 is outside 1-4094'],
    ['pipework ovs0 $(id) 10.0.0.1/24', 'script:1: error: command substitution'],
    [
      'pipework ovs0 -i eth0123456789abc c1 10.0.0.1/24',
      'script:1: error: -i: "eth0123456789abc" is 16 bytes',
    ],
  ])('a bad script line: %s → exit 2 and nothing on stdout', async (line, message) => {
    const result = await runCli(['import', '-'], `${line}\n`)
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr.replace('<stdin>', 'script')).toContain(message)
  })
})

describe('the patchbay bin', () => {
  it('runs as a real process with real exit codes', async () => {
    const run = promisify(execFile)
    const ok = await run(process.execPath, [
      'bin/patchbay.js',
      'domains',
      scenarioPath('single-host-vlan.yaml'),
    ])
    expect(ok.stdout).toContain('ovs0/100  (VLAN 100, via ovs0)\n  test1:eth1\n  test2:eth1\n')
    const bad = await run(process.execPath, ['bin/patchbay.js', 'validate', '/nonexistent.yaml']).catch(
      (e: { code: number; stderr: string }) => e,
    )
    expect(bad).toMatchObject({ code: 2, stderr: 'patchbay: cannot read /nonexistent.yaml: ENOENT\n' })
    expect(readScenario('single-host-vlan.yaml')).toContain('patchbay: 1')
  })
})
