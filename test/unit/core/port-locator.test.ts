// The port locator names the very devices the planner makes, in the namespaces it makes them in:
// every device a plan of the example labs creates (veth ends, tunnel ends) is located, and every
// located port a plan makes is one the plan creates.
import { describe, expect, it } from 'vitest'
import { enterNamespace, type LabPort, locatePorts } from '../../../electron/core/port-locator.ts'
import { loadLab } from '../../../shared/lab/load.ts'
import { LOCAL_HOST, nodeHost } from '../../../shared/lab/normalize.ts'
import type { Lab } from '../../../shared/lab/schema.ts'
import { simulatedHostPlace } from '../../../shared/plan/device-names.ts'
import type { Observed } from '../../../shared/plan/observed.ts'
import type { IpTarget, Op } from '../../../shared/plan/op.ts'
import { planLab } from '../../../shared/plan/plan.ts'
import { readScenario } from '../../support/scenarios.ts'
import { emptyHost, netnsGuest } from '../plan/fixtures.ts'

const yaml = (text: string): Lab => {
  const { lab, problems } = loadLab(text)
  if (!lab) throw new Error(JSON.stringify(problems))
  return lab
}

const tunnelLab = yaml(`patchbay: 1
name: tun
hosts: { h1: { netns: true }, h2: { netns: true } }
nodes:
  s1: { kind: ovs-bridge, host: h1 }
  s2: { kind: ovs-bridge, host: h2 }
  u1: { kind: uplink, host: h1, interface: ua, ip: 192.0.2.1/24 }
  u2: { kind: uplink, host: h2, interface: ub, ip: 192.0.2.2/24 }
  g1: { kind: netns, host: h1 }
  g2: { kind: container, host: h2, image: "labbox:latest" }
links:
  - { guest: g1, to: s1, ip: 10.1.0.1/24, vlan: 10 }
  - { guest: g2, to: s2, ip: 10.1.0.2/24, vlan: 10, ifname: eth7, hostIfname: g2-port }
  - { between: [u1, u2] }
  - { between: [s1, s2], via: vxlan, vni: 42, underlay: [u1, u2], trunk: [10] }
`)

const LABS: Record<string, Lab> = {
  'single-host-vlan': yaml(readScenario('single-host-vlan.yaml')),
  'multi-host-vlan': yaml(readScenario('multi-host-vlan.yaml')),
  'three-hosts': yaml(readScenario('three-hosts.yaml')),
  'linux-bridge-lan': yaml(readScenario('linux-bridge-lan.yaml')),
  tunnel: tunnelLab,
}

const STATE = '/var/lib/patchbay-test'

/** A namespace as a plain key: where the plan's `ip` lines and `netns` arguments point. */
function targetKey(target: IpTarget): string {
  if (target.kind === 'host') return target.netns ? `netns:${target.netns}` : 'host'
  if (target.kind === 'netns') return `netns:${target.name}`
  return `container:${target.name}`
}
function portKey(port: LabPort): string {
  const ns = port.namespace
  if (ns.kind === 'host') return 'host'
  if (ns.kind === 'simulated-host') return `netns:${ns.netns}`
  if (ns.kind === 'netns') return `netns:${ns.name}`
  return `container:${ns.name}`
}

/** Every device a plan creates, keyed `namespace device`, read from its `ip link add` lines. */
function createdDevices(ops: readonly Op[]): Set<string> {
  const made = new Set<string>()
  for (const op of ops) {
    if (op.exec.tool !== 'ip' || op.exec.line[0] !== 'link' || op.exec.line[1] !== 'add') continue
    const line = op.exec.line
    const here = targetKey(op.exec.target)
    made.add(`${here} ${line[2]}`)
    const peer = line.indexOf('peer')
    if (peer < 0) continue
    const name = line[peer + 2]!
    const nsAt = line.indexOf('netns', peer)
    const ns = nsAt < 0 ? here : line[nsAt + 1]!
    // `netns 1` is the machine's own namespace (pid 1's), `{pid:NAME}` a container's.
    const key = ns === '1' ? 'host' : ns.startsWith('{pid:') ? `container:${ns.slice(5, -1)}` : `netns:${ns}`
    made.add(`${key} ${name}`)
  }
  return made
}

function emptyMachine(lab: Lab): Observed {
  const hosts: Record<string, ReturnType<typeof emptyHost>> = { [LOCAL_HOST]: emptyHost() }
  for (const host of Object.keys(lab.hosts ?? {})) hosts[host] = { ...emptyHost(), present: false, ovs: null }
  // Uplink NICs of simulated hosts are made by the cable between them; a plain NIC must be there.
  return { hosts }
}

