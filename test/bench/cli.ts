// The command line as a user times it: `patchbay apply lab.yaml` as a whole process (Node's start,
// loading the CLI, observe, plan, apply), then the same again with nothing to do.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { saveLab } from '../../shared/lab/save.ts'
import { run } from './apply.ts'
import { oneBridgeLab } from './labs.ts'
import { type Spread, spread } from './stats.ts'

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'patchbay.js')

export interface CliFigure {
  readonly n: number
  readonly apply: Spread
  readonly noop: Spread
}

export async function cliFigure(prefix: string, n: number, runs: number): Promise<CliFigure> {
  // Built here, so bin/patchbay.js runs from the bundle as after `npm run build`, never from tsx.
  const built = await run(['npm', 'run', '--silent', 'build:cli'])
  if (built.code !== 0) throw new Error(`npm run build:cli: ${built.stderr}`)
  const dir = mkdtempSync(join(tmpdir(), 'patchbay-bench-cli-'))
  const file = join(dir, 'lab.yaml')
  writeFileSync(file, saveLab(oneBridgeLab(prefix, n, 'netns')))
  const cli = async (command: string) => {
    const started = performance.now()
    const result = await run(['env', `PATCHBAY_STATE_DIR=${dir}`, process.execPath, BIN, command, file])
    if (result.code !== 0) throw new Error(`patchbay ${command}: exit ${result.code}: ${result.stderr}`)
    return Math.round((performance.now() - started) * 10) / 10
  }
  const apply: number[] = []
  const noop: number[] = []
  try {
    // Untimed: the first process probes the host's capabilities and keeps them in the state dir.
    await cli('apply')
    await cli('destroy')
    for (let r = 0; r < runs; r++) {
      apply.push(await cli('apply'))
      noop.push(await cli('apply'))
      await cli('destroy')
    }
  } finally {
    await run(['env', `PATCHBAY_STATE_DIR=${dir}`, process.execPath, BIN, 'destroy', file])
    rmSync(dir, { recursive: true, force: true })
  }
  return { n, apply: spread(apply), noop: spread(noop) }
}
