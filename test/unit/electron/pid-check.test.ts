// A container's pid is re-checked by its start time before it is used: a pid the kernel handed to
// another process must never be entered.
import { spawnSync } from 'node:child_process'
import { readlinkSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runInNamespaces } from '../../../electron/core/exec/many-netns.ts'
import {
  checkSameProcess,
  holdProcessNetns,
  PidReused,
  processStartTime,
} from '../../../electron/core/exec/pid-check.ts'
import { Runner, type RunOptions, type RunResult } from '../../../electron/core/exec/runner.ts'

/** /proc/PID/stat as the kernel writes it: field 22 is the start time. */
const stat = (pid: number, comm: string, started: number) =>
  `${pid} (${comm}) S 1 ${pid} ${pid} 0 -1 4194560 ${Array(12).fill(0).join(' ')} ${started} 4 5 6\n`
const fakeProc = (files: Record<string, string>) => (path: string) => {
  const text = files[path]
  if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' })
  return text
}

describe('the start time of a process', () => {
  it.each([
    ['a plain name', 'sleep'],
    ['a name with blanks and parentheses', 'a) (b c'],
    ['a name that ends in ") 9 9"', 'x) 9 9'],
  ])('is field 22 also with %s', (_what, comm) => {
    expect(processStartTime(42, fakeProc({ '/proc/42/stat': stat(42, comm, 777) }))).toBe('777')
  })

  it('is null for a process that is gone, and this process has one', () => {
    expect(processStartTime(42, fakeProc({}))).toBeNull()
    expect(processStartTime(process.pid)).toMatch(/^\d+$/)
  })
})

describe('a pid re-checked before use', () => {
  const observed = { pid: 42, started: '777' }

  it('passes while it is the same process', () => {
    expect(() =>
      checkSameProcess(observed, fakeProc({ '/proc/42/stat': stat(42, 'sleep', 777) })),
    ).not.toThrow()
  })

  it('fails when the pid now belongs to a process that started later', () => {
    const reused = fakeProc({ '/proc/42/stat': stat(42, 'sh', 9123) })
    expect(() => checkSameProcess(observed, reused)).toThrow(PidReused)
    expect(() => checkSameProcess(observed, reused)).toThrow(/pid 42 belongs to another process/)
  })

  it('fails when the process has ended', () => {
    expect(() => checkSameProcess(observed, fakeProc({}))).toThrow(/process 42 has ended/)
  })

  it('a real process, checked after it exited, fails', () => {
    const child = spawnSync('sh', ['-c', 'cat /proc/$$/stat'], { encoding: 'utf8' })
    const pid = Number(child.stdout.split(' ')[0])
    const started = processStartTime(pid, () => child.stdout)
    expect(started).toMatch(/^\d+$/)
    expect(() => checkSameProcess({ pid, started })).toThrow(PidReused)
  })

  it('holds the namespace of a live process, and refuses one whose pid is no longer it', () => {
    const mine = { pid: process.pid, started: processStartTime(process.pid) }
    const held = holdProcessNetns(mine)
    try {
      expect(readlinkSync(held.path)).toBe(readlinkSync('/proc/self/ns/net'))
    } finally {
      held.close()
    }
    expect(() => holdProcessNetns({ pid: process.pid, started: '1' })).toThrow(PidReused)
  })
})

describe('many namespaces, one of them a container whose pid was reused', () => {
  class RecordingRunner extends Runner {
    readonly inputs: string[] = []
    override async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
      this.inputs.push(`${argv.join(' ')}\n${options.input ?? ''}`)
      const lines = (options.input ?? '').trim().split('\n').length
      return { stdout: Array(lines).fill('[]').join('\n'), stderr: '', exitCode: 0 }
    }
  }

  it('never enters it, says why, and runs the others', async () => {
    const run = new RecordingRunner()
    const result = await runInNamespaces(run, [
      { ns: { pid: process.pid, started: '1' }, lines: [['addr', 'show']] },
      { ns: { name: 'pbtunit-ns' }, lines: [['addr', 'show']] },
    ])
    expect(result.failures).toEqual([
      { batch: 0, message: expect.stringMatching(/belongs to another process/) },
    ])
    expect(result.outputs).toEqual([null, ['[]']])
    expect(run.inputs).toHaveLength(1)
    expect(run.inputs[0]).toMatch(/^ip -batch -\nnetns exec pbtunit-ns ip -batch \S+\/1\.batch\n$/)
  })
})
