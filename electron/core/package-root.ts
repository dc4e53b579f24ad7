// Files that ship beside the code (bin/dhcp-event.js, dist/renderer) are found from the package's
// root, so the same code works from its sources (tsx) and from a bundle in dist/.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The nearest directory at or above `moduleUrl`'s that holds a package.json. */
export function packageRoot(moduleUrl: string): string {
  let dir = dirname(fileURLToPath(moduleUrl))
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(moduleUrl)}`)
    dir = up
  }
  return dir
}

/** The package root, or (a helper copied alone to a machine, with no package around it) its folder. */
export function packageRootOrOwnDir(moduleUrl: string): string {
  try {
    return packageRoot(moduleUrl)
  } catch {
    return dirname(fileURLToPath(moduleUrl))
  }
}
