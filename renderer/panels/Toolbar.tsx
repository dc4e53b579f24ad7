// File and engine actions. The renderer sends the lab; the server plans; apply takes the plan id.
import { useRef } from 'react'
import { loadLab } from '../../shared/lab/load.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { labPicture } from '../../shared/picture/picture.ts'
import { ApiFailure, type Client } from '../api/client.ts'
import { useFile } from '../document/file.ts'
import { newFile, openChosen, openCopy, openMachine, saveFile, saveFileAs } from '../document/file-actions.ts'
import { layoutDocument } from '../document/layout-actions.ts'
import { useDocument } from '../document/use-document.ts'
import { stopWatching } from '../live/watching.ts'
import { useUi } from '../ui/store.ts'
import { refreshMachine } from './StatusBar.tsx'

/** The lab as an SVG file (the same picture as `patchbay export --format svg`), downloaded. */
async function exportPicture(lab: Lab): Promise<void> {
  const url = URL.createObjectURL(new Blob([await labPicture(lab)], { type: 'image/svg+xml' }))
  const a = document.createElement('a')
  a.href = url
  a.download = `${lab.name}.svg`
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

export function Toolbar({ client }: { client: Client }) {
  const { lab, undo, redo, past, future, change, endGesture, readOnly } = useDocument()
  const { busy, setBusy, show, paintVlan, setPaint, showDomains, toggleDomains, toggleHelp } = useUi()
  const file = useRef<HTMLInputElement>(null)
  const offered = useFile((s) => s.offered)
  const dialogs = useFile((s) => s.dialogs)
  const folder = useFile((s) => s.folder)

  const run = async (what: string, action: () => Promise<void>) => {
    setBusy(what)
    try {
      await action()
    } catch (e) {
      const problems = e instanceof ApiFailure ? e.problems.map((p) => `${p.field}: ${p.message}`) : []
      show({ kind: 'text', title: `${what} failed: ${(e as Error).message}`, lines: problems, failed: true })
    } finally {
      setBusy(null)
    }
  }

  return (
    <div className="toolbar">
      <button type="button" data-action="new" onClick={newFile}>
        New
      </button>
      {folder !== null && !dialogs ? (
        // serve --dir: the files under the folder, since a browser page has no file dialog.
        <select
          data-action="open"
          aria-label="open a lab file"
          value=""
          onChange={(e) => e.target.value && openChosen(client, e.target.value)}
        >
          <option value="">Open…</option>
          {offered.map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
        </select>
      ) : (
        <button
          type="button"
          data-action="open"
          onClick={() => (dialogs ? openChosen(client) : file.current?.click())}
        >
          Open…
        </button>
      )}
      <button
        type="button"
        data-action="open-machine"
        title="Open this machine: its bridges, containers, netns and links as they are (read-only until Save As)"
        onClick={() => run('open this machine', async () => void (await openMachine(client)))}
      >
        This machine
      </button>
      <input
        ref={file}
        type="file"
        accept=".yaml,.yml"
        hidden
        onChange={async (e) => {
          // A copy read into the page: it has no file to save back into until Save As.
          const text = await e.target.files?.[0]?.text()
          const loaded = text !== undefined ? loadLab(text, e.target.files?.[0]?.name) : null
          if (loaded?.lab) {
            if (await openCopy(loaded.lab)) void refreshMachine(client)
          } else if (loaded)
            show({
              kind: 'text',
              title: `${loaded.file} is not a valid lab: nothing was opened`,
              lines: loaded.problems.map((p) => `${p.file}:${p.line ?? 1}:${p.column ?? 1} ${p.message}`),
              failed: true,
            })
        }}
      />
      <button type="button" data-action="save" onClick={() => saveFile(client)} title="Ctrl+S">
        Save
      </button>
      <button type="button" data-action="save-as" onClick={() => saveFileAs(client)} title="Ctrl+Shift+S">
        Save As…
      </button>
      <button
        type="button"
        data-action="export-picture"
        onClick={() => run('Export picture', () => exportPicture(lab))}
        title="Export picture: the lab as SVG, as the canvas draws it (host frames, VLAN colours and chips, a legend)"
      >
        Export picture
      </button>
      {readOnly !== null && (
        <span className="read-only" data-state="read-only" title={readOnly}>
          read-only
        </span>
      )}
      <input
        className="lab-name"
        data-field="lab-name"
        aria-label="lab name"
        readOnly={readOnly !== null}
        value={lab.name}
        onChange={(e) => {
          const name = e.target.value
          // The keystrokes of one name are one undo step.
          change((l) => ({ ...l, name }), 'lab-name')
        }}
        onBlur={endGesture}
      />
      <button type="button" disabled={past.length === 0 || readOnly !== null} onClick={undo}>
        Undo
      </button>
      <button type="button" disabled={future.length === 0 || readOnly !== null} onClick={redo}>
        Redo
      </button>
      <button
        type="button"
        data-action="layout"
        title="Lay out the nodes you did not place (L); Shift+click: every node"
        onClick={(e) => layoutDocument(e.shiftKey)}
      >
        Layout
      </button>
      <button
        type="button"
        data-action="relayout"
        title="Re-lay out every node (Shift+L)"
        onClick={() => layoutDocument(true)}
      >
        Re-layout all
      </button>
      <span className="sep" />
      <label>
        paint VLAN{' '}
        <input
          className="paint"
          data-paint
          data-field="paint-vlan"
          placeholder="off"
          value={paintVlan ?? ''}
          onChange={(e) => setPaint(/^\d+$/.test(e.target.value) ? Number(e.target.value) : null)}
        />
      </label>
      <label>
        <input type="checkbox" checked={showDomains} onChange={toggleDomains} data-toggle="domains" /> domains
      </label>
      <span className="sep" />
      <button
        type="button"
        data-action="apply"
        disabled={busy !== null}
        onClick={() =>
          run('plan', async () => {
            const plan = await client.call('planLab', { lab })
            if (plan.problems.length > 0) {
              show({
                kind: 'text',
                title: 'cannot apply',
                lines: plan.problems.map((p) => p.message),
                failed: true,
              })
              return
            }
            show({ kind: 'plan', plan })
          })
        }
      >
        Apply
      </button>
      <button
        type="button"
        data-action="verify"
        disabled={busy !== null}
        onClick={() =>
          run('verify', async () => show({ kind: 'matrix', ...(await client.call('verifyLab', { lab })) }))
        }
      >
        Verify
      </button>
      <button
        type="button"
        data-action="destroy"
        disabled={busy !== null}
        onClick={() =>
          run('destroy', async () => {
            stopWatching()
            const result = await client.call('destroyLab', { lab })
            show({
              kind: 'text',
              title: result.ok ? `destroyed: ${result.done.length} ops` : 'destroy failed',
              lines: result.done,
              failed: !result.ok,
            })
            void refreshMachine(client)
          })
        }
      >
        Destroy
      </button>
      <button
        type="button"
        className="help-button"
        data-action="help"
        title="Shortcuts (?)"
        onClick={() => toggleHelp()}
      >
        ?
      </button>
      {busy && (
        <span className="busy" data-busy={busy}>
          {busy}…
        </span>
      )}
    </div>
  )
}
