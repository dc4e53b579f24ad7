// The ports a frame from guest A must cross to reach guest B, whatever the VLANs say: A's interface,
// its bridge port, each wire's two ends between the bridges, B's bridge port, B's interface. A
// trace compares where frames were seen with this path, to say where they stopped.
import { guestIfname, linkIds } from '../../../shared/lab/normalize.ts'
import { type GuestLink, isWire, type Lab } from '../../../shared/lab/schema.ts'

export interface PathPort {
  readonly node: string
  /** As explain and the port locator name it. */
  readonly port: string
}

/** The ports from A's link to B's (by link index), or just A's side when no cable joins their bridges. */
export function wirePath(lab: Lab, fromLink: number, toLink: number): PathPort[] {
  const links = lab.links ?? []
  const ids = linkIds(links)
  const a = links[fromLink] as GuestLink
  const b = links[toLink] as GuestLink
  const start: PathPort[] = [
    { node: a.guest, port: guestIfname(a) },
    { node: a.to, port: ids[fromLink]! },
  ]
  const end: PathPort[] = [
    { node: b.to, port: ids[toLink]! },
    { node: b.guest, port: guestIfname(b) },
  ]
  // Breadth first over bridges joined by wires (not by a NIC to the outside, nor the host cable).
  const bridges = (n: string) => {
    const kind = lab.nodes[n]?.kind
    return kind === 'ovs-bridge' || kind === 'linux-bridge'
  }
  const came = new Map<string, { from: string; wire: string } | null>([[a.to, null]])
  const queue = [a.to]
  while (queue.length > 0 && !came.has(b.to)) {
    const here = queue.shift()!
    links.forEach((link, i) => {
      if (!isWire(link) || !link.between.includes(here) || !link.between.every(bridges)) return
      const there = link.between[0] === here ? link.between[1] : link.between[0]
      if (came.has(there)) return
      came.set(there, { from: here, wire: ids[i]! })
      queue.push(there)
    })
  }
  if (!came.has(b.to)) return start
  const middle: PathPort[] = []
  for (let at = b.to, step = came.get(at); step; at = step.from, step = came.get(at)) {
    middle.unshift({ node: step.from, port: step.wire }, { node: at, port: step.wire })
  }
  return a.to === b.to && fromLink === toLink ? start : [...start, ...middle, ...end]
}
