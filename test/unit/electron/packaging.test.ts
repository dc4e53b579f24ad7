// The package build cannot run here (it downloads Electron), so its configuration is checked:
// the files it names exist, the fuses are set, and the polkit action matches the helper's path.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const config = parse(readFileSync(join(root, 'build', 'electron-builder.yml'), 'utf8'))

describe('the package build configuration', () => {
  it('names files that exist', () => {
    for (const { from } of config.extraResources) expect(existsSync(join(root, from)), from).toBe(true)
    expect(existsSync(join(root, config.deb.afterInstall))).toBe(true)
    expect(config.files).toEqual(expect.arrayContaining(['dist/electron/**', 'dist/renderer/**']))
    expect(config.linux.target).toEqual(['deb', 'AppImage'])
  })

  it('sets the fuses: no run-as-node, app only from its asar, cookies encrypted, no NODE_OPTIONS or inspector', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
    })
    // So the helper runs on the system's Node, with a cleared environment.
    expect(readFileSync(join(root, 'build', 'patchbay-helper'), 'utf8')).toContain(
      'exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin /usr/bin/node',
    )
  })

  it('gives the helper a polkit action of its own, a password each time, for the installed path', () => {
    const policy = readFileSync(join(root, 'build', 'org.patchbay.helper.policy'), 'utf8')
    expect(policy).toContain('<action id="org.patchbay.helper">')
    // Never kept (auth_admin_keep): meanwhile any process of the user could apply any lab as root.
    expect([...policy.matchAll(/<(allow_\w+)>([^<]*)</g)].map((m) => [m[1], m[2]])).toEqual([
      ['allow_any', 'auth_admin'],
      ['allow_inactive', 'auth_admin'],
      ['allow_active', 'auth_admin'],
    ])
    expect(policy).toContain('/opt/patchbay/resources/patchbay-helper')
  })
})
