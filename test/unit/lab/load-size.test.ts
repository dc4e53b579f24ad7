// A lab file at the size limit full of mistakes: every problem is found and placed at its line, in
// time that grows with the file and not with the file times its problems. (The parser's duplicate-
// key check and the search for each problem's YAML node compared every key with every other: a
// 1 MB file of bad nodes took minutes.)
import { describe, expect, it } from 'vitest'
import { LineCounter, parseDocument } from 'yaml'
import { loadLab, MAX_LAB_BYTES } from '../../../shared/lab/load.ts'
import { formatProblem } from '../../../shared/lab/problem.ts'

/** A lab of `bytes` whose every node has an unknown kind (3 header lines, then one node a line). */
function badNodes(bytes: number): { text: string; count: number } {
  const lines = ['patchbay: 1', 'name: big', 'nodes:']
  let size = 30
  while (size < bytes) {
    const line = `  n${lines.length - 3}: { kind: router }`
    lines.push(line)
    size += line.length + 1
  }
  return { text: `${lines.join('\n')}\n`, count: lines.length - 3 }
}

/** Process CPU time of `f` in ms: the work itself, not the other processes of a shared machine. */
function cpuMs(f: () => void): number {
  const before = process.cpuUsage()
  f()
  const used = process.cpuUsage(before)
  return (used.user + used.system) / 1000
}

describe('a lab file at the size limit full of errors', () => {
  it('reports every problem, the first at its line, in time linear in the size', () => {
    const big = badNodes(MAX_LAB_BYTES - 1024)
    const small = badNodes((MAX_LAB_BYTES - 1024) / 8)
    expect(big.text.length).toBeGreaterThan(500_000)

    let loaded: ReturnType<typeof loadLab> | null = null
    const started = performance.now()
    const bigMs = cpuMs(() => {
      loaded = loadLab(big.text, 'big.yaml')
    })
    const wallMs = performance.now() - started
    const smallMs = cpuMs(() => loadLab(small.text, 'small.yaml'))
    // What the YAML library alone takes to read the same text (no lab rules, no locating).
    const parseMs = cpuMs(() =>
      parseDocument(big.text, { lineCounter: new LineCounter(), uniqueKeys: false }),
    )

    const { lab, problems } = loaded!
    expect(lab).toBeNull()
    expect(problems).toHaveLength(big.count)
    expect(formatProblem(problems[0]!)).toBe(
      'big.yaml:4:15: error: nodes.n0.kind: kind must be one of ovs-bridge, linux-bridge, container, netns, uplink',
    )
    expect(problems.at(-1)).toMatchObject({
      line: big.count + 3,
      path: ['nodes', `n${big.count - 1}`, 'kind'],
    })
    // 8 times the size: about 8 times the work when linear (a search per problem made it 64 times).
    expect(bigMs / smallMs).toBeLessThan(16)
    // Checking and locating 37 000 problems costs less than reading the YAML twice over. (A bound in
    // seconds would measure the machine: on the two shared cores of the lab host, under load, the
    // YAML library alone took 3-4 s CPU for this file.)
    console.log(
      `512 KiB of bad nodes: ${Math.round(bigMs)} ms CPU (YAML parse alone ${Math.round(parseMs)} ms), ${Math.round(wallMs)} ms wall`,
    )
    expect(bigMs).toBeLessThan(3 * parseMs)
  }, 120_000)

  it('refuses a 1 MB file of errors at once, before parsing it', () => {
    const huge = badNodes(1_000_000)
    const ms = cpuMs(() => {
      const { lab, problems } = loadLab(huge.text, 'huge.yaml')
      expect(lab).toBeNull()
      expect(problems.map(formatProblem)).toEqual([
        'huge.yaml: error: (top level): the file is 977 KiB; a lab file is at most 512 KiB',
      ])
    })
    // Counting the bytes is all the work: no parse, no check.
    expect(ms).toBeLessThan(200)
  })

  it('still reports two nodes of the same name, at the second one', () => {
    const { lab, problems } = loadLab(
      'patchbay: 1\nname: x\nnodes:\n  a: { kind: netns }\n  b: {}\n  a: {}\n',
    )
    expect(lab).toBeNull()
    expect(problems).toEqual([
      expect.objectContaining({ line: 6, column: 3, message: 'not valid YAML: Map keys must be unique' }),
    ])
  })
})
