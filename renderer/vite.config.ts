import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const here = dirname(fileURLToPath(import.meta.url))

// `npm run dev`: the renderer with hot reload, its API and live state from a `patchbay serve`
// started by bin/dev.js; requests reach it as if from its own page.
const api = process.env.PATCHBAY_DEV_API
const toServe = api
  ? { target: `http://${api}`, changeOrigin: true, headers: { origin: `http://${api}` } }
  : undefined

export default defineConfig({
  root: here,
  base: './',
  server: toServe
    ? { host: '127.0.0.1', port: 5173, proxy: { '/api': toServe, '/ws': { ...toServe, ws: true } } }
    : {},
  // The layout's worker imports ELK lazily: an ES module worker, since code split chunks need one.
  worker: { format: 'es' },
  build: { outDir: join(here, '..', 'dist', 'renderer'), emptyOutDir: true, chunkSizeWarningLimit: 2000 },
})
