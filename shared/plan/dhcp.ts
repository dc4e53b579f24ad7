// Stopping a DHCP client: SIGTERM makes udhcpc (-R) release its lease and exit, in its own time.
// The next steps (deleting its interface, starting a new client that writes the same pid file)
// must wait until it has: a second op waits for the process to end, at most 5 s.
import type { Op } from './op.ts'
import { Phase } from './op.ts'

export function stopDhcpClient(host: string, linkId: string, pid: number, why: string): Op[] {
  const op = (suffix: string, argv: string[], opWhy: string): Op => ({
    id: `dhcp.release:${linkId}${suffix}`,
    host,
    phase: Phase.releaseLeases,
    action: 'dhcp.release',
    exec: { tool: 'cmd', argv },
    inverse: null,
    pipework: null,
    why: opWhy,
    linkId,
  })
  return [
    op('', ['kill', '-TERM', String(pid)], why),
    op(
      ':exited',
      ['timeout', '5', 'tail', `--pid=${pid}`, '-f', '/dev/null'],
      'wait until that client has exited',
    ),
  ]
}
