import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { broadcastDomains } from '../../../shared/l2/domains.ts'
import { checkLab } from '../../../shared/lab/check.ts'
import type { GuestLink, Lab } from '../../../shared/lab/schema.ts'
import { exportPipework } from '../../../shared/pipework/export.ts'
import { importPipework } from '../../../shared/pipework/import.ts'
import { readPipeworkScript } from '../../../shared/pipework/script.ts'
import { readScenario } from '../../support/scenarios.ts'

const importText = (text: string) => {
  const script = readPipeworkScript(text)
  return { script, ...importPipework(script.lines, 'imported') }
}

describe('pipework scripts', () => {
  it("imports the seeds' script into the single-host VLAN lab", () => {
    const { script, lab, problems } = importText(readScenario('pipework-seed.sh'))
    expect(script.problems).toEqual([])
    expect(problems).toEqual([])
    expect(lab.nodes).toEqual({
      ovs0: { kind: 'ovs-bridge' },
      test1: { kind: 'container' },
      test2: { kind: 'container' },
      test3: { kind: 'container' },
      test4: { kind: 'container' },
    })
    expect(lab.links!.map((l) => [(l as GuestLink).guest, (l as GuestLink).vlan])).toEqual([
      ['test1', 100],
      ['test2', 100],
      ['test3', 200],
      ['test4', 200],
    ])
    const domains = broadcastDomains(checkLab(lab).lab!).domains.map((d) => [d.vlan, d.members])
    expect(domains).toEqual([
      [100, ['test1:eth1', 'test2:eth1']],
      [200, ['test3:eth1', 'test4:eth1']],
    ])
  })

  it('reads sudo, paths, quotes, comments and continuations the way a shell would', () => {
    const { lines, problems } = readPipeworkScript(
      '#!/bin/sh\n# comment\nsudo pipework br1 c1 10.0.0.1/24\n/usr/local/bin/pipework "br1" \\\n  c2 10.0.0.2/24 # trailing\n\n./pipework br1 c3 dhcp\n',
    )
    expect(problems).toEqual([])
    expect(lines).toEqual([
      { line: 3, argv: ['br1', 'c1', '10.0.0.1/24'] },
      { line: 4, argv: ['br1', 'c2', '10.0.0.2/24'] },
      { line: 7, argv: ['br1', 'c3', 'dhcp'] },
    ])
  })

  it.each([
    ['pipework ovs0 c1 10.0.0.1/24; reboot', 'shell operator ";"'],
    ['pipework ovs0 c1 10.0.0.1/24 && reboot', 'shell operator "&&"'],
    ['pipework ovs0 c1 10.0.0.1/24 | sh', 'shell operator "|"'],
    ['pipework ovs0 c1 10.0.0.1/24 > /etc/passwd', 'shell operator ">"'],
    ['pipework ovs0 $C 10.0.0.1/24', 'variables are not expanded: $C'],
    ['pipework ovs0 $(id) 10.0.0.1/24', 'command substitution $(…) is not run'],
    ['pipework ovs* c1 10.0.0.1/24', 'globs are not expanded: ovs*'],
    ['docker run -d busybox', '"docker" is not pipework'],
  ])('refuses %s with its line number', (line, message) => {
    const { lines, problems } = readPipeworkScript(`# first\n${line}\n`)
    expect(lines).toEqual([])
    expect(problems).toEqual([{ line: 2, message: expect.stringContaining(message) }])
  })

  it('merges a second address for the same interface and leaves route lines out, saying so', () => {
    const { lab, problems } = importText(
      'pipework br0 c1 10.0.0.1/24\npipework br0 c1 10.0.1.1/24\npipework route c1 add default via 10.0.0.254\n',
    )
    expect(lab.links).toEqual([{ guest: 'c1', to: 'br0', ip: ['10.0.0.1/24', '10.0.1.1/24'] }])
    expect(problems).toEqual([
      { line: 3, message: 'pipework route lines are not part of a lab file; left out' },
    ])
  })

  it('exports wires, extra addresses and MTU as comments, never silently', () => {
    const lab = checkLab({
      patchbay: 1,
      name: 'x',
      nodes: {
        s1: { kind: 'ovs-bridge' },
        s2: { kind: 'ovs-bridge' },
        c: { kind: 'netns' },
        nic: { kind: 'uplink', interface: 'eth0' },
      },
      links: [
        { guest: 'c', to: 's1', ip: ['10.0.0.1/24', '2001:db8::1/64'], mtu: 1400, vlan: 5 },
        { guest: 'c', to: 'nic', ifname: 'eth2', ip: '192.168.1.9/24', gateway: '192.168.1.1', mac: 'U:c' },
        { between: ['s1', 's2'], trunk: [5, 6] },
      ],
    }).lab!
    expect(exportPipework(lab)).toEqual([
      'pipework s1 c 10.0.0.1/24 @5',
      '# not expressible in pipework: c:eth1 also has 2001:db8::1/64',
      '# not expressible in pipework: c:eth1 has MTU 1400',
      'pipework eth0 -i eth2 c 192.168.1.9/24@192.168.1.1 U:c',
      '# not expressible in pipework: a wire between s1 and s2 carrying VLANs 5,6',
    ])
  })
})

