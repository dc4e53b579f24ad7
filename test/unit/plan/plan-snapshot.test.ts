// The planner's output frozen as text: every op's id, host, phase, action, command, inverse,
// pipework line and reason, for the scenario labs and labs of every link mode, planned against an
// empty machine and against one that has part of each lab (some of it drifted, some of it left
// over). Refactoring the planner must leave this byte for byte; a change of behaviour shows here
// as a diff to read.
import { describe, expect, it } from 'vitest'
import { loadLab } from '../../../shared/lab/load.ts'
import { linkIds, nodeHost } from '../../../shared/lab/normalize.ts'
import { isGuestLink, isWire, type Lab } from '../../../shared/lab/schema.ts'
import { importPipework, pipeworkLine, readPipeworkScript } from '../../../shared/pipework/index.ts'
import type { HostPlace } from '../../../shared/plan/context.ts'
import {
  containerName,
  guestHostEnd,
  linkMark,
  nodeMark,
  OVS_LAB_KEY,
  OVS_LINK_KEY,
  OVS_PROMISC_KEY,
  physMark,
  wireDevices,
  wireMark,
} from '../../../shared/plan/device-names.ts'
import type {
  Observed,
  ObservedDhcpClient,
  ObservedGuest,
  ObservedHost,
  ObservedInterface,
  ObservedOvsPort,
} from '../../../shared/plan/observed.ts'
import { execArgv } from '../../../shared/plan/op.ts'
import { type Plan, planDestroy, planLab } from '../../../shared/plan/plan.ts'
import { readScenario } from '../../support/scenarios.ts'
import { emptyHost, iface } from './fixtures.ts'

const yaml = (text: string): Lab => {
  const { lab, problems } = loadLab(text)
  if (!lab) throw new Error(JSON.stringify(problems))
  return lab
}

/** Every link mode the planner knows, on the machine and on two simulated hosts. */
const modes = yaml(`patchbay: 1
name: modes
nodes:
  ovs0: { kind: ovs-bridge, ip: 10.9.0.254/24 }
  br0: { kind: linux-bridge }
  lan: { kind: uplink, interface: eth0, promisc: true }
  wan: { kind: uplink, interface: eth1 }
  moved: { kind: uplink, mac: "02:00:00:00:00:77" }
  c1: { kind: container, image: alpine }
  c2: { kind: container }
  n1: { kind: netns }
  n2: { kind: netns }
links:
  - { guest: c1, to: ovs0, ip: [10.9.0.1/24, "fd00::1/64"], gateway: 10.9.0.254, vlan: 5, mac: "02:aa:00:00:00:01", mtu: 1400 }
  - { guest: c2, to: ovs0, ip: "fd00::2/64", ifname: eth2, hostIfname: c2-custom }
  - { guest: n1, to: br0, ip: 10.8.0.1/24 }
  - { guest: n1, to: wan, ip: 10.7.0.1/24, ifname: mv0 }
  - { guest: n2, to: wan, ip: 10.7.0.2/24, ifname: mv1, vlan: 30 }
  - { guest: n2, to: wan, ifname: mv2, vlan: 30, ip: dhcp }
  - { guest: c1, to: moved, ip: 10.6.0.1/24, ifname: phys0, directPhys: true }
  - { guest: n2, to: ovs0, ip: dhcp, ifname: eth3 }
  - { between: [ovs0, br0] }
  - { between: [lan, ovs0], trunk: [5, 6], native: 7 }
  - { between: [wan, br0] }
`)

const hosts = yaml(`patchbay: 1
name: hosts
hosts:
  h1: { netns: true }
  h2: { netns: true }
nodes:
  s1: { kind: ovs-bridge, host: h1 }
  s2: { kind: ovs-bridge, host: h2 }
  b2: { kind: linux-bridge, host: h2 }
  u1: { kind: uplink, host: h1, interface: up1, ip: 192.168.50.1/24 }
  u2: { kind: uplink, host: h2, interface: up2, ip: 192.168.50.2/24 }
  g1: { kind: netns, host: h1 }
  g2: { kind: netns, host: h2 }
links:
  - { between: [u1, u2] }
  - { between: [s1, s2], via: vxlan, vni: 42, underlay: [u1, u2], trunk: [10, 20], native: [10, 20] }
  - { between: [s1, b2], vlan: 30, mtu: 1450 }
  - { between: [s2, b2], trunk: [10] }
  - { guest: g1, to: s1, ip: 10.0.0.1/24, vlan: 10 }
  - { guest: g2, to: s2, ip: 10.0.0.2/24, vlan: 20 }
`)

