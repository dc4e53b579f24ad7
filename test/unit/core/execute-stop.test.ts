// An apply stopped mid-way (executePlan's signal: a machine's helper whose caller went away): the
// step that runs finishes, no other starts, and what was done is rolled back. The commands run
// through a stand-in Runner that records them (no machine is touched), and the stop comes while
// the first step runs.
import { describe, expect, it } from 'vitest'
import { executePlan } from '../../../electron/core/apply/execute.ts'
import type { ContainerRuntime } from '../../../electron/core/drivers/container-runtime.ts'
import { Runner, type RunOptions, type RunResult } from '../../../electron/core/exec/runner.ts'
import { type Op, Phase } from '../../../shared/plan/op.ts'

/** Records each command; `during` runs while the first one is "running". */
class RecordingRunner extends Runner {
  readonly ran: string[] = []
  constructor(private readonly during: () => void) {
    super()
  }
  override async run(argv: readonly string[], _options: RunOptions = {}): Promise<RunResult> {
    this.ran.push(argv.join(' '))
    if (this.ran.length === 1) this.during()
    return { stdout: '', stderr: '', exitCode: 0 }
  }
}

const netnsOp = (name: string, phase: Op['phase']): Op => ({
  id: `netns:${name}`,
  host: 'local',
  phase,
  action: 'netns.create',
  effect: 'create',
  exec: { tool: 'cmd', argv: ['ip', 'netns', 'add', name] },
  inverse: { tool: 'cmd', argv: ['ip', 'netns', 'del', name] },
  pipework: null,
  why: `guest ${name}`,
})

const noContainers = {} as ContainerRuntime // no op of these plans touches Docker

describe('an apply stopped mid-way', () => {
  it('finishes the step it runs, starts no other, and rolls back what it did', async () => {
    const stop = new AbortController()
    const run = new RecordingRunner(() => stop.abort('its caller went away'))
    const ops = [netnsOp('a', Phase.guests), netnsOp('b', Phase.guests), netnsOp('c', Phase.configure)]
    const result = await executePlan(ops, { run, containers: noContainers, signal: stop.signal })
    expect(run.ran).toEqual(['ip netns add a', 'ip netns del a'])
    expect(result.ok).toBe(false)
    expect(result.done.map((op) => op.id)).toEqual(['netns:a'])
    expect(result.rolledBack.map((op) => op.id)).toEqual(['netns:a'])
    expect(result.failed?.op.id).toBe('netns:b')
    expect(result.failed?.error).toBe('not run: its caller went away')
  })

  it('runs nothing when it was stopped before it began', async () => {
    const stop = new AbortController()
    stop.abort('stopped')
    const run = new RecordingRunner(() => {})
    const result = await executePlan([netnsOp('a', Phase.guests)], {
      run,
      containers: noContainers,
      signal: stop.signal,
    })
    expect(run.ran).toEqual([])
    expect(result.ok).toBe(false)
    expect(result.done).toEqual([])
  })

  it('without a stop runs every step', async () => {
    const run = new RecordingRunner(() => {})
    const ops = [netnsOp('a', Phase.guests), netnsOp('b', Phase.guests), netnsOp('c', Phase.configure)]
    const result = await executePlan(ops, { run, containers: noContainers })
    expect(result.ok).toBe(true)
    expect(run.ran).toEqual(['ip netns add a', 'ip netns add b', 'ip netns add c'])
  })
})
