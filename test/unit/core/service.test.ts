// The application service without root: parsing, dispatch and the kind of every failure, the same
// for each transport. Only calls that read nothing of the machine are made here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createEngine } from '../../../electron/core/create-engine.ts'
import { LabFiles } from '../../../electron/core/lab-files.ts'
import {
  engineService,
  exitCodeOf,
  offlineService,
  remoteService,
  ServiceError,
} from '../../../electron/core/service.ts'

const stateDir = mkdtempSync(join(tmpdir(), 'patchbay-service-'))
afterAll(() => rmSync(stateDir, { recursive: true, force: true }))

const lab = {
  patchbay: 1,
  name: 'x',
  nodes: { s: { kind: 'ovs-bridge' }, a: { kind: 'netns' } },
  links: [{ guest: 'a', to: 's', vlan: 5 }],
}
const badLab = { ...lab, nodes: { '../../etc/passwd': { kind: 'netns' } } }

describe('the application service', () => {
  const service = engineService(createEngine({ stateDir }))

  it('answers a call by name with the reply of the contract', async () => {
    expect(await service.call('validateLab', { text: 'patchbay: 1\nname: x\nnodes: {}\n' })).toEqual({
      ok: true,
      reply: { ok: true, problems: [] },
    })
    const domains = await service.call('domains', { lab })
    expect(domains.ok && (domains.reply as { domains: unknown[] }).domains).toHaveLength(1)
  })

  it.each([
    ['an unknown call', 'runCommand', { argv: ['reboot'] }, 'no-call', 'no call "runCommand"'],
    ['a prototype key', 'toString', {}, 'no-call', 'no call "toString"'],
    ['a malformed request', 'applyPlan', { planId: 7 }, 'invalid', 'malformed applyPlan request: planId'],
    ['no body', 'validateLab', undefined, 'invalid', 'malformed validateLab request'],
    ['a plan nobody made', 'applyPlan', { planId: 'made-up' }, 'invalid', 'no plan made-up'],
  ])('refuses %s as %s, running nothing', async (_what, call, body, kind, message) => {
    const outcome = await service.call(call, body)
    expect(outcome.ok).toBe(false)
    expect(!outcome.ok && outcome.failure.kind).toBe(kind)
    expect(!outcome.ok && outcome.failure.error).toContain(message)
  })

  it('refuses a lab with errors, naming the field, before anything reads the machine', async () => {
    const outcome = await service.call('planLab', { lab: badLab })
    expect(outcome).toMatchObject({
      ok: false,
      failure: { kind: 'invalid', error: 'the lab has errors; nothing was run' },
    })
    expect(!outcome.ok && outcome.failure.problems?.map((p) => p.field)).toContain('nodes.../../etc/passwd')
    expect(() => service.watch(badLab, () => {})).toThrow(ServiceError)
  })

  it('says an engine failure is `failed`', async () => {
    const broken = remoteService({
      ...offlineService('x').calls,
      statusLab: async () => {
        throw new Error('docker went away')
      },
    })
    expect(await broken.call('statusLab', { lab })).toEqual({
      ok: false,
      failure: { kind: 'failed', error: 'docker went away' },
    })
  })

  it('without the engine: plans, and says why apply and live state are unavailable', async () => {
    const offline = offlineService('pkexec is not installed')
    expect(offline.canWatch).toBe(false)
    expect(service.canWatch).toBe(true)
    expect((await offline.call('planLab', { lab })).ok).toBe(true)
    expect(await offline.call('applyPlan', { planId: 'p' })).toEqual({
      ok: false,
      failure: { kind: 'capability', error: 'applying is not available: pkexec is not installed' },
    })
    expect(() => offline.watch(lab, () => {})).toThrow('live state needs the engine')
  })

  it('opens and saves lab files only where it was given them; a refusal is `invalid`', async () => {
    const dir = mkdtempSync(join(stateDir, 'labs-'))
    writeFileSync(join(dir, 'a.yaml'), 'patchbay: 1\nname: a\nnodes: {}\n')
    const withFiles = offlineService('no helper', { files: new LabFiles({ dir }) })
    try {
      expect(await withFiles.call('openLab', { path: 'a.yaml' })).toMatchObject({
        ok: true,
        reply: { path: 'a.yaml' },
      })
      const outside = await withFiles.call('openLab', { path: '../../etc/passwd' })
      expect(outside).toMatchObject({ ok: false, failure: { kind: 'invalid' } })
      expect(!outside.ok && outside.failure.error).toContain('../../etc/passwd')
    } finally {
      withFiles.close()
    }
    expect(await service.call('openLab', {})).toEqual({
      ok: false,
      failure: { kind: 'invalid', error: 'this process opens no lab files' },
    })
  })

  it('maps each kind to the exit code of the CLI', () => {
    expect(['invalid', 'no-call', 'capability', 'failed'].map((k) => exitCodeOf(k as never))).toEqual([
      2, 2, 3, 1,
    ])
  })
})
