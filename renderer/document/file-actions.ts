// Open, save, save as, reload: the file calls of the contract, with what a person expects of an
// editor — a dirty document is not dropped without asking, a file changed on disk is not
// overwritten without asking, an invalid file is shown with its problems and their lines.
import type { ProblemReply } from '../../shared/api/contract.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { ApiFailure, type Client } from '../api/client.ts'
import { useUi } from '../ui/store.ts'
import { useFile } from './file.ts'
import { loadLaidOut } from './layout-actions.ts'
import { useDocument } from './use-document.ts'

const problemLine = (p: ProblemReply) =>
  `${p.file ?? ''}${p.line !== undefined ? `:${p.line}:${p.column ?? 1}` : ''} ${p.field ? `${p.field}: ` : ''}${p.message}`.trim()

const failed = (title: string, e: unknown) =>
  useUi.getState().show({
    kind: 'text',
    title: `${title}: ${(e as Error).message}`,
    lines: e instanceof ApiFailure ? e.problems.map(problemLine) : [],
    failed: true,
  })

export const isDirty = (): boolean => useDocument.getState().lab !== useFile.getState().savedLab

const mayDiscard = () => !isDirty() || window.confirm('The lab has changes that are not saved. Discard them?')

/** Opens a file by the server's name for it; an invalid one is listed with its lines and not loaded. */
export async function openFile(client: Client, path: string | undefined): Promise<boolean> {
  try {
    const opened = await client.call('openLab', path === undefined ? {} : { path })
    if (!opened.lab) {
      useUi.getState().show({
        kind: 'text',
        title: `${opened.path} is not a valid lab: nothing was opened`,
        lines: opened.problems.map(problemLine),
        failed: true,
      })
      return false
    }
    const lab = await loadLaidOut(opened.lab as Lab)
    // Another lab was opened meanwhile: it is the document now.
    if (lab === null) return false
    useFile.getState().opened(opened.path, opened.version, lab)
    return true
  } catch (e) {
    failed('open failed', e)
    return false
  }
}

/** At start: the file the editor was started with, if any; else the document it has. */
export async function openStartingFile(client: Client): Promise<void> {
  useFile.getState().opened(null, null, useDocument.getState().lab)
  const files = await client.call('labFiles', {}).catch(() => null)
  if (!files) return
  useFile.getState().offer(files.files, files.dir, files.dialogs)
  if (!files.opened) return
  const exists = files.files.includes(files.opened) || files.dir === null
  if (exists && (await openFile(client, files.opened))) return
  // Named but not there yet (or unreadable): a new lab, saved under that name.
  const name = (files.opened.split('/').at(-1) ?? 'lab').replace(/\.ya?ml$/, '').toLowerCase()
  const lab: Lab = { patchbay: 1, name: name.replace(/[^a-z0-9-]/g, '-') || 'lab', nodes: {}, links: [] }
  if (await loadLaidOut(lab)) useFile.getState().opened(files.opened, null, lab)
}

/** What the editor says while it shows this machine: nothing may change until it is a file. */
export const MACHINE_READ_ONLY = 'this machine as it is: read-only until saved as a file (Save As…)'

/**
 * Open this machine: the lab `patchbay discover` writes, from the engine. It is read-only until
 * Save As makes it a file; what was left out of it is listed in the output panel.
 */
export async function openMachine(client: Client): Promise<boolean> {
  if (!mayDiscard()) return false
  try {
    const found = await client.call('discoverMachine', {})
    const lab = await loadLaidOut(found.lab as Lab, MACHINE_READ_ONLY)
    if (lab === null) return false
    useFile.getState().opened(null, null, lab)
    useUi.getState().show({
      kind: 'text',
      title: `this machine: ${Object.keys(lab.nodes).length} nodes, ${lab.links?.length ?? 0} links${found.notes.length ? `; ${found.notes.length} left out` : ''}`,
      lines: found.notes,
    })
    return true
  } catch (e) {
    failed('open this machine failed', e)
    return false
  }
}

export async function newFile(): Promise<void> {
  if (!mayDiscard()) return
  const lab: Lab = { patchbay: 1, name: 'new-lab', nodes: {}, links: [] }
  if (await loadLaidOut(lab)) useFile.getState().opened(null, null, lab)
}

/** A lab read into the page (the file input): it has no file to save back into until Save As. */
export async function openCopy(lab: Lab): Promise<boolean> {
  const laid = await loadLaidOut(lab)
  if (laid === null) return false
  useFile.getState().opened(null, null, laid)
  return true
}

/** Open…: a native dialog where there is one, else a file the server offers (serve --dir). */
export async function openChosen(client: Client, path?: string): Promise<void> {
  if (!mayDiscard()) return
  if (path === undefined && useFile.getState().dialogs) {
    const chosen = await client.call('chooseLabFile', { purpose: 'open' }).catch((e) => failed('open', e))
    if (!chosen?.path) return
    path = chosen.path
  }
  if (path !== undefined) await openFile(client, path)
}

export async function reloadFile(client: Client): Promise<void> {
  const { path } = useFile.getState()
  if (path && mayDiscard()) await openFile(client, path)
}

/** Save (Ctrl+S): into the file it came from; a new lab asks where first. */
export async function saveFile(client: Client): Promise<boolean> {
  const { path, version } = useFile.getState()
  if (path === null) return saveFileAs(client)
  return write(client, path, version)
}

/** Save As…: a native dialog, or a name under serve's --dir. */
export async function saveFileAs(client: Client): Promise<boolean> {
  const lab = useDocument.getState().lab
  let path: string | null = null
  if (useFile.getState().dialogs) {
    const chosen = await client
      .call('chooseLabFile', { purpose: 'save', suggestedName: `${lab.name}.yaml` })
      .catch((e) => failed('save', e))
    path = chosen?.path ?? null
  } else if (useFile.getState().folder === null) {
    failed(
      'save as',
      new Error('this editor may write only the file it was started with (serve --dir FOLDER allows more)'),
    )
    return false
  } else {
    path = window.prompt(
      'Save the lab as (a .yaml file under the folder patchbay serve was given):',
      `${lab.name}.yaml`,
    )
  }
  if (!path) return false
  return write(client, path, path === useFile.getState().path ? useFile.getState().version : null)
}

async function write(
  client: Client,
  path: string,
  version: string | null,
  overwrite = false,
): Promise<boolean> {
  const lab = useDocument.getState().lab
  try {
    const saved = await client.call('saveLab', { path, lab, version, ...(overwrite ? { overwrite } : {}) })
    if (!saved.saved) {
      const replace = window.confirm(
        version === null
          ? `${saved.path} exists already. Replace it?`
          : `${saved.path} changed on disk since it was opened. Overwrite it with this lab?`,
      )
      return replace ? write(client, path, version, true) : false
    }
    useFile.getState().saved(saved.path, saved.version, lab)
    // Saved as a file of its own, the machine's lab is the user's to edit.
    useDocument.getState().makeEditable()
    return true
  } catch (e) {
    failed('save failed', e)
    return false
  }
}
