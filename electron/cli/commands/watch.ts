import type { WatchEvent } from '../../../shared/api/contract.ts'
import { ExitCode } from '../../../shared/api/exit-codes.ts'
import { createEngine } from '../../core/create-engine.ts'
import { engineService, failureOf } from '../../core/service.ts'
import { labOrExit } from '../engine-input.ts'
import type { CliIo } from '../io.ts'

function describe(event: WatchEvent): string {
  const time = new Date(event.at).toISOString().slice(11, 23)
  switch (event.type) {
    case 'link': {
      const { link } = event
      const change =
        event.previous && event.previous !== link.state ? `${event.previous} -> ${link.state}` : link.state
      const detail = [link.operState && `oper ${link.operState}`, link.addresses?.join(' '), ...link.reasons]
        .filter(Boolean)
        .join('; ')
      return `${time} link ${link.id} ${change}${detail ? `  (${detail})` : ''}`
    }
    case 'container':
      return `${time} container ${event.node} ${event.action}`
    case 'counters':
      return `${time} counters ${event.linkId} rx ${event.rxBytes} B (${event.rxRate} B/s) tx ${event.txBytes} B (${event.txRate} B/s)`
    case 'notice':
      return `${time} notice ${event.message}`
    case 'heal':
      return `${time} heal ${event.node}: ${event.ok ? `${event.ops} ops in ${event.ms} ms` : `failed: ${event.error}`}`
    case 'machine':
      return `${time} machine ${event.machine} ${event.reachable ? 'reachable' : `unreachable: ${event.why ?? '?'}`}`
  }
}

/** `patchbay watch LAB`: live link-state events until interrupted; `--heal` re-attaches restarted containers. */
export async function watchCommand(
  io: CliIo,
  path: string,
  options: { json?: boolean; heal?: boolean; onlyHeals?: boolean; counters?: boolean },
): Promise<ExitCode> {
  const lab = await labOrExit(io, path)
  if (typeof lab === 'number') return lab
  // Listening before starting, so an early signal still stops the monitors; with `on`, not `once`:
  // execa's exit handler re-raises a signal that nobody else listens to any more.
  let stop = () => {}
  const stopped = new Promise<void>((resolve) => {
    stop = resolve
  })
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  const stream = engineService(createEngine()).watch(
    lab,
    (event) => {
      // The service's log: what it healed, and when a source of live state went away or came back.
      if (options.onlyHeals && !['heal', 'notice', 'machine'].includes(event.type)) return
      io.stdout(`${options.json ? JSON.stringify(event) : describe(event)}\n`)
    },
    { heal: options.heal === true, counters: options.counters === true },
  )
  let code: ExitCode = ExitCode.ok
  try {
    await stream.ready
    await stopped
  } catch (e) {
    io.stderr(`patchbay: watch: ${failureOf(e).error}\n`)
    code = ExitCode.differs
  } finally {
    stream.stop()
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
  }
  return code
}

/** `patchbay heal LAB`: the service form of `watch --heal`, printing only what it healed. */
export const healCommand = (io: CliIo, path: string, options: { json?: boolean }): Promise<ExitCode> =>
  watchCommand(io, path, { ...options, heal: true, onlyHeals: true })