describe('locatePorts', () => {
  for (const [name, lab] of Object.entries(LABS)) {
    it(`${name}: every device the plan makes is located where the plan makes it`, () => {
      const places = Object.fromEntries(
        Object.keys(lab.hosts ?? {}).map((h) => [h, simulatedHostPlace(lab.name, h, STATE)]),
      )
      const plan = planLab(lab, emptyMachine(lab), { places })
      const made = createdDevices(plan.ops)
      expect(made.size).toBeGreaterThan(0)
      const located = new Set(locatePorts(lab).map((p) => `${portKey(p)} ${p.device}`))
      for (const device of made) expect(located, device).toContain(device)
      // And what the locator says the lab made (besides bridges and NICs) is what the plan makes.
      for (const p of locatePorts(lab).filter((p) => p.role !== 'bridge' && p.role !== 'uplink'))
        expect(made, p.id).toContain(`${portKey(p)} ${p.device}`)
    })
  }

  it('names ports as explain names hops, each with its node and link', () => {
    const ports = locatePorts(LABS['multi-host-vlan']!)
    const byId = new Map(ports.map((p) => [p.id, p]))
    expect(byId.get('h1a/eth1')).toMatchObject({
      role: 'guest',
      device: 'eth1',
      namespace: { kind: 'netns', name: 'h1a' },
      linkId: 'h1a:eth1',
      host: 'host1',
    })
    expect(byId.get('ovs1/h1a:eth1')).toMatchObject({
      role: 'bridge-port',
      device: 'h1a-eth1',
      namespace: { kind: 'simulated-host', host: 'host1', netns: 'multi-host-vlan.host1' },
    })
    expect(byId.get('ovs2/ovs1~ovs2')).toMatchObject({
      role: 'wire-end',
      device: 'ovs2-ovs1',
      namespace: { kind: 'simulated-host', host: 'host2', netns: 'multi-host-vlan.host2' },
    })
    expect(byId.get('ovs1/.')).toMatchObject({ role: 'bridge', device: 'ovs1' })
    // Unique ids, and every node of a port is a node of the lab.
    expect(new Set(ports.map((p) => p.id)).size).toBe(ports.length)
    for (const p of ports) expect(LABS['multi-host-vlan']!.nodes[p.node], p.id).toBeDefined()
  })

  it('says which ports are tunnels, cables and NICs the lab made', () => {
    const ports = locatePorts(tunnelLab)
    const roles = Object.fromEntries(ports.map((p) => [p.id, p.role]))
    expect(roles).toMatchObject({
      's1/s1~s2~vxlan42': 'tunnel',
      's2/s1~s2~vxlan42': 'tunnel',
      'u1/u1~u2': 'cable',
      'u2/u1~u2': 'cable',
      'g2/eth7': 'guest',
      's2/g2:eth7': 'bridge-port',
    })
    expect(ports.find((p) => p.id === 's2/g2:eth7')?.device).toBe('g2-port')
    // The underlay NICs are the cable's ends, listed once.
    expect(ports.filter((p) => p.device === 'ua')).toHaveLength(1)
    for (const p of ports) expect(p.host).toBe(nodeHost(tunnelLab.nodes[p.node]!))
  })

  it('enters a container by the pid it was seen with, and not at all when it was not seen', () => {
    const lab = LABS['single-host-vlan']!
    const unseen = locatePorts(lab).find((p) => p.id === 'test1/eth1')!
    expect(unseen.namespace).toEqual({ kind: 'container', name: 'single-host-vlan.test1', pid: null })
    expect(enterNamespace(unseen.namespace)).toBeNull()
    const observed: Observed = {
      hosts: {
        local: {
          ...emptyHost(),
          guests: {
            test1: {
              ...netnsGuest('test1', []),
              kind: 'container',
              netns: { kind: 'pid', pid: 4242 },
            },
          },
        },
      },
    }
    const seen = locatePorts(lab, observed).find((p) => p.id === 'test1/eth1')!
    expect(enterNamespace(seen.namespace)).toEqual(['nsenter', '-t', '4242', '-n'])
    const hostEnd = locatePorts(lab).find((p) => p.id === 'ovs0/test1:eth1')!
    expect(enterNamespace(hostEnd.namespace)).toEqual([])
  })

  it('lists a NIC the lab only uses as not owned', () => {
    const lab = yaml(`patchbay: 1
name: nic
nodes:
  br0: { kind: linux-bridge }
  eth9: { kind: uplink, interface: eth9 }
  c: { kind: netns }
links:
  - { between: [br0, eth9] }
  - { guest: c, to: br0 }
`)
    const nic = locatePorts(lab).find((p) => p.device === 'eth9')
    expect(nic).toMatchObject({ role: 'uplink', owned: false, node: 'br0', port: 'br0~eth9' })
  })
})
