// Pictures of every example lab: the SVG is well-formed XML naming every node, mermaid and dot
// declare every node before an edge uses it and balance their quotes and braces. (No XML, mermaid
// or Graphviz parser is installed here: the checks below are strict hand-written ones.)
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadLab } from '../../../shared/lab/load.ts'
import { labDot, labMermaid, labSvg } from '../../../shared/picture/picture.ts'
import { vlanColour } from '../../../shared/picture/vlan-colour.ts'

const examples = resolve(import.meta.dirname, '..', '..', '..', 'examples')
const labs = readdirSync(examples)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => [f, loadLab(readFileSync(join(examples, f), 'utf8'), f).lab!] as const)

/** Well-formedness: one root, every tag closed in order, attributes quoted, only the five entities. */
function xmlProblems(text: string): string[] {
  const problems: string[] = []
  const stack: string[] = []
  const body = text.replace(/^<\?xml[^>]*\?>/, '')
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos);)/g
  let roots = 0
  for (const m of body.matchAll(tag)) {
    if (m[0] === '<') problems.push(`stray < at ${m.index}`)
    else if (m[0].startsWith('&')) problems.push(`bad entity at ${m.index}`)
    else if (m[1]) {
      if (stack.pop() !== m[2]) problems.push(`</${m[2]}> closes the wrong tag`)
    } else if (!m[4]) {
      if (stack.length === 0) roots++
      stack.push(m[2]!)
    } else if (stack.length === 0) roots++
  }
  if (stack.length > 0) problems.push(`unclosed ${stack.join(', ')}`)
  if (roots !== 1) problems.push(`${roots} root elements`)
  return problems
}

describe('pictures', () => {
  it.each(labs)('%s: SVG parses as XML and names every node', (_f, lab) => {
    const svg = labSvg(lab)
    expect(xmlProblems(svg)).toEqual([])
    for (const name of Object.keys(lab.nodes)) expect(svg).toContain(`data-node="${name}"`)
    expect(labSvg(lab)).toBe(svg)
  })

  it('the checker itself refuses broken XML', () => {
    expect(xmlProblems('<svg><g></svg>')).not.toEqual([])
    expect(xmlProblems('<svg>a & b</svg>')).not.toEqual([])
    expect(xmlProblems('<svg x=1></svg>')).not.toEqual([])
  })

  it('SVG: VLAN links in the canvas colours, trunk chips, a domain halo per guest', () => {
    const lab = labs.find(([f]) => f === 'multi-host-vlan.yaml')![1]
    const svg = labSvg(lab)
    for (const link of lab.links ?? [])
      if (link.vlan !== undefined) expect(svg).toContain(vlanColour(link.vlan).css)
    expect(svg).toContain('class="chip"')
    expect(svg).toContain('class="domain"')
  })

  it.each(labs)('%s: mermaid declares every node and links only declared ones', (_f, lab) => {
    const text = labMermaid(lab)
    const lines = text.trim().split('\n')
    expect(lines[0]).toBe('graph LR')
    const declared = new Set<string>()
    for (const line of lines.slice(1)) {
      expect((line.match(/"/g) ?? []).length % 2, line).toBe(0)
      const node = /^ {2}(\w+)(\[\[|\(|\{\{)"[^"]*"(\]\]|\)|\}\})$/.exec(line)
      const edge = /^ {2}(\w+) ---(?:\|"[^"]*"\|)? (\w+)$/.exec(line)
      const style = /^ {2}linkStyle \d+ stroke:#[0-9a-f]{6},stroke-width:2px$/.exec(line)
      if (node) declared.add(node[1]!)
      else if (edge) expect([declared.has(edge[1]!), declared.has(edge[2]!)]).toEqual([true, true])
      else expect(style, line).not.toBeNull()
    }
    expect(declared.size).toBe(Object.keys(lab.nodes).length)
  })

  it.each(labs)('%s: dot is one balanced graph with every node', (_f, lab) => {
    const text = labDot(lab)
    expect(text.startsWith(`graph "${lab.name}" {`)).toBe(true)
    expect(text.trim().endsWith('}')).toBe(true)
    const unquoted = text.replace(/"(?:[^"\\]|\\.)*"/g, '""')
    expect(unquoted.split('{').length).toBe(unquoted.split('}').length)
    // A quote left open would survive the replacement above alone: an odd count.
    expect((unquoted.match(/"/g) ?? []).length % 2).toBe(0)
    for (const name of Object.keys(lab.nodes)) expect(text).toContain(`"${name}" [label=`)
    expect(text.split('\n').filter((l) => l.includes(' -- ')).length).toBe((lab.links ?? []).length)
  })
})
