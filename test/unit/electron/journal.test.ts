// The journal's undo steps run as root after a crash, so it is read back as hostile input.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Journal } from '../../../electron/core/apply/journal.ts'
import { loadLab } from '../../../shared/lab/load.ts'
import type { Lab } from '../../../shared/lab/schema.ts'
import { simulatedHostPlace } from '../../../shared/plan/device-names.ts'
import { planLab } from '../../../shared/plan/plan.ts'
import { readScenario } from '../../support/scenarios.ts'
import { emptyHost } from '../plan/fixtures.ts'

const dirs: string[] = []
const stateDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'patchbay-journal-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const planned = (lab: Lab, dir: string) => {
  const hosts = ['local', ...Object.keys(lab.hosts ?? {})]
  const places = Object.fromEntries(hosts.slice(1).map((h) => [h, simulatedHostPlace(lab.name, h, dir)]))
  return planLab(lab, { hosts: Object.fromEntries(hosts.map((h) => [h, emptyHost()])) }, { places }).ops
}

describe('the apply journal', () => {
  it.each([
    'single-host-vlan.yaml',
    'multi-host-vlan.yaml',
    'linux-bridge-lan.yaml',
  ])('gives back every undo step the planner writes for %s', (file) => {
    const dir = stateDir()
    const lab = loadLab(readScenario(file)).lab!
    const ops = planned(lab, dir)
    const journal = new Journal(dir, lab.name)
    journal.started(ops)
    const undo = journal.leftovers()
    expect(journal.refused).toEqual([])
    expect(undo.map((op) => op.exec)).toEqual(
      ops
        .filter((op) => op.inverse)
        .reverse()
        .map((op) => op.inverse),
    )
    expect(undo.length).toBeGreaterThan(5)
  })

  it.each([
    ['a command of its own', { tool: 'cmd', argv: ['touch', '/tmp/pwned'] }],
    ['a shell', { tool: 'cmd', argv: ['sh', '-c', 'id'] }],
    ['netns del of an option', { tool: 'cmd', argv: ['ip', 'netns', 'del', '-all'] }],
    [
      'an OVS socket outside the state dir',
      { tool: 'cmd', argv: ['ovs-appctl', '-t', '/run/openvswitch/ovs-vswitchd.1.ctl', 'exit'] },
    ],
    [
      'an ip line with a second command',
      { tool: 'ip', target: { kind: 'host' }, line: ['link', 'del', 'x\nnetns add pwn'] },
    ],
    [
      'an ip line with an option',
      { tool: 'ip', target: { kind: 'host' }, line: ['-force', 'link', 'del', 'x'] },
    ],
    [
      'a netns that is no name',
      { tool: 'ip', target: { kind: 'netns', name: 'a b' }, line: ['link', 'del', 'x'] },
    ],
    [
      'an ovs clause that starts another',
      { tool: 'ovs-vsctl', clause: ['del-port', 'ovs0', 'p', '--', 'del-br', 'br-int'] },
    ],
    [
      'an ovs database of its own',
      { tool: 'ovs-vsctl', db: '/run/openvswitch/db.sock', clause: ['del-br', 'ovs0'] },
    ],
    [
      'a Docker create',
      { tool: 'docker', call: { kind: 'create', name: 'x', image: 'evil', command: [], labels: {} } },
    ],
    ['a field more', { tool: 'ip', target: { kind: 'host' }, line: ['link', 'del', 'x'], extra: 1 }],
  ])('never runs an entry with %s, and says which line it skipped', (_what, inverse) => {
    const dir = stateDir()
    const journal = new Journal(dir, 'lab')
    appendFileSync(journal.path, `${JSON.stringify({ start: 'x', host: 'local', inverse })}\n`)
    expect(journal.leftovers()).toEqual([])
    expect(journal.refused).toEqual([`${journal.path}:1: not an undo step patchbay writes; ignored`])
  })

  it('undoes an interrupted op and forgets one that was undone', () => {
    const dir = stateDir()
    const journal = new Journal(dir, 'lab')
    const del = (name: string) => ({ tool: 'ip', target: { kind: 'host' }, line: ['link', 'del', name] })
    appendFileSync(
      journal.path,
      [
        { start: 'a', host: 'local', inverse: del('a') },
        { start: 'b', host: 'local', inverse: del('b') },
        { undone: 'b' },
      ]
        .map((e) => `${JSON.stringify(e)}\n`)
        .join(''),
    )
    expect(journal.leftovers().map((op) => op.exec)).toEqual([del('a')])
  })
})
