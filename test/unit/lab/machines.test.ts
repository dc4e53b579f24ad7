// Hosts reached over SSH: every part of the destination is checked before anything runs.
import { describe, expect, it } from 'vitest'
import { loadLab } from '../../../shared/lab/load.ts'
import { fieldName } from '../../../shared/lab/problem.ts'
import { machineAddress, sshDestination } from '../../../shared/lab/ssh.ts'

const lab = (hosts: string, rest = '') => `patchbay: 1
name: t
hosts:
${hosts}
nodes:
  ovs1: { kind: ovs-bridge, host: m1 }
  ovs2: { kind: ovs-bridge, host: m2 }
links:
  - { between: [ovs1, ovs2], via: vxlan, vni: 42, trunk: [100] }
${rest}`

const TWO = '  m1: { ssh: root@10.250.0.11 }\n  m2: { ssh: root@10.250.0.12 }'
const errors = (text: string) =>
  loadLab(text)
    .problems.filter((p) => p.severity === 'error')
    .map((p) => `${fieldName(p.path)}: ${p.message}`)

describe('hosts reached over ssh', () => {
  it('accepts the short and the long form, and reads both as one destination', () => {
    const text = lab(
      '  m1: { ssh: root@10.250.0.11 }\n  m2: { ssh: { user: root, host: 10.250.0.12, port: 2222, identityFile: /root/.ssh/k, knownHostsFile: /root/.ssh/kh } }',
    )
    expect(errors(text)).toEqual([])
    const loaded = loadLab(text).lab!
    expect(sshDestination(loaded.hosts!.m1!.ssh!)).toEqual({ user: 'root', host: '10.250.0.11', port: 22 })
    expect(sshDestination(loaded.hosts!.m2!.ssh!)).toEqual({
      user: 'root',
      host: '10.250.0.12',
      port: 2222,
      identityFile: '/root/.ssh/k',
      knownHostsFile: '/root/.ssh/kh',
    })
    expect(machineAddress(loaded, 'm2')).toBe('10.250.0.12')
  })

  it.each([
    ['root@10.0.0.1;reboot', 'is neither an IP address nor a DNS name'],
    ['-oProxyCommand=x@h', 'is not a login name'],
    ['root@-oProxyCommand=x', 'is neither an IP address nor a DNS name'],
    ['10.0.0.1', 'is not user@host'],
    ['root@$(reboot)', 'is neither an IP address nor a DNS name'],
    ['root@host name', 'is neither an IP address nor a DNS name'],
  ])('refuses the destination %s', (target, message) => {
    const found = errors(lab(`  m1: { ssh: ${JSON.stringify(target)} }\n  m2: { ssh: root@10.250.0.12 }`))
    expect(found.join('\n')).toContain(message)
    expect(found.join('\n')).toContain('hosts.m1.ssh')
  })

  it('refuses key paths with % tokens, relative paths and .., and ports out of range', () => {
    const found = errors(
      lab(
        '  m1: { ssh: { user: root, host: a.example, port: 0, identityFile: "/root/%d/k", knownHostsFile: "../kh" } }\n  m2: { ssh: root@10.250.0.12, address: 10.250.0.12 }',
      ),
    )
    expect(found.join('\n')).toContain('ssh port 0 is outside 1-65535')
    expect(found.join('\n')).toContain('"/root/%d/k" is not an absolute path')
    expect(found.join('\n')).toContain('"../kh" is not an absolute path')
    // Reached by name: the tunnel needs its address.
    const named = errors(lab('  m1: { ssh: root@m1.example }\n  m2: { ssh: root@10.250.0.12 }'))
    expect(named).toEqual([
      'links[0].between[0]: machine m1 is reached by name; give its NIC address (hosts: m1: address:) for the tunnel',
    ])
  })

  it('a lab spread over machines places every node on one, has no simulated hosts, and tunnels between them', () => {
    const found = errors(
      `${lab(`${TWO}\n  sim: { netns: true }`)}`.replace(
        '  ovs2: { kind: ovs-bridge, host: m2 }',
        '  ovs2: { kind: ovs-bridge, host: m2 }\n  h: { kind: netns }',
      ),
    )
    expect(found).toContain('hosts.sim: a lab spread over machines (m1, m2) has no simulated hosts')
    expect(found.some((f) => f.startsWith('nodes.h.host: h has no machine'))).toBe(true)
    const cable = errors(lab(TWO).replace('via: vxlan, vni: 42, ', ''))
    expect(cable.join('\n')).toContain('no cable joins two machines, set via: vxlan and vni:')
    const both = errors(lab('  m1: { ssh: root@10.250.0.11, netns: true }\n  m2: { ssh: root@10.250.0.12 }'))
    expect(both).toContain('hosts.m1.netns: a host is simulated (netns: true) or reached over ssh, not both')
  })
})
