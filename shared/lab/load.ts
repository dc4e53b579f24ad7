// The lab file as YAML: parse with line numbers, check, and point every problem at its line.
import {
  type Document,
  isMap,
  isNode,
  isPair,
  isScalar,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  visit,
  type YAMLMap,
} from 'yaml'
import { checkLab, type LabCheck } from './check.ts'
import { error, type LabPath, type Problem } from './problem.ts'

/**
 * A lab is a small hand-written file; anything bigger is a mistake or an attack on the parser.
 * The biggest lab the editor is measured with (1,000 nodes, 1,500 links) is 136 KB. At 512 KiB a
 * file full of mistakes still validates in about 2 s of CPU here (the YAML parse is most of it),
 * and a bigger one is refused before it is parsed.
 */
export const MAX_LAB_BYTES = 512 * 1024

export interface LoadedLab extends LabCheck {
  readonly file: string
  /** The parsed document, kept so saveLab can write changes back with the comments in place. */
  readonly document: Document | null
}

export function loadLab(text: string, file = 'lab.yaml'): LoadedLab {
  const bytes = new TextEncoder().encode(text).length
  if (bytes > MAX_LAB_BYTES) {
    const kib = Math.ceil(bytes / 1024)
    return fail(file, `the file is ${kib} KiB; a lab file is at most ${MAX_LAB_BYTES / 1024} KiB`)
  }
  if (text.trim() === '') return fail(file, 'the file is empty; a lab file starts with "patchbay: 1"')

  const lineCounter = new LineCounter()
  // The parser's own uniqueKeys check compares each key with every earlier one of its map (a 1 MB
  // map of nodes took minutes); duplicateKeys does the same check with one set per map.
  const document = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false })
  const yamlErrors = [
    ...document.errors.map((e) => ({ offset: e.pos[0], message: e.message.split('\n')[0] })),
    ...(document.errors.length === 0 ? duplicateKeys(document) : []),
  ]
  if (yamlErrors.length > 0) {
    const problems = yamlErrors.map((e) => {
      const pos = lineCounter.linePos(e.offset)
      return { ...error([], `not valid YAML: ${e.message}`), file, line: pos.line, column: pos.col }
    })
    return { file, document: null, lab: null, problems }
  }
  let data: unknown
  try {
    data = document.toJS({ maxAliasCount: 100 })
  } catch (e) {
    return fail(file, `not a usable YAML document: ${(e as Error).message}`)
  }
  const checked = checkLab(data)
  const keyIndex = new Map<YAMLMap, Map<string, Pair>>()
  const problems = checked.problems
    .map((p) => ({ ...p, file, ...locate(document, lineCounter, keyIndex, p) }))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0))
  return { file, document, lab: checked.lab, problems }
}

function fail(file: string, message: string): LoadedLab {
  return { file, document: null, lab: null, problems: [{ ...error([], message), file }] }
}

/**
 * Two equal scalar keys in one map (two nodes with the same name), with the message and place the
 * parser's uniqueKeys check gave: as there, scalar keys are equal when their values are, and any
 * other key (a map or a list as key) only to itself.
 */
function duplicateKeys(document: Document): { offset: number; message: string }[] {
  const found: { offset: number; message: string }[] = []
  visit(document, {
    Map(_key, map) {
      const seen = new Set<unknown>()
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue
        if (seen.has(pair.key.value))
          found.push({ offset: pair.key.range?.[0] ?? 0, message: 'Map keys must be unique' })
        seen.add(pair.key.value)
      }
    },
  })
  return found
}

/** A map's pairs by key, built once per map and reused for every problem under it. */
function pairOf(map: YAMLMap, key: string, index: Map<YAMLMap, Map<string, Pair>>): Pair | undefined {
  let byKey = index.get(map)
  if (!byKey) {
    byKey = new Map()
    for (const pair of map.items)
      if (isPair(pair) && isScalar(pair.key) && !byKey.has(String(pair.key.value)))
        byKey.set(String(pair.key.value), pair)
    index.set(map, byKey)
  }
  return byKey.get(key)
}

/** The line and column of the deepest node on the problem's path that the file has. */
function locate(
  document: Document,
  lineCounter: LineCounter,
  keyIndex: Map<YAMLMap, Map<string, Pair>>,
  problem: Problem,
): { line?: number; column?: number } {
  let node: unknown = document.contents
  let offset = isNode(node) ? node.range?.[0] : undefined
  for (const [i, key] of problem.path.entries()) {
    if (!isNode(node) || !('items' in node)) break
    const last = i === problem.path.length - 1
    if (isMap(node)) {
      const pair = pairOf(node, String(key), keyIndex)
      if (!pair) break
      const keyNode = pair.key as Node
      const valueNode = pair.value as Node | null
      offset = (last && problem.atKey) || !isNode(valueNode) ? keyNode.range?.[0] : valueNode.range?.[0]
      node = valueNode
    } else {
      const item = (node.items as unknown[])[Number(key)]
      if (!isNode(item)) break
      offset = item.range?.[0]
      node = item
    }
  }
  if (offset === undefined) return {}
  const pos = lineCounter.linePos(offset)
  return { line: pos.line, column: pos.col }
}

export type { LabPath }
