// The capabilities cache lives in the state dir and names the DHCP client patchbay runs as root.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { fingerprint, fromCache } from '../../../electron/core/observe/capabilities.ts'

const dir = mkdtempSync(join(tmpdir(), 'patchbay-caps-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const found = {
  ovs: true,
  ovsKernelDatapath: false,
  vlan8021q: false,
  bridgeVlanFiltering: false,
  macvlan: true,
  netem: true,
  dhcpClient: ['busybox', 'udhcpc'],
}
const cacheWith = (name: string, saved: unknown) => {
  const file = join(dir, name)
  writeFileSync(file, JSON.stringify(saved))
  return file
}

describe('the capabilities cache', () => {
  it('gives back what the probe found, on the same machine', async () => {
    const file = cacheWith('ok.json', { fingerprint: fingerprint(), found })
    expect(await fromCache(file, fingerprint())).toEqual(found)
  })

  it.each([
    ['a DHCP client that is a shell', { ...found, dhcpClient: ['sh', '-c', 'touch /tmp/pwned'] }],
    ['a DHCP client with options', { ...found, dhcpClient: ['udhcpc', '-s', '/tmp/evil'] }],
    ['a field more', { ...found, extra: ['x'] }],
    ['a capability that is no boolean', { ...found, macvlan: 'yes' }],
  ])('is ignored when it holds %s (the machine is probed again)', (_what, hostile) => {
    const file = cacheWith('bad.json', { fingerprint: fingerprint(), found: hostile })
    expect(fromCache(file, fingerprint())).toBeNull()
  })
})