const name = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/)
const guestLink = fc
  .record({
    guest: name,
    bridge: fc
      .tuple(fc.constantFrom('ovs', 'br'), fc.integer({ min: 0, max: 9 }))
      .map(([k, n]) => `${k}${n}`),
    ifname: fc.option(fc.constantFrom('eth1', 'eth2', 'net0'), { nil: undefined }),
    hostIfname: fc.option(
      name.map((n) => `v${n}`),
      { nil: undefined },
    ),
    net: fc.tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 0, max: 255 })),
    host: fc.integer({ min: 1, max: 250 }),
    gateway: fc.boolean(),
    dhcp: fc.boolean(),
    mac: fc.option(
      fc.oneof(
        name.map((n) => `U:${n}`),
        fc.constantFrom('02:42:ac:11:00:02', '0a:00:00:00:00:01'),
      ),
      { nil: undefined },
    ),
    vlan: fc.option(fc.integer({ min: 1, max: 4094 }), { nil: undefined }),
  })
  .map((g): GuestLink => {
    const [a, b] = g.net
    return {
      guest: `g${g.guest}`,
      to: g.bridge,
      ...(g.ifname && g.ifname !== 'eth1' ? { ifname: g.ifname } : {}),
      ...(g.hostIfname ? { hostIfname: g.hostIfname } : {}),
      ...(g.dhcp ? { ip: 'dhcp' as const } : { ip: `${a}.${b}.0.${g.host}/24` }),
      ...(!g.dhcp && g.gateway ? { gateway: `${a}.${b}.0.${g.host === 254 ? 253 : 254}` } : {}),
      ...(g.mac ? { mac: g.mac } : {}),
      ...(g.vlan ? { vlan: g.vlan } : {}),
    }
  })

describe('export then import', () => {
  it('gives back the same links', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(guestLink, { selector: (l) => l.guest, minLength: 1, maxLength: 6 }),
        (links) => {
          const nodes: Lab['nodes'] = {}
          for (const l of links) {
            nodes[l.to] = { kind: l.to.startsWith('ovs') ? 'ovs-bridge' : 'linux-bridge' }
            nodes[l.guest] = { kind: 'container' }
          }
          const lab: Lab = { patchbay: 1, name: 'roundtrip', nodes, links }
          const text = exportPipework(lab).join('\n')
          const back = importText(text)
          expect(back.script.problems).toEqual([])
          expect(back.problems).toEqual([])
          expect(back.lab.links).toEqual(links)
          expect(back.lab.nodes).toEqual(nodes)
        },
      ),
      { numRuns: 300 },
    )
  })
})
