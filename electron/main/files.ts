// The desktop app's files: the lab named on its command line, the File menu, and the native
// dialogs behind chooseLabFile. Thin on purpose: the rules of which file may be read or written
// live in core/lab-files.ts, the same as for `serve`.
import type { MenuCommandEvent } from '../../shared/api/contract.ts'

const LAB_FILE = /\.ya?ml$/i

/**
 * The lab file on the command line: `electron . lab.yaml` while developing, `patchbay lab.yaml`
 * when packaged. Electron's and Chromium's own switches (`--…`) are not files.
 */
export function labFileArgument(argv: readonly string[], packaged: boolean): string | null {
  const args = argv.slice(packaged ? 1 : 2)
  return args.find((a) => !a.startsWith('-') && LAB_FILE.test(a)) ?? null
}

export const LAB_FILE_FILTERS = [{ name: 'Lab files', extensions: ['yaml', 'yml'] }]

type Command = MenuCommandEvent['command']

/**
 * The File menu. Every item only tells the page, which does what its own buttons do (and asks
 * for a dialog through chooseLabFile). Ctrl+S is the page's own key, so it is shown, not bound.
 */
export const fileMenuTemplate = (send: (command: Command) => void) => [
  {
    label: 'File',
    submenu: [
      { label: 'New', accelerator: 'CmdOrCtrl+N', click: () => send('new') },
      { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => send('open') },
      { label: 'Open This Machine', click: () => send('open-machine') },
      { label: 'Save', accelerator: 'CmdOrCtrl+S', registerAccelerator: false, click: () => send('save') },
      { label: 'Save As…', accelerator: 'CmdOrCtrl+Shift+S', click: () => send('save-as') },
      { type: 'separator' as const },
      { role: 'quit' as const },
    ],
  },
  { role: 'editMenu' as const },
  { role: 'viewMenu' as const },
]
