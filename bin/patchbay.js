#!/usr/bin/env node
// The `patchbay` command. After `npm run build` it loads the CLI bundle (dist/cli/patchbay.mjs),
// which starts in a tenth of the time; when there is none, or a source file is newer than it, tsx
// compiles the TypeScript sources on load, so `npx patchbay` works right after `npm ci`.
import { readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bundle = join(root, 'dist', 'cli', 'patchbay.mjs')

/** Is any .ts file under `dir` newer than `than` (ms)? */
function newerSource(dir, than) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory() ? newerSource(path, than) : path.endsWith('.ts') && statSync(path).mtimeMs > than)
      return true
  }
  return false
}

function bundleIsFresh() {
  try {
    const built = statSync(bundle).mtimeMs
    return !newerSource(join(root, 'electron'), built) && !newerSource(join(root, 'shared'), built)
  } catch {
    return false // not built
  }
}

let main
if (bundleIsFresh()) ({ main } = await import(pathToFileURL(bundle).href))
else {
  const { register } = await import('tsx/esm/api')
  register()
  ;({ main } = await import('../electron/cli/main.ts'))
}
process.exitCode = await main(process.argv.slice(2))
