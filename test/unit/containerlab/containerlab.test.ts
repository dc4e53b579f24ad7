// containerlab topologies in and out: every mapped link form, a table of what does not map (each
// said with its YAML line), and export→import giving the same broadcast domains for every example.
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { exportContainerlab } from '../../../shared/containerlab/export.ts'
import { importContainerlab, looksLikeContainerlab } from '../../../shared/containerlab/import.ts'
import { broadcastDomains } from '../../../shared/l2/domains.ts'
import { checkLab } from '../../../shared/lab/check.ts'
import { loadLab } from '../../../shared/lab/load.ts'
import { resolveMac } from '../../../shared/lab/mac.ts'
import type { Lab } from '../../../shared/lab/schema.ts'

const examples = resolve(import.meta.dirname, '..', '..', '..', 'examples')
const exampleLabs = readdirSync(examples)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => [f, loadLab(readFileSync(join(examples, f), 'utf8'), f).lab!] as const)

const mapped = `name: Mapped_Lab
topology:
  nodes:
    r1:
      kind: linux
      image: alpine:3
      cmd: sleep 1000000
      exec:
        - ip addr add 10.0.12.1/30 dev eth1
        - ip addr add 192.168.1.1/24 dev eth2
        - ip route replace default via 192.168.1.254 dev eth2
    r2:
      kind: linux
      image: alpine:3
      exec: [ip addr add 10.0.12.2/30 dev eth1]
    br1: { kind: bridge }
    ovs1: { kind: ovs-bridge }
    h: { kind: host }
  links:
    - endpoints: ["r1:eth1", "r2:eth1"]
    - endpoints: ["r1:eth2", "br1:r1-eth2"]
      mtu: 1400
    - type: veth
      endpoints:
        - { node: r2, interface: eth2, mac: "02:00:00:00:00:22" }
        - { node: ovs1, interface: r2-eth2 }
      vars: { patchbay: { vlan: 100 } }
    - endpoints: ["br1:b-o", "ovs1:o-b"]
    - endpoints: ["r1:eth3", "macvlan:enp0s3"]
    - type: macvlan
      endpoint: { node: r2, interface: eth3 }
      host-interface: enp0s8
    - endpoints: ["r2:eth4", "host:r2-host"]
`