/** Impairments on a guest link and a wire (one on a simulated host), and links set down. */
const impaired = yaml(`patchbay: 1
name: impaired
hosts:
  h1: { netns: true }
nodes:
  s: { kind: ovs-bridge }
  b: { kind: linux-bridge }
  t: { kind: ovs-bridge, host: h1 }
  n1: { kind: netns }
  n2: { kind: netns }
  n3: { kind: netns, host: h1 }
links:
  - { guest: n1, to: s, ip: 10.0.0.1/24, netem: { delay: 40ms, jitter: 5ms, loss: 1%, rate: 10mbit } }
  - { guest: n2, to: b, ip: 10.0.0.2/24, state: down, netem: { rate: 512kbit } }
  - { guest: n3, to: t, ip: 10.0.0.3/24, netem: { corrupt: 0.1%, duplicate: 1%, reorder: 25%, delay: 1s } }
  - { between: [s, b], netem: { rate: 1gbit }, state: down }
`)

const seed = (() => {
  const { lines } = readPipeworkScript(readScenario('pipework-seed.sh'))
  return importPipework(lines, 'seed').lab
})()

const labs: Record<string, Lab> = {
  'single-host-vlan': yaml(readScenario('single-host-vlan.yaml')),
  'linux-bridge-lan': yaml(readScenario('linux-bridge-lan.yaml')),
  'multi-host-vlan': yaml(readScenario('multi-host-vlan.yaml')),
  'pipework-seed': seed,
  modes,
  hosts,
  impaired,
}

const placeOf = (lab: Lab, host: string): HostPlace => ({
  netns: `${lab.name}-${host}`,
  ovsDb: `/run/pb/${lab.name}/${host}/db.sock`,
  ovsDir: `/run/pb/${lab.name}/${host}`,
})
const places = (lab: Lab) => Object.fromEntries(Object.keys(lab.hosts ?? {}).map((h) => [h, placeOf(lab, h)]))
const dhcp = { dir: '/var/lib/pb/dhcp', script: '/opt/pb/dhcp-event.js' }

/** The machine's own NICs, which uplinks name. */
const nics = (): ObservedInterface[] => [
  iface({ name: 'eth0', ifindex: 2, kind: null, mac: '02:00:00:00:00:10' }),
  iface({ name: 'eth1', ifindex: 3, kind: null, mac: '02:00:00:00:00:11', adminUp: false }),
  iface({ name: 'eth7', ifindex: 4, kind: null, mac: '02:00:00:00:00:77' }),
]

const allCaps = { vlan8021q: true, bridgeVlanFiltering: true }

/** Nothing of the lab exists; simulated hosts are not there at all. */
function emptyMachine(lab: Lab): Observed {
  const out: Record<string, ObservedHost> = { local: { ...emptyHost(allCaps), interfaces: nics() } }
  for (const h of Object.keys(lab.hosts ?? {})) {
    out[h] = { ...emptyHost(allCaps), present: false, ovs: null, interfaces: [] }
  }
  return { hosts: out }
}

/**
 * Part of the lab is there: guests exist (some stopped), bridges exist (some down), the first link
 * of every three is made but drifted, the second half made (its guest end gone), the third absent;
 * wires alike; DHCP clients run in a namespace their guest no longer has; and things the lab made
 * earlier and no longer names are left over.
 */
