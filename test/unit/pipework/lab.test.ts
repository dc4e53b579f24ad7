// Scripts → labs → pipework lines: the seeds' script, node kinds, second addresses, what export
// says it cannot express, and a round trip over bridges, uplinks, IPv4 and IPv6.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkLab } from '../../../shared/lab/check.ts'
import type { GuestLink, Lab } from '../../../shared/lab/schema.ts'
import { exportPipework, importPipework, tokenizeScript } from '../../../shared/pipework/index.ts'
import { readScenario } from '../../support/scenarios.ts'

const lines = (text: string) => {
  const result = tokenizeScript(text)
  if (!Array.isArray(result)) throw new Error(JSON.stringify(result.problems))
  return result
}

describe('tokenizeScript', () => {
  it("reads the seeds' script into four argv arrays with their line numbers", () => {
    expect(lines(readScenario('pipework-seed.sh'))).toEqual([
      { line: 5, argv: ['ovs0', 'test1', '192.168.0.1/24', '@100'] },
      { line: 6, argv: ['ovs0', 'test2', '192.168.0.2/24', '@100'] },
      { line: 7, argv: ['ovs0', 'test3', '192.168.0.3/24', '@200'] },
      { line: 8, argv: ['ovs0', 'test4', '192.168.0.4/24', '@200'] },
    ])
  })

  it('joins a continuation exactly as sh does, with nothing in between', () => {
    expect(lines('pipework br0 c1 10.0.0.\\\n1/24 \\\n  @7\n')).toEqual([
      { line: 1, argv: ['br0', 'c1', '10.0.0.1/24', '@7'] },
    ])
  })

  it.each([
    ['pipework br0 c1 10.0.0.1/24 U:a#b', '"#" inside a word ("U:a#b")'],
    ['pipework br0 `id` 10.0.0.1/24', 'command substitution `…` is not run: "`id`"'],
    ['pipework br0 "c1`id`" 10.0.0.1/24', '"c1`id`"'],
    ['pipework br0 c1 10.0.0.1/24 && pipework br0 c2 10.0.0.2/24', 'shell operator "&&"'],
    ['ip link add br0 type bridge', '"ip" is not pipework'],
    ['pipework br0 c1 10.0.0.1/24 >>log', 'shell operator ">>"'],
    ['pipework br0 c1 10.0.0.1/24 U:$SEED', 'variables are not expanded: $SEED'],
  ])('refuses %s, with the line number', (line, message) => {
    expect(tokenizeScript(`#!/bin/sh\n\n${line}\npipework br0 ok 10.0.0.9/24\n`)).toEqual({
      problems: [{ line: 3, message: expect.stringContaining(message) }],
    })
  })
})

