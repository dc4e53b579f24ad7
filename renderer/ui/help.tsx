// `?`: the keyboard shortcuts and mouse gestures, in one list.
import { SHORTCUTS } from './shortcuts.ts'
import { useUi } from './store.ts'

export function ShortcutHelp() {
  const show = useUi((s) => s.showHelp)
  const toggle = useUi((s) => s.toggleHelp)
  if (!show) return null
  return (
    <div className="help-backdrop">
      <dialog open className="help" data-help="shortcuts" aria-label="keyboard shortcuts">
        <h3>Shortcuts</h3>
        <table>
          <tbody>
            {SHORTCUTS.map(([keys, what]) => (
              <tr key={keys}>
                <th>
                  <kbd>{keys}</kbd>
                </th>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" onClick={() => toggle(false)}>
          Close
        </button>
      </dialog>
    </div>
  )
}
