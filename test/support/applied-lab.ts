// A lab file of a test, applied by the CLI before the test's cases and destroyed after them (and
// whatever carries the test's prefix swept), also when they fail. Registers its own hooks: call it
// in a describe block, before anything that uses the applied lab (after-hooks run in reverse).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect } from 'vitest'
import { sweep } from '../integration/support/machine.ts'
import { runCli } from './cli.ts'

export interface AppliedLab {
  /** The test's own directory (removed afterwards). */
  readonly dir: string
  /** The lab file in it. */
  readonly file: string
}

export function appliedLab(prefix: string, yaml: string, fileName = `${prefix}.yaml`): AppliedLab {
  const dir = mkdtempSync(join(tmpdir(), `pb-${prefix}-`))
  const file = join(dir, fileName)
  writeFileSync(file, yaml)

  beforeAll(async () => {
    const applied = await runCli(['apply', file])
    expect(applied.code, applied.stderr).toBe(0)
  }, 120_000)

  afterAll(async () => {
    try {
      await runCli(['destroy', file])
    } finally {
      await sweep(prefix)
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)

  return { dir, file }
}
