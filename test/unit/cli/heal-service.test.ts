import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../support/cli.ts'

describe('the patchbay-heal systemd unit', () => {
  const unit = readFileSync(new URL('../../../build/patchbay-heal@.service', import.meta.url), 'utf8')

  it('runs `patchbay heal` on the lab named by the instance', () => {
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/env patchbay heal \/etc\/patchbay\/%i\.yaml$/m)
    expect(unit).toMatch(/^Restart=on-failure$/m)
  })

  it('names a command the CLI really has', async () => {
    const help = await runCli(['heal', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('re-attach the links of its containers when they restart')
  })
})