describe('importPipework', () => {
  it("turns the seeds' script into the single-host VLAN lab, which passes checkLab", () => {
    const { lab, problems } = importPipework(lines(readScenario('pipework-seed.sh')), 'seed')
    expect(problems).toEqual([])
    const link = (guest: string, n: number, vlan: number) => ({
      guest,
      to: 'ovs0',
      ip: `192.168.0.${n}/24`,
      vlan,
    })
    expect(lab).toEqual({
      patchbay: 1,
      name: 'seed',
      nodes: {
        ovs0: { kind: 'ovs-bridge' },
        test1: { kind: 'container' },
        test2: { kind: 'container' },
        test3: { kind: 'container' },
        test4: { kind: 'container' },
      },
      links: [link('test1', 1, 100), link('test2', 2, 100), link('test3', 3, 200), link('test4', 4, 200)],
    })
    // Valid; the one remark is the seeds' own design: one subnet split over VLANs 100 and 200.
    const checked = checkLab(lab)
    expect(checked.lab).toEqual(lab)
    expect(checked.problems.map((p) => [p.severity, p.message])).toEqual([
      [
        'warning',
        'subnet 192.168.0.0/24 is split over 2 broadcast domains (ovs0/100, ovs0/200): addresses in one cannot reach the others',
      ],
    ])
  })

  it('names uplinks by interface or MAC and keeps -i, -l, the DHCP client and --direct-phys', () => {
    const { lab, problems } = importPipework(
      lines(
        [
          'pipework br1 -i eth2 -l vbr1c1 c1 udhcpc',
          'pipework eth0 c2 192.168.1.50/24@192.168.1.1 U:c2@10',
          'pipework mac:00:1b:21:aa:bb:cc c3 dhcp',
          'pipework --direct-phys eth3 c4 172.16.0.4/16',
        ].join('\n'),
      ),
      'kinds',
    )
    expect(problems).toEqual([])
    expect(lab.nodes).toEqual({
      br1: { kind: 'linux-bridge' },
      c1: { kind: 'container' },
      eth0: { kind: 'uplink', interface: 'eth0' },
      c2: { kind: 'container' },
      'nic-001b21aabbcc': { kind: 'uplink', mac: '00:1b:21:aa:bb:cc' },
      c3: { kind: 'container' },
      eth3: { kind: 'uplink', interface: 'eth3' },
      c4: { kind: 'container' },
    })
    expect(lab.links).toEqual([
      { guest: 'c1', to: 'br1', ifname: 'eth2', hostIfname: 'vbr1c1', ip: 'dhcp', dhcpClient: 'udhcpc' },
      { guest: 'c2', to: 'eth0', ip: '192.168.1.50/24', gateway: '192.168.1.1', mac: 'U:c2', vlan: 10 },
      { guest: 'c3', to: 'nic-001b21aabbcc', ip: 'dhcp' },
      { guest: 'c4', to: 'eth3', ip: '172.16.0.4/16', directPhys: true },
    ])
    expect(checkLab(lab).problems).toEqual([])
  })

  it('merges a second address (and its gateway) for the same interface when nothing else differs', () => {
    const { lab, problems } = importPipework(
      lines('pipework ovs0 c1 10.0.0.1/24@10.0.0.254 @5\npipework ovs0 -a 6 c1 fd00::1/64@fd00::fe @5\n'),
      'merge',
    )
    expect(problems).toEqual([])
    expect(lab.links).toEqual([
      {
        guest: 'c1',
        to: 'ovs0',
        ip: ['10.0.0.1/24', 'fd00::1/64'],
        gateway: ['10.0.0.254', 'fd00::fe'],
        vlan: 5,
      },
    ])
    expect(checkLab(lab).problems).toEqual([])
  })

  it('refuses, naming both lines, a second line for one interface that would lose a setting', () => {
    const { lab, problems } = importPipework(
      lines(
        [
          'pipework ovs0 c1 10.0.0.1/24@10.0.0.254 @5',
          'pipework ovs0 c1 10.0.1.1/24 @6',
          'pipework ovs1 c1 10.0.2.1/24 @5',
          'pipework ovs0 c1 10.0.3.1/24@10.0.3.254 @5',
          'pipework ovs0 c1 dhcp',
        ].join('\n'),
      ),
      'clash',
    )
    expect(problems).toEqual([
      { line: 2, message: 'c1:eth1 is already attached on line 1: this line gives vlan 6, that one 5' },
      {
        line: 3,
        message: 'c1:eth1 is already attached on line 1: this line gives to "ovs1", that one "ovs0"',
      },
      { line: 4, message: 'c1:eth1 is already attached on line 1: it already has gateway 10.0.0.254' },
      {
        line: 5,
        message:
          'c1:eth1 is already attached on line 1: only a second static address can be added to it, not dhcp',
      },
    ])
    // A refused line leaves no node behind either.
    expect(Object.keys(lab.nodes)).toEqual(['ovs0', 'c1'])
    expect(lab.links).toEqual([
      { guest: 'c1', to: 'ovs0', ip: '10.0.0.1/24', gateway: '10.0.0.254', vlan: 5 },
    ])
  })

  it('leaves route, rule, tc and --wait lines out, saying so with their line', () => {
    const { lab, problems } = importPipework(
      lines(
        'pipework --wait\npipework tc c1 qdisc add dev eth1 root netem delay 5ms\npipework rule c1 add table 5\n',
      ),
      'extra',
    )
    expect(lab.links).toEqual([])
    expect(problems).toEqual([
      { line: 1, message: 'pipework wait lines are not part of a lab file; left out' },
      { line: 2, message: 'pipework tc lines are not part of a lab file; left out' },
      { line: 3, message: 'pipework rule lines are not part of a lab file; left out' },
    ])
  })
})

