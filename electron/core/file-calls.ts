// The contract's file calls (shared/api/contract.ts FILE_CALLS) over LabFiles. They run in the
// process that belongs to the user — serve, or the desktop app's main process — never in the root
// helper, so a lab file is read and written with the user's own rights.
import type { ApiReply, ApiRequest, FILE_CALLS } from '../../shared/api/contract.ts'
import { type LabFileChange, LabFileError, type LabFiles } from './lab-files.ts'

type FileCall = (typeof FILE_CALLS)[number]
export type FileHandlers = { [C in FileCall]: (req: ApiRequest<C>) => Promise<ApiReply<C>> }

/** A native file dialog (the desktop app's); null when the person cancels. */
export type ChooseFile = (purpose: 'open' | 'save', suggestedName?: string) => Promise<string | null>

export function fileHandlers(
  files: LabFiles,
  options: { choose?: ChooseFile; onChange?: (change: LabFileChange) => void } = {},
): FileHandlers {
  return {
    labFiles: async () => ({
      opened: files.opened,
      dir: files.folder,
      files: await files.list(),
      dialogs: options.choose !== undefined,
    }),
    chooseLabFile: async ({ purpose, suggestedName }) => {
      if (!options.choose)
        throw new LabFileError(
          'there is no file dialog here: open a file named on the command line or under its --dir',
        )
      const chosen = await options.choose(purpose, suggestedName)
      return { path: chosen === null ? null : files.grant(chosen) }
    },
    openLab: async ({ path }) => {
      const opened = await files.open(path)
      if (options.onChange) files.watchOpened(opened.path, options.onChange)
      return opened
    },
    saveLab: async ({ path, lab, version, overwrite }) => {
      const saved = await files.save(path, lab, version, overwrite)
      if (saved.saved && options.onChange) files.watchOpened(saved.path, options.onChange)
      return saved
    },
  }
}

/** Where there are no files to give (the root helper): every file call says so. */
export const noFileHandlers = (why: string): FileHandlers => {
  const refuse = async (): Promise<never> => {
    throw new LabFileError(why)
  }
  return { labFiles: refuse, chooseLabFile: refuse, openLab: refuse, saveLab: refuse }
}
