// Identity for what did not change. The canvas derives its nodes and edges from the lab, and a drag
// makes a new lab on every mouse move; were every node and edge a new object each time, React Flow
// and the memoised node, edge and label components would redraw all 2,500 of them per frame. Here
// each new element that equals the last one of its id is replaced by that one, so one moved node
// redraws that node and its links.
import { useRef } from 'react'

/** Structural equality of plain data (objects, arrays, primitives), as the canvas's elements are. */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  const ra = a as Record<string, unknown>
  const rb = b as Record<string, unknown>
  return ka.every((k) => k in rb && sameData(ra[k], rb[k]))
}

/**
 * The list with each element equal to the previous render's element of its id kept as that one.
 */
export function useStable<T extends { readonly id: string }>(list: readonly T[]): T[] {
  const previous = useRef({ list: [] as T[], byId: new Map<string, T>() })
  const kept = list.map((item) => {
    const before = previous.current.byId.get(item.id)
    return before !== undefined && sameData(before, item) ? before : item
  })
  // Nothing changed at all: the same list, so that what depends on it is not recomputed either.
  const last = previous.current.list
  if (kept.length === last.length && kept.every((item, i) => item === last[i])) return last
  previous.current = { list: kept, byId: new Map(kept.map((item) => [item.id, item])) }
  return kept
}

/**
 * Elements whose place changes more often than what they show (every frame of a drag): each is made
 * again only when its base (kept by useStable) or its place changed, so a drag frame makes the moved
 * node and its links and reuses the other 2,500 elements, without comparing them field by field.
 */
export function usePlaced<B extends object, P, T>(
  bases: readonly B[],
  placeOf: (base: B) => P,
  make: (base: B, place: P) => T,
  samePlace: (a: P, b: P) => boolean = Object.is,
): T[] {
  const cache = useRef({ list: [] as T[], made: new WeakMap<B, { place: P; element: T }>() })
  const list = bases.map((base) => {
    const place = placeOf(base)
    const before = cache.current.made.get(base)
    if (before !== undefined && samePlace(before.place, place)) return before.element
    const element = make(base, place)
    cache.current.made.set(base, { place, element })
    return element
  })
  const last = cache.current.list
  if (list.length === last.length && list.every((item, i) => item === last[i])) return last
  cache.current.list = list
  return list
}
