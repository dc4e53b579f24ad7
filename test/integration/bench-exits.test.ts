// `npm run bench` printed its figures and then did not exit in 2 of 3 runs: a live-state watcher
// stopped while its first look was still running started its once-a-second sampler anyway, and
// that interval kept the process alive. The bench's events part, run as `npm run bench` runs it,
// must end by itself once its JSON is out.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { missingLabHost, testPrefix } from './support/lab-host.ts'
import { sweep } from './support/machine.ts'

const skipReason = await missingLabHost(['iproute2', 'ovs'])
const root = join(import.meta.dirname, '..', '..')
/** After its last output the bench has nothing left to do: it exits at once, 10 s is room for load. */
const EXIT_GRACE_MS = 10_000

describe.skipIf(skipReason !== null)('the bench, as a process', () => {
  const prefix = testPrefix()
  afterAll(() => sweep(prefix))

  it('exits by itself once its figures are printed (no handle left open)', async () => {
    const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'test', 'bench', 'run.ts')], {
      env: {
        ...process.env,
        PATCHBAY_BENCH_PARTS: 'events,domains',
        PATCHBAY_BENCH_EVENT_FLIPS: '16',
        PATCHBAY_BENCH_PREFIX: prefix,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let lastOutput = performance.now()
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      lastOutput = performance.now()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      lastOutput = performance.now()
    })
    const ended = await new Promise<{ code: number | null; afterOutputMs: number; killed: boolean }>(
      (resolve) => {
        // Whatever happens, the child does not outlive the test: quiet for too long, it is killed.
        const watchdog = setInterval(() => {
          if (performance.now() - lastOutput > EXIT_GRACE_MS + 60_000) child.kill('SIGKILL')
        }, 1000)
        child.once('exit', (code, signal) => {
          clearInterval(watchdog)
          resolve({ code, afterOutputMs: performance.now() - lastOutput, killed: signal !== null })
        })
      },
    )
    expect(stderr).toContain('events: p50')
    expect(JSON.parse(stdout).events.flips).toBe(16)
    expect(ended.killed).toBe(false)
    expect(ended.code).toBe(0)
    expect(ended.afterOutputMs).toBeLessThan(EXIT_GRACE_MS)
  }, 180_000)
})
