#!/usr/bin/env node
// `npm start`: the desktop app where the Electron binary is there; where it is not (it cannot be
// downloaded on machines without internet), the same editor in a browser through
// `patchbay serve`. It says which it does.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * The Electron binary's path. The electron package fetches it on first use; that is tried here
 * with its output kept to one line, since on a machine without internet it fails with a trace.
 */
function electronBinary() {
  let dir
  try {
    dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
  } catch {
    return null // not installed (npm ci --omit=dev)
  }
  const installed = () => {
    try {
      const path = join(dir, 'dist', readFileSync(join(dir, 'path.txt'), 'utf8').trim())
      return existsSync(path) ? path : null
    } catch {
      return null
    }
  }
  if (installed()) return installed()
  process.stdout.write('patchbay: fetching the Electron binary (first start)... ')
  const fetched = spawnSync(process.execPath, [join(dir, 'install.js')], {
    encoding: 'utf8',
    timeout: 180_000,
  })
  const found = installed()
  const why = `${fetched.stderr ?? ''}`
    .split('\n')
    .find((line) => /error|failed/i.test(line))
    ?.trim()
  console.log(found ? 'done' : `not possible here (${why || 'no answer'})`)
  return found
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
  run(electron, [root, ...process.argv.slice(2)])
} else {
  console.log(
    'patchbay: the desktop app (Electron) cannot run on this machine; opening the editor through `patchbay serve`.',
  )
  console.log('patchbay: open the URL below in a browser (Ctrl-C stops it). Applying a lab needs root.')
  run(process.execPath, [join(root, 'bin', 'patchbay.js'), 'serve', ...process.argv.slice(2)])
}
