#!/usr/bin/env node
// udhcpc's event script for patchbay (udhcpc -s): applies a lease to the interface with `ip` (argv,
// inside the guest's namespace, where udhcpc runs) and records it for `patchbay status`. Unlike
// the distribution's script it never writes /etc/resolv.conf, which inside `nsenter -n` would be
// the host's own.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'

const event = process.argv[2]
// What the DHCP server sent is as hostile as the server: only plain IPv4 addresses and a prefix
// length get through to `ip` (as arguments, never a shell) and to the lease file status prints.
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/
const ipv4 = (text) => (text && IPV4.test(text) ? text : undefined)
const env = process.env
const ifname = /^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,14}$/.test(env.interface ?? '') ? env.interface : undefined
const ip = ipv4(env.ip)
const mask = /^([0-9]|[12][0-9]|3[0-2])$/.test(env.mask ?? '') ? env.mask : undefined
const router = ipv4(env.router?.split(' ')[0])
const serverid = ipv4(env.serverid)
const leaseFile = env.PATCHBAY_LEASE_FILE
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
  const gateway = router
  if (gateway) run('route', 'replace', 'default', 'via', gateway, 'dev', ifname)
  if (leaseFile)
    writeFileSync(
      leaseFile,
      `${JSON.stringify({ event, ifname, address: `${ip}/${mask || 24}`, router: gateway ?? null, server: serverid ?? null, at: new Date().toISOString() })}\n`,
    )
}