function partialMachine(lab: Lab): Observed {
  const hostNames = ['local', ...Object.keys(lab.hosts ?? {})]
  const interfaces = new Map<string, ObservedInterface[]>(hostNames.map((h) => [h, []]))
  const ports = new Map<string, ObservedOvsPort[]>(hostNames.map((h) => [h, []]))
  const guests: Record<string, { kind: 'netns' | 'container'; ifs: ObservedInterface[]; owned: boolean }> = {}
  let ifindex = 100
  const hostOf = (node: string) => {
    const n = lab.nodes[node]
    return n ? nodeHost(n) : 'local'
  }
  interfaces.get('local')!.push(...nics())
  for (const [name, node] of Object.entries(lab.nodes)) {
    const host = hostOf(name)
    if (node.kind === 'netns' || node.kind === 'container')
      guests[name] = { kind: node.kind, ifs: [], owned: true }
    if (node.kind === 'linux-bridge') {
      interfaces.get(host)!.push(
        iface({
          name,
          ifindex: ifindex++,
          kind: 'bridge',
          alias: nodeMark(lab.name, name),
          adminUp: false,
        }),
      )
    }
    const cabled = (lab.links ?? []).some(
      (l) => isWire(l) && l.between.every((n) => lab.nodes[n]?.kind === 'uplink') && l.between.includes(name),
    )
    if (node.kind === 'uplink' && node.interface && host !== 'local' && !cabled) {
      interfaces.get(host)!.push(iface({ name: node.interface, ifindex: ifindex++, kind: 'veth' }))
    }
  }
  const port = (host: string, name: string, bridge: string, linkId: string, tag: number | null): void => {
    ports.get(host)!.push({
      name,
      bridge,
      tag,
      trunks: [],
      vlanMode: null,
      externalIds: { [OVS_LAB_KEY]: lab.name, [OVS_LINK_KEY]: linkId },
    })
  }
  const ids = linkIds(lab.links ?? [])
  ;(lab.links ?? []).forEach((link, i) => {
    const id = ids[i]!
    const which = i % 3
    if (isGuestLink(link)) {
      const guest = guests[link.guest]
      const to = lab.nodes[link.to]
      const host = hostOf(link.guest)
      const ifname = link.ifname ?? 'eth1'
      if (!guest || !to) return
      if (to.kind === 'uplink') {
        if (which === 2) return
        const alias = link.directPhys
          ? physMark(lab.name, id, to.interface ?? 'eth7')
          : linkMark(lab.name, id)
        guest.ifs.push(
          iface({
            name: ifname,
            ifindex: ifindex++,
            kind: link.directPhys ? null : 'macvlan',
            alias,
            mtu: 9000,
          }),
        )
        return
      }
      const hostEnd = guestHostEnd(lab.name, link)
      if (which === 2) return
      const hostIndex = ifindex++
      const guestIndex = ifindex++
      interfaces.get(host)!.push(
        iface({
          name: hostEnd,
          ifindex: hostIndex,
          peerIfindex: which === 0 ? guestIndex : 9999,
          alias: linkMark(lab.name, id),
          adminUp: which !== 0,
          master: to.kind === 'linux-bridge' ? 'elsewhere' : null,
        }),
      )
      if (to.kind === 'ovs-bridge') port(host, hostEnd, link.to, id, which === 0 ? 999 : (link.vlan ?? null))
      if (which === 0) {
        guest.ifs.push(
          iface({
            name: ifname,
            ifindex: guestIndex,
            peerIfindex: hostIndex,
            addresses: ['172.31.0.9/24'],
            mac: '02:00:00:00:0f:0f',
            mtu: 1300,
            adminUp: false,
          }),
        )
      }
    } else if (isWire(link)) {
      const names = wireDevices(lab, link)
      const ends = link.between.map((n) => ({ node: n, host: hostOf(n), kind: lab.nodes[n]?.kind }))
      if (ends.some((e) => e.kind === 'uplink') && !ends.every((e) => e.kind === 'uplink')) return
      if (which === 2) return
      const indexes = [ifindex++, ifindex++]
      ends.forEach((end, e) => {
        if (which === 1 && e === 1) return
        interfaces.get(end.host)!.push(
          iface({
            name: names[e]!,
            ifindex: indexes[e]!,
            kind: link.via === 'vxlan' ? 'vxlan' : 'veth',
            peerIfindex: link.via === 'vxlan' ? null : indexes[1 - e]!,
            alias: wireMark(lab.name, id, e === 0 ? 'a' : 'b'),
            adminUp: e === 0,
          }),
        )
        if (end.kind === 'ovs-bridge') {
          ports.get(end.host)!.push({
            name: names[e]!,
            bridge: end.node,
            tag: 4,
            trunks: [3, 2],
            vlanMode: 'trunk',
            externalIds: { [OVS_LAB_KEY]: lab.name, [OVS_LINK_KEY]: id },
          })
        }
      })
    }
  })
  // Left over from an earlier version of the lab.
  interfaces
    .get('local')!
    .push(
      iface({ name: 'gone-eth1', ifindex: ifindex++, alias: linkMark(lab.name, 'gone:eth1') }),
      iface({ name: 'gone-a', ifindex: ifindex++, alias: wireMark(lab.name, 'gone1~gone2', 'a') }),
      iface({ name: 'gone-b', ifindex: ifindex++, alias: wireMark(lab.name, 'gone1~gone2', 'b') }),
      iface({ name: 'gonebr', ifindex: ifindex++, kind: 'bridge', alias: nodeMark(lab.name, 'gonebr') }),
      iface({ name: 'users', ifindex: ifindex++, alias: linkMark('another-lab', 'x:eth1') }),
    )
  ports.get('local')!.push(
    {
      name: 'gone-eth1',
      bridge: 'old',
      tag: 3,
      trunks: [],
      vlanMode: null,
      externalIds: { [OVS_LAB_KEY]: lab.name, [OVS_LINK_KEY]: 'gone:eth1' },
    },
    {
      name: 'eth9',
      bridge: 'old',
      tag: null,
      trunks: [],
      vlanMode: null,
      externalIds: { [OVS_LAB_KEY]: lab.name, [OVS_LINK_KEY]: 'wire98', [OVS_PROMISC_KEY]: '1' },
    },
  )
  guests['old-guest'] = {
    kind: 'netns',
    owned: true,
    ifs: [
      iface({ name: 'mv9', ifindex: ifindex++, kind: 'macvlan', alias: linkMark(lab.name, 'old-guest:mv9') }),
    ],
  }
  guests['old-phys'] = {
    kind: 'netns',
    owned: true,
    ifs: [
      iface({ name: 'p9', ifindex: ifindex++, kind: null, alias: physMark(lab.name, 'old-phys:p9', 'eth5') }),
    ],
  }
  const guestObservation = (host: string): Record<string, ObservedGuest> =>
    Object.fromEntries(
      Object.entries(guests)
        .filter(([name]) => (lab.nodes[name] ? hostOf(name) === host : host === 'local'))
        .map(([name, g], n) => [
          name,
          {
            node: name,
            kind: g.kind,
            exists: true,
            running: g.kind === 'netns' || n % 2 === 0,
            owned: g.owned,
            netns: g.kind === 'netns' ? { kind: 'netns', name } : { kind: 'pid', pid: 4000 + n },
            ...(g.kind === 'container' ? { container: containerName(lab.name, name, lab.nodes[name]) } : {}),
            netnsId: `net:[${5000 + n}]`,
            interfaces: g.ifs,
            routes: [{ gateway: '10.9.0.254', dev: 'eth1', family: 4 }],
          } satisfies ObservedGuest,
        ]),
    )
  const dhcpClients: ObservedDhcpClient[] = (lab.links ?? []).flatMap((l, i) =>
    isGuestLink(l) && l.ip === 'dhcp'
      ? [{ linkId: ids[i]!, pid: 7000 + i, netns: 'net:[1]', address: '10.5.0.9/24' }]
      : [],
  )
  dhcpClients.push({ linkId: 'gone:eth1', pid: 7999, netns: 'net:[1]', address: null })
  const movedNics = (lab.links ?? []).flatMap((l, i) => {
    const to = isGuestLink(l) && l.directPhys ? lab.nodes[l.to] : undefined
    return to?.kind === 'uplink' ? [{ linkId: ids[i]!, nic: to.interface ?? 'eth7' }] : []
  })
  const out: Record<string, ObservedHost> = {}
  hostNames.forEach((host, h) => {
    const bridges = Object.entries(lab.nodes)
      .filter(([name, n]) => n.kind === 'ovs-bridge' && hostOf(name) === host)
      .slice(0, 1)
      .map(([name]) => ({ name, datapathType: 'netdev', externalIds: { [OVS_LAB_KEY]: lab.name } }))
    if (host === 'local')
      bridges.push({ name: 'old', datapathType: 'netdev', externalIds: { [OVS_LAB_KEY]: lab.name } })
    out[host] = {
      ...emptyHost(allCaps),
      // The second simulated host has its namespace but no OVS running in it.
      ovs: host !== 'local' && h % 2 === 0 ? null : { bridges, ports: ports.get(host)! },
      interfaces: interfaces.get(host)!,
      netns: Object.keys(guests),
      guests: guestObservation(host),
      labContainers:
        host === 'local' ? [{ name: `${lab.name}-old-container`, node: 'old-container', running: true }] : [],
      dhcpClients,
      // The state file's record of the NICs the lab moved into guests: only such a NIC goes back.
      ...(host === 'local' ? { movedNics: [...movedNics, { linkId: 'old-phys:p9', nic: 'eth5' }] } : {}),
    }
  })
  return { hosts: out }
}

