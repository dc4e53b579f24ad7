#!/usr/bin/env node
// `npm run dev`: the editor with hot reload. A `patchbay serve` answers the API on 127.0.0.1:5174;
// vite serves the renderer on 127.0.0.1:5173 and passes /api and /ws through to it.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const token = randomBytes(24).toString('base64url')
const children = [
  spawn(
    process.execPath,
    [join(root, 'bin', 'patchbay.js'), 'serve', '--port', '5174', ...process.argv.slice(2)],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, PATCHBAY_SERVE_TOKEN: token },
    },
  ),
  spawn('npx', ['vite', '--config', 'renderer/vite.config.ts', '--clearScreen', 'false'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PATCHBAY_DEV_API: '127.0.0.1:5174' },
  }),
]
console.log(`patchbay dev: http://127.0.0.1:5173/?token=${token}  (hot reload; Ctrl-C stops)`)
const stop = () => {
  for (const child of children) child.kill('SIGTERM')
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
for (const child of children) child.on('exit', stop)
