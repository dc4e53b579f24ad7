// DHCP clients of guest links with ip: dhcp: started in the guest once its links are up, and
// stopped when the link goes or the guest's namespace changes.
//
// Stopping a DHCP client: SIGTERM makes udhcpc (-R) release its lease and exit, in its own time.
// The next steps (deleting its interface, starting a new client that writes the same pid file)
// must wait until it has: a second op waits for the process to end, at most 5 s.
import type { PlanPart } from './context.ts'
import { enterGuest, type GuestLinkScope } from './guest-link-scope.ts'
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

/** Starts the link's DHCP client when it has ip: dhcp and none runs for it in its guest's namespace. */
export function planDhcpClient(scope: GuestLinkScope, part: PlanPart): void {
  const { ops, problem } = dhcpStart(scope)
  part.ops.push(...ops)
  if (problem) part.problems.push({ kind: 'capability', field: scope.field, message: problem })
}

/**
 * ip: dhcp: a udhcpc in the guest, kept running for renewals and told to release on exit, with
 * patchbay's event script (bin/dhcp-event.js), which never touches the host's resolv.conf.
 */
function dhcpStart(scope: GuestLinkScope): { ops: Op[]; problem: string | null } {
  const { ctx, link, linkId, ifname, seen, op } = scope
  if (link.ip !== 'dhcp') return { ops: [], problem: null }
  const client = ctx.observed.capabilities.dhcpClient
  if (link.dhcpClient !== undefined && link.dhcpClient !== 'udhcpc') {
    return {
      ops: [],
      problem: `link ${linkId} asks for ${link.dhcpClient}; this version of the engine runs udhcpc`,
    }
  }
  if (!client || !ctx.dhcp) {
    return {
      ops: [],
      problem: `link ${linkId} asks for DHCP, and this host has no udhcpc (packages udhcpc or busybox)`,
    }
  }
  const running = ctx.observed.dhcpClients.find((c) => c.linkId === linkId)
  // A client left in a restarted container's old namespace keeps that namespace (and the old
  // cable) alive, and leases nothing for the new one: it goes, and a new one starts.
  const stale = running?.netns !== undefined && seen?.netnsId !== undefined && running.netns !== seen.netnsId
  if (running && !stale) return { ops: [], problem: null }
  const stop = running
    ? stopDhcpClient(
        ctx.host,
        linkId,
        running.pid,
        `the DHCP client of ${linkId} runs in the namespace its guest had before a restart`,
      )
    : []
  const { dir, script } = ctx.dhcp
  const argv = [
    ...enterGuest(scope),
    'env',
    `PATCHBAY_LEASE_FILE=${dir}/${linkId}.json`,
    ...client,
    '-i',
    ifname,
    '-s',
    script,
    '-p',
    `${dir}/${linkId}.pid`,
    '-R',
    '-n',
    '-t',
    '10',
    '-T',
    '1',
    '-A',
    '2',
    '-x',
    `hostname:${link.guest}`,
  ]
  return {
    ops: [
      ...stop,
      op({
        action: 'dhcp.start',
        phase: Phase.leases,
        exec: { tool: 'cmd', argv },
        inverse: null,
        why: `${linkId} gets its address by DHCP`,
        implies: 'drifted',
      }),
    ],
    problem: null,
  }
}
