// `exercise break`: one random L2 fault injected into an applied lab, for practice: an access port
// re-tagged, a VLAN pruned from a trunk, a native VLAN changed, or a link set down. Only on what
// the lab owns (OVS ports carrying its external_ids, interfaces carrying its mark), and each is
// what `apply` repairs: it converges the machine back to the lab.
import { randomInt } from 'node:crypto'
import { labVlans } from '../../shared/l2/domains.ts'
import { linkIds, nodeHost } from '../../shared/lab/normalize.ts'
import { isGuestLink, isWire, type Lab } from '../../shared/lab/schema.ts'
import type { HostPlace } from '../../shared/plan/context.ts'
import { guestHostEnd, OVS_LAB_KEY, parseMark, wireDevices } from '../../shared/plan/device-names.ts'
import type { Observed, ObservedHost } from '../../shared/plan/observed.ts'
import { ServiceError } from './calls.ts'
import type { Engine } from './engine.ts'

export type FaultKind = 'retag' | 'prune' | 'native' | 'down'

export interface Fault {
  readonly kind: FaultKind
  /** The lab's link it is on. */
  readonly link: string
  readonly device: string
  readonly description: string
  readonly argv: readonly string[]
}

/** Picks one of `n` (0 … n-1). */
export type Choose = (n: number) => number

/** Another VLAN than `vlan`: one the lab uses, else the next one. */
function otherVlan(lab: Lab, vlan: number, choose: Choose): number {
  const others = [...labVlans(lab)].filter((v) => v !== vlan)
  if (others.length > 0) return others[choose(others.length)]!
  return vlan < 4094 ? vlan + 1 : vlan - 1
}

/** Every fault that could be injected into this lab as it is on the machine now. */
export function possibleFaults(
  lab: Lab,
  observed: Observed,
  places: Readonly<Record<string, HostPlace>>,
  choose: Choose = randomInt,
): Fault[] {
  const faults: Fault[] = []
  const ids = linkIds(lab.links ?? [])
  const hostOf = (node: string) => {
    const n = lab.nodes[node]
    return n ? nodeHost(n) : null
  }
  const ovsSet = (host: string, device: string, words: string[]) => {
    const db = places[host]?.ovsDb
    return ['ovs-vsctl', ...(db ? [`--db=unix:${db}`] : []), 'set', 'port', device, ...words]
  }
  const ipDown = (host: string, device: string) => {
    const netns = places[host]?.netns
    return ['ip', ...(netns ? ['-n', netns] : []), 'link', 'set', device, 'down']
  }
  /** The lab's own OVS port of that name, on that host. */
  const ownPort = (seen: ObservedHost | undefined, device: string) =>
    seen?.ovs?.ports.find((p) => p.name === device && p.externalIds[OVS_LAB_KEY] === lab.name)
  /** The lab's own interface of that name, up, on that host. */
  const ownUp = (seen: ObservedHost | undefined, device: string) =>
    seen?.interfaces.find((i) => i.name === device && i.adminUp && parseMark(i.alias)?.lab === lab.name)

  ;(lab.links ?? []).forEach((link, index) => {
    const id = ids[index]!
    if (isGuestLink(link)) {
      const host = hostOf(link.to)
      if (!host || link.state === 'down') return
      const seen = observed.hosts[host]
      const device = guestHostEnd(lab.name, link)
      const port = ownPort(seen, device)
      if (port && port.tag !== null && link.vlan !== undefined) {
        const to = otherVlan(lab, port.tag, choose)
        faults.push({
          kind: 'retag',
          link: id,
          device,
          description: `the access port ${device} of ${id} was re-tagged from VLAN ${port.tag} to VLAN ${to}`,
          argv: ovsSet(host, device, [`tag=${to}`]),
        })
      }
      if (ownUp(seen, device))
        faults.push({
          kind: 'down',
          link: id,
          device,
          description: `${device}, the host end of ${id}, was set down`,
          argv: ipDown(host, device),
        })
      return
    }
    if (!isWire(link) || link.state === 'down' || link.via === 'vxlan') return
    const devices = wireDevices(lab, link)
    link.between.forEach((node, end) => {
      const host = hostOf(node)
      if (!host || lab.nodes[node]?.kind !== 'ovs-bridge') return
      const seen = observed.hosts[host]
      const device = devices[end]!
      const port = ownPort(seen, device)
      if (port && port.trunks.length >= 2) {
        const pruned = port.trunks[choose(port.trunks.length)]!
        faults.push({
          kind: 'prune',
          link: id,
          device,
          description: `VLAN ${pruned} was pruned from the trunk ${id} at ${node}'s port ${device}`,
          argv: ovsSet(host, device, [`trunks=${port.trunks.filter((v) => v !== pruned).join(',')}`]),
        })
      }
      if (port && port.tag !== null && port.vlanMode === 'native-untagged') {
        const to = otherVlan(lab, port.tag, choose)
        faults.push({
          kind: 'native',
          link: id,
          device,
          description: `the native VLAN of ${id} at ${node}'s port ${device} was changed from ${port.tag} to ${to}`,
          argv: ovsSet(host, device, [`tag=${to}`]),
        })
      }
      if (ownUp(seen, device))
        faults.push({
          kind: 'down',
          link: id,
          device,
          description: `${device}, ${node}'s end of ${id}, was set down`,
          argv: ipDown(host, device),
        })
    })
  })
  return faults
}

/** Injects one fault, chosen at random (first a kind, then one of that kind), and says which. */
export async function breakLab(engine: Engine, lab: Lab, choose: Choose = randomInt): Promise<Fault> {
  const faults = possibleFaults(lab, await engine.observe(lab), engine.places(lab), choose)
  if (faults.length === 0)
    throw new ServiceError(
      'failed',
      `${lab.name} has nothing to break on this machine: apply it first (faults go only on its own ports and links)`,
    )
  const kinds = [...new Set(faults.map((f) => f.kind))]
  const kind = kinds[choose(kinds.length)]!
  const ofKind = faults.filter((f) => f.kind === kind)
  const fault = ofKind[choose(ofKind.length)]!
  await engine.run.run(fault.argv)
  return fault
}
