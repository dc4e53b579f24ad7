// One text field of the inspector, with the problems `patchbay validate` finds at its path.
import { fieldName } from '../../shared/lab/problem.ts'
import { checkedLab } from '../document/checked.ts'
import { useDocument } from '../document/use-document.ts'

export function Field({
  label,
  value,
  path,
  onChange,
  list,
}: {
  label: string
  value: string
  path: string
  onChange: (v: string) => void
  /** Id of a datalist of suggestions (the machine's NICs). */
  list?: string
}) {
  // The lab's problems, not the lab: the same array while a drag moves nodes.
  const all = useDocument((s) => checkedLab(s.lab).problems)
  const problems = all.filter((p) => fieldName(p.path).startsWith(path))
  return (
    <label className="field">
      <span>{label}</span>
      <input
        data-field={path}
        list={list}
        defaultValue={value}
        key={`${path}=${value}`}
        onBlur={(e) => e.target.value !== value && onChange(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
      />
      {problems.map((p) => (
        <em key={p.message} className={p.severity} data-problem={path}>
          {p.message}
        </em>
      ))}
    </label>
  )
}
