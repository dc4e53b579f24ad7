#!/usr/bin/env node
// udhcpc's event script for patchbay (udhcpc -s): applies a lease to the interface with `ip` (argv,
// inside the guest's namespace, where udhcpc runs) and records it for `patchbay status`. Unlike
// the distribution's script it never writes /etc/resolv.conf, which inside `nsenter -n` would be
// the host's own.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'

const event = process.argv[2]
const { interface: ifname, ip, mask, router, serverid, PATCHBAY_LEASE_FILE: leaseFile } = process.env
const run = (...args) => execFileSync('ip', args, { stdio: 'inherit' })
const read = (...args) => JSON.parse(execFileSync('ip', ['-j', ...args], { encoding: 'utf8' }) || '[]')
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

/**
 * udhcpc -R sends its release, then calls "deconfig" at once. The release is unicast: if the
 * server's MAC is not known yet, the packet waits for ARP, and flushing the address (or deleting
 * the interface right after udhcpc exits) loses it. Wait, at most half a second, until it is known.
 */
function letTheReleaseGo() {
  if (!leaseFile || read('-4', 'addr', 'show', 'dev', ifname).every((i) => !i.addr_info?.length)) return
  let server
  try {
    server = JSON.parse(readFileSync(leaseFile, 'utf8')).server
  } catch {
    return // no lease recorded: nothing to release
  }
  if (!server) return
  for (let waited = 0; waited < 500; waited += 10) {
    const entry = read('neigh', 'show', 'to', server, 'dev', ifname)[0]
    if (entry && !entry.state?.includes('INCOMPLETE')) return
    sleep(10)
  }
}

if (ifname && (event === 'deconfig' || event === 'leasefail')) {
  if (event === 'deconfig') letTheReleaseGo()
  run('-4', 'addr', 'flush', 'dev', ifname)
}
if (ifname && ip && (event === 'bound' || event === 'renew')) {
  run('-4', 'addr', 'flush', 'dev', ifname)
  run('addr', 'add', `${ip}/${mask || 24}`, 'dev', ifname)
  const gateway = router?.split(' ')[0]
  if (gateway) run('route', 'replace', 'default', 'via', gateway, 'dev', ifname)
  if (leaseFile)
    writeFileSync(
      leaseFile,
      `${JSON.stringify({ event, ifname, address: `${ip}/${mask || 24}`, router: gateway ?? null, server: serverid ?? null, at: new Date().toISOString() })}\n`,
    )
}