describe('containerlab import', () => {
  it('maps linux, bridge, ovs-bridge, veth links short and long, macvlan and host links, addresses, MTU', () => {
    const { lab, notes, errors } = importContainerlab(mapped, {
      nodeAnnotations: [
        { id: 'r1', position: { x: 10, y: 20 } },
        { id: 'ghost', position: { x: 1, y: 1 } },
      ],
    })
    expect(errors).toEqual([])
    const checked = checkLab(lab)
    expect(checked.problems.filter((p) => p.severity === 'error')).toEqual([])
    const l = checked.lab!
    expect(l.name).toBe('mapped-lab')
    expect(l.nodes.r1).toEqual({ kind: 'container', image: 'alpine:3', command: ['sleep', '1000000'] })
    expect(l.nodes.br1).toEqual({ kind: 'linux-bridge' })
    expect(l.nodes['nic-enp0s3']).toEqual({ kind: 'uplink', interface: 'enp0s3' })
    expect(l.links).toEqual([
      { between: ['r1', 'r2'], ifnames: ['eth1', 'eth1'], ips: ['10.0.12.1/30', '10.0.12.2/30'] },
      {
        guest: 'r1',
        to: 'br1',
        ifname: 'eth2',
        hostIfname: 'r1-eth2',
        ip: '192.168.1.1/24',
        gateway: '192.168.1.254',
        mtu: 1400,
      },
      { guest: 'r2', to: 'ovs1', ifname: 'eth2', hostIfname: 'r2-eth2', mac: '02:00:00:00:00:22', vlan: 100 },
      { between: ['br1', 'ovs1'], ifnames: ['b-o', 'o-b'] },
      { guest: 'r1', to: 'nic-enp0s3', ifname: 'eth3' },
      { guest: 'r2', to: 'nic-enp0s8', ifname: 'eth3' },
      { guest: 'r2', to: 'host-r2-host', ifname: 'eth4', hostIfname: 'r2-host' },
    ])
    expect(l.layout).toEqual({ r1: { x: 10, y: 20 } })
    // The host link is mapped roughly, and says so on its line.
    expect(notes).toEqual([
      { line: 33, message: expect.stringContaining('host end r2-host is put on a Linux bridge') },
    ])
  })

  it.each([
    [
      'a router OS kind',
      'nodes:\n    srl: { kind: nokia_srlinux, image: ghcr.io/nokia/srlinux }',
      4,
      'kind "nokia_srlinux" is not mapped',
    ],
    ['Arista cEOS', 'nodes:\n    ceos1:\n      kind: ceos', 5, 'kind "ceos" is not mapped'],
    ['a VM node', 'nodes:\n    vm: { kind: vr-sros }', 4, 'kind "vr-sros" is not mapped'],
    [
      'a startup config',
      'nodes:\n    n:\n      kind: linux\n      image: alpine\n      startup-config: cfg.txt',
      7,
      'startup-config is not mapped',
    ],
    ['binds', 'nodes:\n    n:\n      kind: linux\n      binds: [/a:/b]', 6, 'binds is not mapped'],
    [
      'an exec that is not an address',
      'nodes:\n    n:\n      kind: linux\n      exec:\n        - sysctl -w x=1',
      7,
      'exec "sysctl -w x=1" is not mapped',
    ],
    [
      'kinds defaults',
      'kinds:\n    linux: { image: alpine }\n  nodes: {}',
      4,
      'topology.kinds is not mapped',
    ],
    [
      'a vxlan link',
      'nodes:\n    n: { kind: linux }\n  links:\n    - type: vxlan\n      endpoint: { node: n, interface: e1 }\n      remote: 10.0.0.9\n      vni: 5',
      6,
      'a vxlan link to a remote address is not mapped',
    ],
    [
      'a mgmt-net link',
      'nodes:\n    n: { kind: linux }\n  links:\n    - endpoints: ["n:eth1", "mgmt-net:n-eth1"]',
      6,
      'mgmt-net, which is not mapped',
    ],
    ['mgmt settings', 'nodes: {}\nmgmt:\n  network: custom', 5, 'mgmt is not mapped'],
  ])('reports %s with its line, never silently', (_what, body, line, message) => {
    const { notes, errors } = importContainerlab(`name: t\ntopology:\n  ${body}\n`)
    expect(errors).toEqual([])
    expect(notes).toContainEqual({ line, message: expect.stringContaining(message) })
  })

  it("takes addresses from a brief link's ipv4/ipv6 and an extended endpoint's, beside exec lines", () => {
    const { lab, errors } = importContainerlab(`name: a
topology:
  nodes:
    r1: { kind: linux, image: alpine:3, exec: [ip addr add 10.0.0.1/24 dev eth1] }
    r2: { kind: linux, image: alpine:3 }
    sw: { kind: ovs-bridge }
  links:
    - endpoints: ["r1:eth1", "r2:eth1"]
      ipv4: ["", 10.0.0.2/24]
      ipv6: [fd00::1/64, fd00::2/64]
    - type: veth
      endpoints:
        - { node: r2, interface: eth2, ipv4: 10.0.1.2/24, ipv6: fd01::2/64 }
        - { node: sw, interface: r2-eth2 }
`)
    expect(errors).toEqual([])
    expect(lab.links).toEqual([
      {
        between: ['r1', 'r2'],
        ifnames: ['eth1', 'eth1'],
        ips: [
          ['10.0.0.1/24', 'fd00::1/64'],
          ['10.0.0.2/24', 'fd00::2/64'],
        ],
      },
      { guest: 'r2', to: 'sw', ifname: 'eth2', hostIfname: 'r2-eth2', ip: ['10.0.1.2/24', 'fd01::2/64'] },
    ])
  })

  it('is told apart from a pipework script by its content or its name', () => {
    expect(looksLikeContainerlab(mapped)).toBe(true)
    expect(looksLikeContainerlab('pipework br0 c1 10.0.0.1/24\n')).toBe(false)
    expect(looksLikeContainerlab('', 'x.clab.yaml')).toBe(true)
    expect(importContainerlab('name: x\n').errors[0]!.message).toContain('no topology: map')
  })
})

