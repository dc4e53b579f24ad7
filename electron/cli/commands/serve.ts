import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { createEngine } from '../../core/create-engine.ts'
import { packageRoot } from '../../core/package-root.ts'
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

/** `patchbay serve`: the editor's API (and the editor, once built) on 127.0.0.1, until interrupted. */
export async function serveCommand(io: CliIo, options: { port?: string }): Promise<ExitCode> {
  const port = options.port === undefined ? 0 : Number(options.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr(`patchbay: --port ${JSON.stringify(options.port)} is not a port number\n`)
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
    engine: createEngine(),
    port,
    ...(token ? { token } : {}),
    ...(existsSync(RENDERER_DIR) ? { staticDir: RENDERER_DIR } : {}),
  })
  io.stdout(`${running.url}\n`)
  await stopped
  await running.close()
  process.off('SIGINT', stop)
  process.off('SIGTERM', stop)
  unguard()
  return ExitCode.ok
}
