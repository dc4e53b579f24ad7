import { describe, expect, it } from 'vitest'
import {
  acceptIpc,
  CONTENT_SECURITY_POLICY,
  IPC_CALLS,
  windowOptions,
} from '../../../electron/main/security.ts'
import { api } from '../../../shared/api/contract.ts'

const ours = { url: 'app://patchbay/index.html', isMainFrame: true }
const lab = { patchbay: 1, name: 'x', nodes: {} }

describe('IPC from the renderer', () => {
  it('accepts a contract call from our own page with a valid payload', () => {
    expect(acceptIpc(ours, 'planLab', { lab })).toEqual({ ok: true, call: 'planLab', request: { lab } })
    expect(acceptIpc(ours, 'applyPlan', { planId: 'p1' })).toMatchObject({ ok: true, call: 'applyPlan' })
  })

  it.each([
    ['a web page', { url: 'https://evil.example/', isMainFrame: true }, 'not this app'],
    ['a file page', { url: 'file:///tmp/x.html', isMainFrame: true }, 'not this app'],
    ['another app:// host', { url: 'app://other/index.html', isMainFrame: true }, 'not this app'],
    ['our page in a subframe', { url: 'app://patchbay/index.html', isMainFrame: false }, 'not this app'],
    ['no frame at all', null, 'no sender frame'],
    ['garbage URL', { url: 'not a url', isMainFrame: true }, 'is not a URL'],
  ])('refuses %s', (_what, sender, reason) => {
    const verdict = acceptIpc(sender, 'planLab', { lab })
    expect(verdict.ok).toBe(false)
    expect(!verdict.ok && verdict.reason).toContain(reason)
  })

  it.each([
    ['a channel the contract does not name', 'runCommand', { argv: ['reboot'] }, 'no call "runCommand"'],
    ['a prototype key as channel', '__proto__', {}, 'no call "__proto__"'],
    ['a plan id that is not a string', 'applyPlan', { planId: { $gt: '' } }, 'malformed applyPlan request'],
    ['no payload', 'validateLab', undefined, 'malformed validateLab request'],
    [
      'a command line instead of a lab text',
      'validateLab',
      { text: ['ip', 'link'] },
      'malformed validateLab request',
    ],
  ])('refuses %s', (_what, channel, payload, reason) => {
    const verdict = acceptIpc(ours, channel, payload)
    expect(verdict.ok).toBe(false)
    expect(!verdict.ok && verdict.reason).toContain(reason)
  })

  it('exposes exactly the calls of the contract', () => {
    expect(IPC_CALLS).toEqual(Object.keys(api))
  })
})

describe('the window', () => {
  it('isolates the page: context isolation, sandbox, no Node, web security, no webview', () => {
    expect(windowOptions('/p.cjs').webPreferences).toMatchObject({
      preload: '/p.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
    })
  })

  it('has a strict CSP: own scripts only, no objects, frames or foreign connections', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'")
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'")
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'")
    expect(CONTENT_SECURITY_POLICY).toContain("frame-src 'none'")
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|\*/)
  })
})
