#!/usr/bin/env node
// `npm start`: the desktop app where the Electron binary is there; where it is not (it cannot be
// downloaded on machines without internet), the same editor in a browser through
// `patchbay serve`. It says which it does.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** The Electron binary's path, when its download worked. */
function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron')
    return typeof path === 'string' && existsSync(path) ? path : null
  } catch {
    return null
  }
}

function run(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code) => process.exit(code ?? 0))
}

if (
  !existsSync(join(root, 'dist', 'renderer', 'index.html')) ||
  !existsSync(join(root, 'dist', 'electron', 'main.mjs'))
) {
  console.log('patchbay: building the editor (npm run build)…')
  const build = spawnSync('npm', ['run', 'build', '--silent'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  if (build.status !== 0) process.exit(build.status ?? 1)
}

const electron = electronBinary()
if (electron) {
  run(electron, [root])
} else {
  console.log(
    'patchbay: the desktop app (Electron) cannot run on this machine; opening the editor through `patchbay serve`.',
  )
  console.log('patchbay: open the URL below in a browser (Ctrl-C stops it). Applying a lab needs root.')
  run(process.execPath, [join(root, 'bin', 'patchbay.js'), 'serve', ...process.argv.slice(2)])
}
