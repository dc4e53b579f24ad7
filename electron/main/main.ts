// The desktop app's main process: one window, the renderer from app://, every IPC message checked
// (security.ts) and answered by the same handlers as `serve`. Root runs the engine in-process; a
// normal user gets the privileged helper through pkexec (helper-client.ts) or, without it, an app
// that draws and plans and says why it cannot apply.
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  MessageChannelMain,
  protocol,
  session,
  shell,
} from 'electron'
import type { EditorEvent } from '../../shared/api/contract.ts'
import { checkLab } from '../../shared/lab/check.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { createEngine } from '../core/create-engine.ts'
import { DockerApi } from '../core/drivers/docker-api.ts'
import { type ChooseFile, fileHandlers } from '../core/file-calls.ts'
import { LabFiles } from '../core/lab-files.ts'
import { LabWatcher } from '../core/monitor/lab-watcher.ts'
import { apiHandlers } from '../serve/api-handlers.ts'
import { fileMenuTemplate, LAB_FILE_FILTERS, labFileArgument } from './files.ts'
import { type Handlers, helperHandlers, unprivilegedHandlers } from './helper-client.ts'
import { APP_ORIGIN, acceptIpc, CONTENT_SECURITY_POLICY, IPC_CALLS, windowOptions } from './security.ts'

const HERE = dirname(fileURLToPath(import.meta.url))
const RENDERER = join(HERE, '..', 'renderer')
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
}

protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
])

/** The live stream: a LabWatcher per request, its events through a MessagePort, stopped with it. */
export function registerLiveState(watch: (lab: Lab, onEvent: (event: unknown) => void) => () => void): void {
  ipcMain.on('watch', (event, payload: unknown) => {
    const frame = event.senderFrame
    const verdict = acceptIpc(
      frame ? { url: frame.url, isMainFrame: frame === event.sender.mainFrame } : null,
      'domains',
      { lab: payload },
    )
    const checked = verdict.ok ? checkLab(payload) : null
    if (!checked?.lab) return
    const { port1, port2 } = new MessageChannelMain()
    const stop = watch(checked.lab, (e) => port1.postMessage(e))
    port1.on('close', stop)
    port1.start()
    event.sender.postMessage('watch-port', null, [port2])
  })
}

export function registerIpc(handlers: Handlers): void {
  for (const call of IPC_CALLS) {
    ipcMain.handle(call, async (event, payload: unknown) => {
      const verdict = acceptIpc(
        event.senderFrame
          ? { url: event.senderFrame.url, isMainFrame: event.senderFrame === event.sender.mainFrame }
          : null,
        call,
        payload,
      )
      if (!verdict.ok) throw new Error(verdict.reason)
      return (handlers[call] as (r: unknown) => Promise<unknown>)(verdict.request)
    })
  }
}

/** The File menu; each item is passed to the page as an editor event. */
export function installFileMenu(send: (event: EditorEvent) => void): void {
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(fileMenuTemplate((command) => send({ type: 'menu', command }))),
  )
}

async function start(): Promise<void> {
  await app.whenReady()
  protocol.handle('app', async (request) => {
    const path = new URL(request.url).pathname
    const file = normalize(join(RENDERER, path === '/' ? 'index.html' : path))
    if (!file.startsWith(RENDERER)) return new Response('outside the app', { status: 403 })
    try {
      return new Response(await readFile(file), {
        headers: {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'content-security-policy': CONTENT_SECURITY_POLICY,
        },
      })
    } catch {
      return new Response('not found', { status: 404 })
    }
  })
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  let window: BrowserWindow | null = null
  const send = (event: EditorEvent) => window?.webContents.send('editor-event', event)
  // Files are read and written here, as the user, whatever runs the engine.
  const opened = labFileArgument(process.argv, app.isPackaged)
  const choose: ChooseFile = async (purpose, suggestedName) => {
    if (!window) return null
    if (purpose === 'open') {
      const r = await dialog.showOpenDialog(window, { filters: LAB_FILE_FILTERS, properties: ['openFile'] })
      return r.canceled ? null : (r.filePaths[0] ?? null)
    }
    const r = await dialog.showSaveDialog(window, {
      filters: LAB_FILE_FILTERS,
      ...(suggestedName ? { defaultPath: suggestedName } : {}),
    })
    return r.canceled ? null : (r.filePath ?? null)
  }
  const files = fileHandlers(new LabFiles(opened ? { file: opened } : {}), { choose, onChange: send })
  // Root runs the engine here; anyone else gets the privileged helper through pkexec.
  const helper = join(HERE, 'helper.mjs')
  registerIpc({
    ...(process.getuid?.() === 0
      ? apiHandlers(createEngine())
      : existsSync(helper)
        ? helperHandlers(
            app.isPackaged ? [join(process.resourcesPath, 'patchbay-helper')] : ['/usr/bin/node', helper],
          )
        : unprivilegedHandlers('the privileged helper is not installed')),
    ...files,
  })
  installFileMenu(send)
  // Live state needs the engine's view of the machine: as root, a watcher in this process.
  if (process.getuid?.() === 0) {
    registerLiveState((lab, onEvent) => {
      const watcher = new LabWatcher(createEngine(), lab, new DockerApi(), { heal: true, counters: true })
      watcher.on('event', onEvent)
      void watcher.start()
      return () => watcher.stop()
    })
  }
  window = new BrowserWindow(windowOptions(join(HERE, 'preload.cjs')))
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  window.webContents.on('will-navigate', (event) => event.preventDefault())
  window.webContents.on('will-attach-webview', (event) => event.preventDefault())
  window.once('ready-to-show', () => window?.show())
  await window.loadURL(`${APP_ORIGIN}/index.html`)
}

if (process.versions.electron) {
  app.on('window-all-closed', () => app.quit())
  void start()
}
