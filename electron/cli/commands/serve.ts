import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { createEngine } from '../../core/create-engine.ts'
import { LabFiles } from '../../core/lab-files.ts'
import { packageRoot } from '../../core/package-root.ts'
import { engineService } from '../../core/service.ts'
import { serve } from '../../serve/server.ts'
import type { CliIo } from '../io.ts'

/** The built renderer, when there is one (`npm run build:renderer`). */
const RENDERER_DIR = join(packageRoot(import.meta.url), 'dist', 'renderer')

/**
 * serve is a long-lived process that any page in the user's browser can send requests to: a failure
 * nobody foresaw, in a handler or a watcher, is logged and the server goes on, rather than ending
 * every open editor and an apply half way. Only in this process, never in library code, which must
 * let its callers see its errors. Returns the function that takes the guard away.
 */
export function keepServing(io: CliIo): () => void {
  const log = (what: string) => (e: unknown) =>
    io.stderr(
      `patchbay serve: ${what}, still serving: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    )
  const onException = log('uncaught exception')
  const onRejection = log('unhandled rejection')
  process.on('uncaughtException', onException)
  process.on('unhandledRejection', onRejection)
  return () => {
    process.off('uncaughtException', onException)
    process.off('unhandledRejection', onRejection)
  }
}

/**
 * `patchbay serve [LAB] [--dir DIR]`: the editor's API (and the editor, once built) on 127.0.0.1,
 * until interrupted. The page may open and save LAB, and `.yaml` files under DIR; nothing else.
 */
export async function serveCommand(
  io: CliIo,
  lab: string | undefined,
  options: { port?: string; dir?: string },
): Promise<ExitCode> {
  const port = options.port === undefined ? 0 : Number(options.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr(`patchbay: --port ${JSON.stringify(options.port)} is not a port number\n`)
    return ExitCode.invalid
  }
  let files: LabFiles
  try {
    if (options.dir !== undefined && !statSync(options.dir, { throwIfNoEntry: false })?.isDirectory())
      throw new Error(`--dir ${JSON.stringify(options.dir)} is not a folder`)
    files = new LabFiles({
      ...(lab !== undefined ? { file: lab } : {}),
      ...(options.dir !== undefined ? { dir: options.dir } : {}),
    })
  } catch (e) {
    const why =
      (e as NodeJS.ErrnoException).code === 'ENOENT'
        ? `the folder of ${lab} does not exist`
        : (e as Error).message
    io.stderr(`patchbay: ${why}\n`)
    return ExitCode.invalid
  }
  let stop = () => {}
  const stopped = new Promise<void>((resolve) => {
    stop = resolve
  })
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  const unguard = keepServing(io)
  // PATCHBAY_SERVE_TOKEN: a token chosen by the caller (bin/dev.js); otherwise a fresh one.
  const token = process.env.PATCHBAY_SERVE_TOKEN
  const running = await serve({
    service: engineService(createEngine(), { files }),
    port,
    ...(token ? { token } : {}),
    ...(existsSync(RENDERER_DIR) ? { staticDir: RENDERER_DIR } : {}),
  })
  io.stdout(`${running.url}\n`)
  if (files.opened) io.stderr(`patchbay: editing ${files.opened}\n`)
  await stopped
  await running.close()
  process.off('SIGINT', stop)
  process.off('SIGTERM', stop)
  unguard()
  return ExitCode.ok
}
