// udhcpc hands its event script what the DHCP server sent: as hostile as the server.
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

const script = join(import.meta.dirname, '..', '..', '..', 'bin', 'dhcp-event.js')
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** Runs the script with a STAND-IN `ip` on PATH that only records its arguments. */
function runEvent(event: string, env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'patchbay-dhcp-event-'))
  dirs.push(dir)
  const calls = join(dir, 'calls')
  writeFileSync(join(dir, 'ip'), `#!/bin/sh\nprintf '%s\\n' "$*" >> ${calls}\necho '[]'\n`)
  chmodSync(join(dir, 'ip'), 0o755)
  const lease = join(dir, 'lease.json')
  execFileSync(process.execPath, [script, event], {
    env: { PATH: `${dir}:/usr/bin:/bin`, PATCHBAY_LEASE_FILE: lease, ...env },
  })
  const read = (f: string) => {
    try {
      return readFileSync(f, 'utf8')
    } catch {
      return ''
    }
  }
  return { calls: read(calls), lease: read(lease) }
}

describe('the DHCP event script', () => {
  it('applies an ordinary lease', () => {
    const { calls, lease } = runEvent('bound', {
      interface: 'eth1',
      ip: '10.0.0.5',
      mask: '24',
      router: '10.0.0.1 10.0.0.2',
      serverid: '10.0.0.1',
    })
    expect(calls).toContain('addr add 10.0.0.5/24 dev eth1')
    expect(calls).toContain('route replace default via 10.0.0.1 dev eth1')
    expect(JSON.parse(lease).address).toBe('10.0.0.5/24')
  })

  it.each([
    ['an address that is an option', { ip: '-batch' }],
    ['an address with a terminal escape', { ip: '10.0.0.5\u001b[2J' }],
    ['a router that is an option', { ip: '10.0.0.5', router: '-n' }],
    ['a mask that is no prefix length', { ip: '10.0.0.5', mask: '24 dev lo' }],
  ])('passes nothing of %s to ip or to the lease file', (_what, sent) => {
    const { calls, lease } = runEvent('bound', { interface: 'eth1', mask: '24', ...sent })
    for (const value of Object.values(sent)) {
      if (value === '10.0.0.5') continue
      expect(calls).not.toContain(value)
      expect(lease).not.toContain(value)
    }
  })
})
