// The lab file as YAML: parse with line numbers, check, and point every problem at its line.
import { type Document, isMap, isNode, isPair, isScalar, LineCounter, type Node, parseDocument } from 'yaml'
import { checkLab, type LabCheck } from './check.ts'
import { error, type LabPath, type Problem } from './problem.ts'

/** A lab is a small hand-written file; anything bigger is a mistake or an attack on the parser. */
export const MAX_LAB_BYTES = 1024 * 1024

export interface LoadedLab extends LabCheck {
  readonly file: string
  /** The parsed document, kept so saveLab can write changes back with the comments in place. */
  readonly document: Document | null
}

export function loadLab(text: string, file = 'lab.yaml'): LoadedLab {
  const bytes = new TextEncoder().encode(text).length
  if (bytes > MAX_LAB_BYTES) {
    const mb = (bytes / 1024 / 1024).toFixed(1)
    return fail(file, `the file is ${mb} MiB; a lab file is at most ${MAX_LAB_BYTES / 1024 / 1024} MiB`)
  }
  if (text.trim() === '') return fail(file, 'the file is empty; a lab file starts with "patchbay: 1"')

  const lineCounter = new LineCounter()
  // uniqueKeys catches two nodes with the same name; maxAliasCount stops alias ("billion laughs") bombs.
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false })
  if (document.errors.length > 0) {
    const problems = document.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0])
      return {
        ...error([], `not valid YAML: ${e.message.split('\n')[0]}`),
        file,
        line: pos.line,
        column: pos.col,
      }
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
  const problems = checked.problems
    .map((p) => ({ ...p, file, ...locate(document, lineCounter, p) }))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0))
  return { file, document, lab: checked.lab, problems }
}

function fail(file: string, message: string): LoadedLab {
  return { file, document: null, lab: null, problems: [{ ...error([], message), file }] }
}

/** The line and column of the deepest node on the problem's path that the file has. */
function locate(
  document: Document,
  lineCounter: LineCounter,
  problem: Problem,
): { line?: number; column?: number } {
  let node: unknown = document.contents
  let offset = isNode(node) ? node.range?.[0] : undefined
  for (const [i, key] of problem.path.entries()) {
    if (!isNode(node) || !('items' in node)) break
    const last = i === problem.path.length - 1
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key))
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
