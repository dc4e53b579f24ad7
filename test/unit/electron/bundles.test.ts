// The compiled main and preload bundles, loaded under Node with a STAND-IN for `electron`
// (test/support/electron-stand-in.mjs): they register exactly the calls of the contract.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { beforeAll, describe, expect, it } from 'vitest'
import { api } from '../../../shared/api/contract.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

describe('the built desktop bundles', () => {
  beforeAll(async () => {
    await execa('npm', ['run', 'build:electron', '--silent'], { cwd: root })
  }, 60_000)

  it('main handles, and preload exposes, exactly the contract calls', async () => {
    const result = await execa(process.execPath, [
      join(root, 'test', 'support', 'load-bundles.mjs'),
      join(root, 'dist', 'electron', 'main.mjs'),
      join(root, 'dist', 'electron', 'preload.cjs'),
    ])
    const registered = JSON.parse(result.stdout) as {
      handled: string[]
      listened: string[]
      exposed: Record<string, string[]>
      menu: { label: string; items: string[] }[]
    }
    expect(registered.handled).toEqual(Object.keys(api))
    // One stream besides the calls: live state, over a MessagePort.
    expect(registered.listened).toEqual(['watch'])
    expect(registered.exposed).toEqual({
      patchbay: Object.keys(api),
      patchbayLive: ['watch'],
      patchbayEvents: ['onEvent'],
    })
    // The File menu of a desktop editor; its items reach the page as editor events.
    expect(registered.menu[0]).toEqual({
      label: 'File',
      items: ['New', 'Open…', 'Open This Machine', 'Save', 'Save As…', 'separator', 'quit'],
    })
  }, 60_000)
})
