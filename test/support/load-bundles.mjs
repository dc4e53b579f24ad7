// Loads the built main and preload bundles under plain Node with the electron STAND-IN, and prints
// what they registered. Run by test/unit/electron/bundles.test.ts in a child process.
import Module, { register } from 'node:module'
import { pathToFileURL } from 'node:url'

const standIn = new URL('./electron-stand-in.mjs', import.meta.url).href
register(
  `data:text/javascript,${encodeURIComponent(`export async function resolve(s, c, next) { return s === 'electron' ? { url: ${JSON.stringify(standIn)}, shortCircuit: true } : next(s, c) }`)}`,
)
const { createRequire } = Module
const require = createRequire(import.meta.url)
// CommonJS (the preload) resolves 'electron' to the same stand-in, loaded as ESM and handed over.
const electron = await import(standIn)
const resolveFilename = Module._resolveFilename
Module._resolveFilename = function (request, ...rest) {
  return request === 'electron' ? 'electron-stand-in' : resolveFilename.call(this, request, ...rest)
}
require.cache['electron-stand-in'] = {
  id: 'electron-stand-in',
  filename: 'electron-stand-in',
  loaded: true,
  exports: electron,
}

const [main, preload] = process.argv.slice(2)
const app = await import(pathToFileURL(main).href)
// A service that is never called: registering only names the channels.
const service = new Proxy({}, { get: () => () => undefined })
app.registerIpc(service)
app.registerLiveState(service)
app.installFileMenu(() => undefined)
require(preload)
console.log(JSON.stringify(globalThis.__electronStandIn))
