// The state dir's journal runs as root after a crash: others must not be able to write it.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { checkStateDir, UnsafeStateDir } from '../../../electron/core/apply/state-dir.ts'

const root = process.geteuid?.() === 0
const made: string[] = []
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'patchbay-statedir-'))
  made.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('checkStateDir', () => {
  it('makes a missing state dir 0700', async () => {
    const dir = join(scratch(), 'state')
    expect(checkStateDir(dir, { create: true })).toBe(true)
    const { statSync } = await import('node:fs')
    expect(statSync(dir).mode & 0o777).toBe(0o700)
  })

  it('says a missing state dir is missing, and makes nothing, when only reading', async () => {
    const dir = join(scratch(), 'state')
    expect(checkStateDir(dir, { create: false })).toBe(false)
    const { existsSync } = await import('node:fs')
    expect(existsSync(dir)).toBe(false)
  })

  it('refuses a state dir others may write to, in one sentence naming it', () => {
    const dir = join(scratch(), 'state')
    mkdirSync(dir)
    chmodSync(dir, 0o777)
    expect(() => checkStateDir(dir, { create: true })).toThrow(UnsafeStateDir)
    expect(() => checkStateDir(dir, { create: false })).toThrow(
      /group or others may write to .*state \(mode 777\)/,
    )
    chmodSync(dir, 0o770)
    expect(() => checkStateDir(dir, { create: false })).toThrow(UnsafeStateDir)
  })

  it('refuses a state dir under a parent others may write to (they could swap it)', () => {
    const parent = join(scratch(), 'shared')
    mkdirSync(parent)
    chmodSync(parent, 0o777)
    const dir = join(parent, 'state')
    mkdirSync(dir, { mode: 0o700 })
    expect(() => checkStateDir(dir, { create: false })).toThrow(/group or others may write to .*shared/)
  })

  it('accepts a private dir under a sticky world-writable one such as /tmp', () => {
    const parent = join(scratch(), 'sticky')
    mkdirSync(parent)
    chmodSync(parent, 0o1777)
    const dir = join(parent, 'state')
    expect(checkStateDir(dir, { create: true })).toBe(true)
  })

  it('refuses a file where the dir should be', () => {
    const file = join(scratch(), 'state')
    writeFileSync(file, '')
    expect(() => checkStateDir(file, { create: false })).toThrow(/not a directory/)
  })

  it.skipIf(!root)('refuses a state dir that belongs to another user (needs root to chown)', () => {
    const dir = join(scratch(), 'state')
    mkdirSync(dir, { mode: 0o700 })
    chownSync(dir, 65534, 65534)
    expect(() => checkStateDir(dir, { create: false })).toThrow(/belongs to uid 65534, not to root/)
  })
})
