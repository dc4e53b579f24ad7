// Writing a lab back as YAML. When the lab was loaded from a file, the loaded document is updated in
// place, so comments, key order and flow style survive an edit made on the canvas.
import { Document, isMap, isScalar, isSeq, type Node, type YAMLMap, type YAMLSeq } from 'yaml'
import type { Lab } from './schema.ts'

// yaml pads flow maps and lists alike: `{ kind: x }` as the examples write it (and `[ a, b ]`).
const STYLE = { flowCollectionPadding: true } as const

type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain }

export function saveLab(lab: Lab, original?: Document | null): string {
  const plain = JSON.parse(JSON.stringify(lab)) as Plain
  if (!original) return fresh(plain).toString(STYLE)
  const document = original.clone()
  document.contents = merge(document, document.contents as Node | null, plain)
  return document.toString(STYLE)
}

/** A new file in the style of the examples: one line per node, per link and per layout entry. */
function fresh(plain: Plain): Document {
  const document = new Document(plain)
  for (const section of ['hosts', 'nodes', 'layout']) {
    const map = document.get(section, true)
    if (isMap(map)) for (const pair of map.items) if (isMap(pair.value)) pair.value.flow = true
  }
  const links = document.get('links', true)
  if (isSeq(links)) for (const item of links.items) if (isMap(item)) item.flow = true
  return document
}

/** Returns `node` changed to hold `value`, reusing every part of it that is still there. */
function merge(document: Document, node: Node | null, value: Plain): Node {
  if (isMap(node) && isObject(value)) {
    for (const item of [...node.items]) {
      const key = isScalar(item.key) ? String(item.key.value) : String(item.key)
      if (!(key in value)) node.delete(item.key)
    }
    for (const [key, child] of Object.entries(value)) {
      const existing = node.get(key, true) as Node | undefined
      node.set(key, merge(document, existing ?? null, child))
      if (!existing) styleLike(node, node.get(key, true) as Node)
    }
    return node
  }
  if (isSeq(node) && Array.isArray(value)) {
    node.items.length = Math.min(node.items.length, value.length)
    value.forEach((child, i) => {
      const existing = (node.items[i] as Node | undefined) ?? null
      node.items[i] = merge(document, existing, child)
      if (!existing) styleLike(node, node.items[i] as Node)
    })
    return node
  }
  if (isScalar(node) && !isObject(value) && !Array.isArray(value)) {
    if (node.value !== value) node.value = value
    return node
  }
  return document.createNode(value) as Node
}

const isObject = (v: Plain): v is { [key: string]: Plain } =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** A new link in a list of `- { guest: … }` lines is written on one line like its siblings. */
function styleLike(parent: YAMLMap | YAMLSeq, added: Node): void {
  const sibling = parent.items.find((i) => {
    const n = (isMap(parent) ? (i as { value: unknown }).value : i) as Node
    return n !== added && (isMap(n) || isSeq(n))
  })
  const siblingNode = (isMap(parent) ? (sibling as { value: unknown } | undefined)?.value : sibling) as
    | Node
    | undefined
  if ((isMap(added) || isSeq(added)) && (isMap(siblingNode) || isSeq(siblingNode)))
    added.flow = siblingNode.flow
}
