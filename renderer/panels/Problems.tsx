// The drawing's problems and warnings as a list; a click selects what each is about on the canvas
// and brings it into view.

import { memo, useMemo } from 'react'
import { linkIds } from '../../shared/lab/normalize.ts'
import type { Problem } from '../../shared/lab/problem.ts'
import { fieldName } from '../../shared/lab/problem.ts'
import { useDocument } from '../document/use-document.ts'
import { useUi } from '../ui/store.ts'

/** The node or link a problem is about, by its path (`nodes.x…`, `links[i]…`). */
export function problemTarget(
  links: Parameters<typeof linkIds>[0],
  path: Problem['path'],
  ids: readonly string[] = linkIds(links),
): { node: string } | { link: string; ends: string[] } | null {
  const [top, key] = path
  if (top === 'nodes' && typeof key === 'string') return { node: key }
  if (top === 'links' && typeof key === 'number' && links[key]) {
    const link = links[key]!
    return { link: ids[key]!, ends: 'guest' in link ? [link.guest, link.to] : [...link.between] }
  }
  return null
}

// Memoised, and reading the links rather than the lab: a drag (which changes neither the links nor
// the problems) does not rebuild a list that may hold a thousand warnings.
export const Problems = memo(function Problems({ problems }: { problems: readonly Problem[] }) {
  const links = useDocument((s) => s.lab.links)
  const ids = useMemo(() => linkIds(links ?? []), [links])
  if (problems.length === 0) return null
  const errors = problems.filter((p) => p.severity === 'error').length
  return (
    <div className="problems" data-problems-list>
      <h4>
        {errors > 0 ? `${errors} errors` : ''}
        {errors > 0 && problems.length > errors ? ', ' : ''}
        {problems.length > errors ? `${problems.length - errors} warnings` : ''}
      </h4>
      {problems.map((p) => {
        const target = problemTarget(links ?? [], p.path, ids)
        return (
          <button
            type="button"
            key={`${p.path.join('.')}${p.message}`}
            className={`problem ${p.severity}`}
            data-problem-field={fieldName(p.path)}
            disabled={!target}
            title={target ? 'select it on the canvas' : undefined}
            onClick={() => {
              if (!target) return
              const ui = useUi.getState()
              if ('node' in target) {
                ui.select([target.node], [])
                ui.requestFit([target.node])
              } else {
                ui.select([], [target.link])
                ui.requestFit(target.ends)
              }
            }}
          >
            <span className="severity">{p.severity === 'error' ? '✗' : '⚠'}</span> {p.message}
          </button>
        )
      })}
    </div>
  )
})
