// Stopping a DHCP client: SIGTERM makes udhcpc (-R) release its lease and exit, in its own time.
// The next steps (deleting its interface, starting a new client that writes the same pid file)
// must wait until it has: a second op waits for the process to end, at most 5 s.
import { linkOps, type Op, Phase } from './op.ts'

export function stopDhcpClient(host: string, linkId: string, pid: number, why: string): Op[] {
  const release = linkOps({ stem: linkId, host, linkId })
  const op = (suffix: string, argv: string[], opWhy: string): Op =>
    release({
      action: 'dhcp.release',
      phase: Phase.releaseLeases,
      exec: { tool: 'cmd', argv },
      inverse: null,
      why: opWhy,
      implies: 'drifted',
      suffix: suffix,
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
