// Which processes count as the lab's DHCP client: only udhcpc carrying the pid file it was read from.
import { describe, expect, it } from 'vitest'
import { isLabDhcpClient } from '../../../electron/core/observe/dhcp-clients.ts'

const pidFile = '/var/lib/patchbay/dhcp/lab/n1:eth1.pid'
const ours = ['-i', 'eth1', '-s', '/opt/patchbay/bin/dhcp-event.js', '-p', pidFile, '-R', '-n']
const cmdline = (...argv: string[]) => `${argv.join('\0')}\0`

describe('the lab DHCP client mark', () => {
  it.each([
    ['udhcpc started by the plan', cmdline('udhcpc', ...ours)],
    ["busybox's udhcpc started by the plan", cmdline('busybox', 'udhcpc', ...ours)],
    ['udhcpc by absolute path', cmdline('/usr/sbin/udhcpc', ...ours)],
  ])('counts %s', (_what, text) => {
    expect(isLabDhcpClient(text, pidFile)).toBe(true)
  })

  it.each([
    ['a plain udhcpc of the system', cmdline('udhcpc', '-f', '-i', 'lo')],
    [
      "another link's client",
      cmdline('udhcpc', '-i', 'eth1', '-p', '/var/lib/patchbay/dhcp/lab/n2:eth1.pid'),
    ],
    ['a sleep that calls itself udhcpc', cmdline('udhcpc', 'sleep', '1000')],
    ['a sleep whose argv holds the mark', cmdline('sleep', '1000', 'udhcpc', '-p', pidFile)],
    ['a shell whose argv holds udhcpc', cmdline('sh', '-c', 'sleep 1000', 'udhcpc')],
    ['the pid file as a prefix only', cmdline('udhcpc', '-p', `${pidFile}.x`)],
    ['-p at the end, without a value', cmdline('udhcpc', '-i', 'eth1', '-p')],
    ['no process (empty cmdline)', ''],
    ['a kernel thread', ''],
  ])('ignores %s', (_what, text) => {
    expect(isLabDhcpClient(text, pidFile)).toBe(false)
  })
})