const describePlan = (plan: Plan): string =>
  [
    ...plan.ops.map((op) =>
      [
        `${op.phase} ${op.host} ${op.id} [${op.action}]${op.linkId !== undefined ? ` link=${op.linkId}` : ''}${op.node !== undefined ? ` node=${op.node}` : ''}`,
        `    $ ${execArgv(op.exec).join(' ')}`,
        ...(op.inverse ? [`    undo: ${execArgv(op.inverse).join(' ')}`] : []),
        ...(op.pipework ? [`    pipework: ${op.pipework}`] : []),
        `    why: ${op.why}`,
      ].join('\n'),
    ),
    ...plan.problems.map((p) => `problem ${p.kind} ${p.field}: ${p.message}`),
  ].join('\n')

describe('the planner’s output, frozen', () => {
  for (const [name, lab] of Object.entries(labs)) {
    const options = {
      places: places(lab),
      dhcp,
      pipeworkLine: (l: Parameters<typeof pipeworkLine>[1]) => pipeworkLine(lab, l),
    }
    it(`${name} on an empty machine`, () => {
      expect(describePlan(planLab(lab, emptyMachine(lab), options))).toMatchSnapshot()
    })
    it(`${name} on a machine that has part of it`, () => {
      expect(describePlan(planLab(lab, partialMachine(lab), options))).toMatchSnapshot()
    })
    it(`${name} destroyed from a machine that has part of it`, () => {
      expect(describePlan(planDestroy(lab, partialMachine(lab), options))).toMatchSnapshot()
    })
  }
})
