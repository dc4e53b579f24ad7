#!/usr/bin/env node
// udhcpc's event script for patchbay (udhcpc -s): applies a lease to the interface with `ip` (argv,
// inside the guest's namespace, where udhcpc runs) and records it for `patchbay status`. Unlike
// the distribution's script it never writes /etc/resolv.conf, which inside `nsenter -n` would be
// the host's own.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'

const event = process.argv[2]
const { interface: ifname, ip, mask, router, PATCHBAY_LEASE_FILE: leaseFile } = process.env
const run = (...args) => execFileSync('ip', args, { stdio: 'inherit' })

if (ifname && (event === 'deconfig' || event === 'leasefail')) {
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
      `${JSON.stringify({ event, ifname, address: `${ip}/${mask || 24}`, router: gateway ?? null, at: new Date().toISOString() })}\n`,
    )
}
