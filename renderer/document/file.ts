// Which file the document is, and whether it is saved: the lab as last opened or saved is kept,
// so the document is dirty exactly when its lab is another object (undo back to it is clean).
import { create } from 'zustand'
import type { Lab } from '../../shared/lab/schema.ts'
import { useDocument } from './use-document.ts'

export interface FileState {
  /** The file as the server names it; null: never saved. */
  readonly path: string | null
  /** The version on disk the document was read from or written as (null: no file yet). */
  readonly version: string | null
  /** The lab as it is on disk; the document is dirty when its lab is not this one. */
  readonly savedLab: Lab | null
  /** Another hand changed the file on disk since (a git pull, another editor). */
  readonly changedOnDisk: boolean
  /** Files the server offers (serve --dir), and whether a native dialog is there. */
  readonly offered: readonly string[]
  /** The folder serve was given (--dir), where the page may open and save by name. */
  readonly folder: string | null
  readonly dialogs: boolean
  opened(path: string | null, version: string | null, lab: Lab): void
  saved(path: string, version: string, lab: Lab): void
  changed(): void
  offer(files: readonly string[], folder: string | null, dialogs: boolean): void
}

export const useFile = create<FileState>()((set) => ({
  path: null,
  version: null,
  savedLab: null,
  changedOnDisk: false,
  offered: [],
  folder: null,
  dialogs: false,
  opened: (path, version, lab) => set({ path, version, savedLab: lab, changedOnDisk: false }),
  saved: (path, version, lab) => set({ path, version, savedLab: lab, changedOnDisk: false }),
  changed: () => set({ changedOnDisk: true }),
  offer: (offered, folder, dialogs) => set({ offered, folder, dialogs }),
}))

/** The file's name without its folders, for the title and the status bar. */
export const fileLabel = (path: string | null, labName: string): string =>
  path ? (path.split('/').at(-1) ?? path) : `${labName} (not saved)`

// A lab replaced with no history step (the first layout of a file just opened settles it) is
// still the file as it was opened: it does not make the document dirty.
useDocument.subscribe((now, before) => {
  const file = useFile.getState()
  if (now.lab !== before.lab && now.past === before.past && now.future === before.future)
    if (before.lab === file.savedLab) useFile.setState({ savedLab: now.lab })
})