describe('containerlab export', () => {
  it.each(exampleLabs)('%s: export then import gives the same broadcast domains', (_file, lab) => {
    const out = exportContainerlab(lab)
    const back = importContainerlab(out.yaml, out.annotations)
    expect(back.errors).toEqual([])
    const checked = checkLab(back.lab)
    expect(checked.problems.filter((p) => p.severity === 'error')).toEqual([])
    const domains = (l: Lab) =>
      broadcastDomains(l)
        .domains.map((d) => d.members.join(' '))
        .sort()
    // A simulated host's nodes and tunnels do not exist in containerlab: compare where it says nothing.
    if (out.notes.length === 0) expect(domains(checked.lab!)).toEqual(domains(lab))
    else expect(out.yaml).toContain('# not expressible in containerlab:')
    for (const name of Object.keys(out.annotations ? (lab.layout ?? {}) : {}))
      if (name in checked.lab!.nodes) expect(checked.lab!.layout?.[name]).toEqual(lab.layout![name])
  })

  it('keeps VLANs in vars and applies them by host-side exec stages; guest pairs keep ends and MACs', () => {
    const lab = checkLab({
      patchbay: 1,
      name: 'v',
      nodes: {
        a: { kind: 'netns' },
        b: { kind: 'netns' },
        ovs0: { kind: 'ovs-bridge' },
        ovs1: { kind: 'ovs-bridge' },
      },
      links: [
        { guest: 'a', to: 'ovs0', ip: '10.0.0.1/24', vlan: 100 },
        { guest: 'b', to: 'ovs1', ip: '10.0.0.2/24', vlan: 100 },
        { between: ['ovs0', 'ovs1'], trunk: [100, 200] },
        {
          between: ['a', 'b'],
          ifnames: ['p1', 'p1'],
          ips: ['10.9.0.1/30', '10.9.0.2/30'],
          macs: ['U:a', 'U:b'],
        },
      ],
      layout: { a: { x: 1, y: 2 } },
    }).lab!
    const out = exportContainerlab(lab)
    expect(out.notes).toEqual([])
    expect(out.yaml).toContain('ovs-vsctl set port a-eth1 tag=100')
    expect(out.yaml).toContain('ovs-vsctl set port ovs0-ovs1 trunks=100,200')
    expect(out.yaml).toMatch(/vars:\n\s+patchbay:\n\s+trunk:\n\s+- 100\n\s+- 200/)
    expect(out.annotations).toEqual({ nodeAnnotations: [{ id: 'a', position: { x: 1, y: 2 } }] })
    const back = checkLab(importContainerlab(out.yaml, out.annotations).lab).lab!
    expect(back.links).toContainEqual({
      between: ['ovs0', 'ovs1'],
      ifnames: ['ovs0-ovs1', 'ovs1-ovs0'],
      trunk: [100, 200],
    })
    expect(back.links).toContainEqual({
      between: ['a', 'b'],
      ifnames: ['p1', 'p1'],
      ips: ['10.9.0.1/30', '10.9.0.2/30'],
      // containerlab takes MACs only as such: pipework's U:seed is written as the MAC it stands for.
      macs: [resolveMac('U:a'), resolveMac('U:b')],
    })
    expect(back.layout).toEqual({ a: { x: 1, y: 2 } })
  })
})
