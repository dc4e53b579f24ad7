// At start, the file the editor was given; afterwards, what the server and the desktop menu tell:
// a file changed on disk (offered to reload), File ▸ New/Open/Save/Save As.
import { useEffect } from 'react'
import type { Client } from '../api/client.ts'
import { useFile } from '../document/file.ts'
import {
  newFile,
  openChosen,
  openMachine,
  openStartingFile,
  saveFile,
  saveFileAs,
} from '../document/file-actions.ts'
import { refreshMachine } from '../panels/StatusBar.tsx'

export function useEditorFiles(client: Client): void {
  useEffect(() => {
    void openStartingFile(client).then(() => refreshMachine(client))
    return client.onEditorEvent((event) => {
      if (event.type === 'lab-file-changed') {
        if (event.path === useFile.getState().path && event.version !== useFile.getState().version)
          useFile.getState().changed()
        return
      }
      if (event.command === 'new') newFile()
      else if (event.command === 'open') void openChosen(client)
      else if (event.command === 'open-machine') void openMachine(client)
      else if (event.command === 'save') void saveFile(client)
      else void saveFileAs(client)
    })
  }, [client])
}