describe('exportPipework', () => {
  it('writes the lines pipework users know, and a comment for each thing it cannot say', () => {
    const lab = checkLab({
      patchbay: 1,
      name: 'export',
      nodes: {
        ovs0: { kind: 'ovs-bridge', ip: '10.0.0.253/24' },
        br0: { kind: 'linux-bridge' },
        test1: { kind: 'container' },
        test2: { kind: 'container' },
        nic: { kind: 'uplink', mac: '00:1b:21:aa:bb:cc' },
      },
      links: [
        {
          guest: 'test1',
          to: 'ovs0',
          ifname: 'eth2',
          ip: '10.0.0.1/24',
          gateway: '10.0.0.254',
          mac: '02:aa:bb:cc:dd:ee',
          vlan: 100,
        },
        { guest: 'test1', to: 'ovs0', ip: '10.0.0.2/24', vlan: 100 },
        { guest: 'test2', to: 'br0', ip: 'dhcp' },
        { guest: 'test2', to: 'br0', ifname: 'eth2', ip: 'dhcp', dhcpClient: 'dhclient' },
        {
          guest: 'test2',
          to: 'nic',
          ifname: 'eth3',
          hostIfname: 'mv3',
          ip: ['2001:db8::5/64', '192.168.9.7/24'],
          gateway: ['2001:db8::1', '192.168.9.1'],
        },
        { between: ['ovs0', 'br0'], vlan: 100 },
      ],
    }).lab!
    expect(exportPipework(lab)).toEqual([
      'pipework ovs0 -i eth2 test1 10.0.0.1/24@10.0.0.254 02:aa:bb:cc:dd:ee@100',
      'pipework ovs0 test1 10.0.0.2/24 @100',
      'pipework br0 test2 dhcp',
      'pipework br0 -i eth2 test2 dhclient',
      'pipework mac:00:1b:21:aa:bb:cc -i eth3 -l mv3 -a 6 test2 2001:db8::5/64@2001:db8::1',
      '# not expressible in pipework: test2:eth3 also has 192.168.9.7/24',
      '# not expressible in pipework: test2:eth3 also has gateway 192.168.9.1',
      '# not expressible in pipework: a wire between ovs0 and br0 on VLAN 100',
      '# not expressible in pipework: bridge ovs0 has address 10.0.0.253/24',
    ])
  })

  it('--direct-phys comes first, before the host interface, as pipework reads it', () => {
    const lab: Lab = {
      patchbay: 1,
      name: 'phys',
      nodes: { eth3: { kind: 'uplink', interface: 'eth3' }, c4: { kind: 'netns' } },
      links: [{ guest: 'c4', to: 'eth3', ip: '172.16.0.4/16', directPhys: true }],
    }
    expect(exportPipework(lab)).toEqual(['pipework --direct-phys eth3 c4 172.16.0.4/16'])
  })
})

// Round trip over every node kind import can produce, IPv4 and IPv6, gateways inside the subnet.
const word = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/)
const hex = (n: number) => n.toString(16)
const link = fc
  .record({
    guest: word.map((w) => `g${w}`),
    target: fc.oneof(
      fc.integer({ min: 0, max: 9 }).map((n) => ({ name: `ovs${n}`, kind: 'ovs-bridge' as const })),
      fc.integer({ min: 0, max: 9 }).map((n) => ({ name: `br${n}`, kind: 'linux-bridge' as const })),
      fc.integer({ min: 0, max: 9 }).map((n) => ({ name: `eth${n}`, kind: 'uplink' as const })),
    ),
    ifname: fc.option(fc.constantFrom('eth1', 'eth2', 'net0', 'lan.5'), { nil: undefined }),
    six: fc.boolean(),
    net: fc.integer({ min: 1, max: 0xfff }),
    host: fc.integer({ min: 1, max: 200 }),
    prefix: fc.integer({ min: 8, max: 24 }),
    gateway: fc.boolean(),
    mac: fc.option(
      fc.oneof(
        word.map((w) => `U:${w}`),
        fc.constant('0e:00:00:00:00:0a'),
      ),
      { nil: undefined },
    ),
    vlan: fc.option(fc.integer({ min: 1, max: 4094 }), { nil: undefined }),
    directPhys: fc.boolean(),
  })
  .map((g): { link: GuestLink; kind: 'ovs-bridge' | 'linux-bridge' | 'uplink' } => {
    const ip = g.six ? `fd00:${hex(g.net)}::${hex(g.host)}/64` : `10.${g.net >> 4}.${g.net & 15}.${g.host}/24`
    const gateway = g.six ? `fd00:${hex(g.net)}::ffff` : `10.${g.net >> 4}.${g.net & 15}.254`
    return {
      kind: g.target.kind,
      link: {
        guest: g.guest,
        to: g.target.name,
        ...(g.ifname && g.ifname !== 'eth1' ? { ifname: g.ifname } : {}),
        ip,
        ...(g.gateway ? { gateway } : {}),
        ...(g.mac ? { mac: g.mac } : {}),
        ...(g.vlan ? { vlan: g.vlan } : {}),
        ...(g.directPhys && g.target.kind === 'uplink' ? { directPhys: true } : {}),
      },
    }
  })

describe('export, then tokenize and import', () => {
  it('gives back the same nodes and links, and checkLab says the same of both', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(link, { selector: (l) => l.link.guest, minLength: 1, maxLength: 8 }),
        (drawn) => {
          const nodes: Lab['nodes'] = {}
          for (const { link, kind } of drawn) {
            nodes[link.to] = kind === 'uplink' ? { kind, interface: link.to } : { kind }
            nodes[link.guest] = { kind: 'container' }
          }
          const lab: Lab = { patchbay: 1, name: 'roundtrip', nodes, links: drawn.map((d) => d.link) }
          const back = importPipework(lines(exportPipework(lab).join('\n')), 'roundtrip')
          expect(back.problems).toEqual([])
          expect(back.lab).toEqual(lab)
          expect(checkLab(back.lab).problems).toEqual(checkLab(lab).problems)
        },
      ),
      { numRuns: 300 },
    )
  })
})
