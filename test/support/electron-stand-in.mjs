// A STAND-IN for the `electron` module (the Electron binary cannot run on these machines): it
// records what the app's bundles register, so a test can check them under plain Node.
globalThis.__electronStandIn ??= { handled: [], listened: [], exposed: {}, menu: [] }
export const calls = globalThis.__electronStandIn
export const ipcMain = {
  handle: (channel) => calls.handled.push(channel),
  on: (channel) => calls.listened.push(channel),
}
export const ipcRenderer = {
  invoke: async () => undefined,
  send: () => undefined,
  once: () => undefined,
  on: () => undefined,
}
// The application menu as built: each top menu's label (or role) and its items' labels.
export const Menu = {
  buildFromTemplate: (template) => template,
  setApplicationMenu: (template) => {
    calls.menu = template.map((top) => ({
      label: top.label ?? top.role,
      items: (top.submenu ?? []).map((item) => item.label ?? item.role ?? item.type),
    }))
  },
}
export const dialog = {
  showOpenDialog: async () => ({ canceled: true }),
  showSaveDialog: async () => ({ canceled: true }),
}
export const contextBridge = {
  exposeInMainWorld: (key, api) => {
    calls.exposed[key] = Object.keys(api)
  },
}
export const app = {
  isPackaged: false,
  whenReady: async () => undefined,
  on: () => undefined,
  quit: () => undefined,
}
export const protocol = { registerSchemesAsPrivileged: () => undefined, handle: () => undefined }
export const session = { defaultSession: { setPermissionRequestHandler: () => undefined } }
export const shell = { openExternal: async () => undefined }
export class BrowserWindow {}
export class MessageChannelMain {}
export default {
  ipcMain,
  ipcRenderer,
  contextBridge,
  app,
  protocol,
  session,
  shell,
  BrowserWindow,
  Menu,
  dialog,
}
