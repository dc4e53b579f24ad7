// `patchbay serve FILE` started as a user starts it (the real CLI, a process of its own), for the
// e2e tests that open a lab given on serve's command line.
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

const ROOT = join(import.meta.dirname, '..', '..')

/** Starts `patchbay serve FILE` and answers the URL it prints. */
export async function serveFile(file: string): Promise<{ process: ChildProcess; url: string }> {
  const child = spawn('node', [join(ROOT, 'bin', 'patchbay.js'), 'serve', file], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (d) => {
    stderr += String(d)
  })
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve)
    child.once('exit', (code) =>
      reject(new Error(`patchbay serve ended (${code}) before serving: ${stderr}`)),
    )
  })
  return { process: child, url }
}
