// The desktop app's main process: one window, the renderer from app://, every IPC message checked
// (security.ts) and answered by the same application service as `serve` (core/service.ts). Root runs the engine in-process; a
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
import type { EditorEvent, LiveEvent } from '../../shared/api/contract.ts'
import { createEngine } from '../core/create-engine.ts'
import type { ChooseFile } from '../core/file-calls.ts'
import { LabFiles } from '../core/lab-files.ts'
import { engineService, failureOf, offlineService, remoteService, type Service } from '../core/service.ts'
import { fileMenuTemplate, LAB_FILE_FILTERS, labFileArgument } from './files.ts'
import { helperCalls } from './helper-client.ts'
import {
  APP_ORIGIN,
  acceptIpc,
  acceptWatch,
  CONTENT_SECURITY_POLICY,
  IPC_CALLS,
  windowOptions,
} from './security.ts'

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

/**
 * The live stream: one per watch message, its events (and the progress of every apply) through a
 * MessagePort, stopped when the page closes the port.
 */
export function registerLiveState(service: Service): void {
  ipcMain.on('watch', (event, payload: unknown) => {
    const frame = event.senderFrame
    const verdict = acceptWatch(
      frame ? { url: frame.url, isMainFrame: frame === event.sender.mainFrame } : null,
      payload,
    )
    if (!verdict.ok) return
    const { port1, port2 } = new MessageChannelMain()
    const post = (e: LiveEvent) => port1.postMessage(e)
    let stop = () => {}
    try {
      const stream = service.watch(verdict.request.lab, post, { heal: true, counters: true })
      stream.ready.catch((e: unknown) => post({ type: 'error', error: failureOf(e).error }))
      // Apply progress goes to the page with its live state (a changed file goes as an editor event).
      const stopProgress = service.onBroadcast((e) => {
        if (e.type === 'progress') post(e)
      })
      stop = () => {
        stream.stop()
        stopProgress()
      }
    } catch (e) {
      post({ type: 'error', error: failureOf(e).error })
    }
    port1.on('close', stop)
    port1.start()
    event.sender.postMessage('watch-port', null, [port2])
  })
}

export function registerIpc(service: Service): void {
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
      const outcome = await service.call(call, verdict.request)
      if (!outcome.ok) throw new Error(outcome.failure.error)
      return outcome.reply
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
  const files = { files: new LabFiles(opened ? { file: opened } : {}), choose }
  // Root runs the one engine of this process; anyone else gets the privileged helper through pkexec.
  const helper = join(HERE, 'helper.mjs')
  const service =
    process.getuid?.() === 0
      ? engineService(createEngine(), files)
      : existsSync(helper)
        ? remoteService(
            helperCalls(
              app.isPackaged ? [join(process.resourcesPath, 'patchbay-helper')] : ['/usr/bin/node', helper],
            ),
            files,
          )
        : offlineService('the privileged helper is not installed', files)
  service.onBroadcast((event) => {
    if (event.type === 'lab-file-changed') send(event)
  })
  registerIpc(service)
  installFileMenu(send)
  // Live state needs the engine's view of the machine: only where it runs in this process.
  if (service.canWatch) registerLiveState(service)
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
