// Desired vs observed, per link: what `patchbay status` prints and the canvas colours links by.
import type { StatusReply } from '../../shared/api/contract.ts'
import { guestIfname, linkIds, nodeHost } from '../../shared/lab/normalize.ts'
import { isGuestPair, type Lab } from '../../shared/lab/schema.ts'
import { guestHostEnd, pairEnds, wireDevices } from '../../shared/plan/device-names.ts'
import { carriesFrames, type Observed, type ObservedInterface } from '../../shared/plan/observed.ts'
import { type PlanOptions, planLab } from '../../shared/plan/plan.ts'

export type LinkStatus = StatusReply['links'][number]

/** An end that is there and passes frames. */
const works = (end: ObservedInterface | undefined): boolean => end !== undefined && carriesFrames(end)
export type StatusReport = StatusReply

export function labStatus(
  lab: Lab,
  observed: Observed,
  options: Pick<PlanOptions, 'places' | 'dhcp' | 'here'> = {},
): StatusReport {
  const plan = planLab(lab, observed, options)
  const ids = linkIds(lab.links ?? [])
  const hostOf = (node: string) => {
    const n = lab.nodes[node]
    return n ? observed.hosts[nodeHost(n)] : undefined
  }
  const links: LinkStatus[] = (lab.links ?? []).map((link, i) => {
    const id = ids[i]!
    const ops = plan.ops.filter((op) => op.linkId === id)
    const problem = plan.problems.find((p) => p.field === `links[${i}]`)
    const judge = (base: Omit<LinkStatus, 'state' | 'reasons'>, up: boolean, down: string): LinkStatus => {
      if (problem) return { ...base, state: 'missing', reasons: [problem.message] }
      // The worst state the link's ops imply (each op says which, shared/plan/op.ts LinkImplied).
      const create = ops.find((op) => op.implies === 'missing')
      if (create) return { ...base, state: 'missing', reasons: [create.why] }
      // Set down by hand (and nothing else changed): the link is down, apply brings it up.
      if (ops.length > 0 && ops.every((op) => op.implies === 'down')) {
        return { ...base, state: 'down', reasons: ops.map((op) => op.why) }
      }
      if (ops.length > 0) return { ...base, state: 'drifted', reasons: ops.map((op) => op.why) }
      if (link.state === 'down')
        return { ...base, state: 'admin-down', reasons: ['administratively down: the lab says state: down'] }
      return { ...base, state: up ? 'up' : 'down', reasons: up ? [] : [down] }
    }
    if ('between' in link && isGuestPair(lab, link)) {
      // A veth between two guests: both ends are inside guests, named as guest interfaces.
      const [endA, endB] = pairEnds(lab.name, link).map((end) =>
        hostOf(end.guest)?.guests[end.guest]?.interfaces.find((x) => x.name === end.ifname),
      )
      const [a, b] = pairEnds(lab.name, link)
      return judge(
        {
          id,
          guestIfname: a.ifname,
          ...(endA
            ? { operState: endA.operState, addresses: [...endA.addresses], mtu: endA.mtu, mac: endA.mac }
            : {}),
        },
        works(endA) && works(endB),
        `operstate ${endA?.operState ?? '?'} in ${a.guest} / ${endB?.operState ?? '?'} in ${b.guest}`,
      )
    }
    if ('between' in link) {
      const [a, b] = wireDevices(lab, link)
      const endA = hostOf(link.between[0])?.interfaces.find((x) => x.name === a)
      const endB = hostOf(link.between[1])?.interfaces.find((x) => x.name === b)
      // A NIC joined to a bridge is one device: the NIC.
      const enslaved = link.between.filter((n) => lab.nodes[n]?.kind === 'uplink').length === 1
      const nicIndex = lab.nodes[link.between[0]]?.kind === 'uplink' ? 0 : 1
      // A tunnel between machines: the far end is the other machine's to judge.
      const elsewhere = (i: 0 | 1) =>
        options.here !== undefined && lab.nodes[link.between[i]]?.host !== options.here
      const up = enslaved
        ? works(nicIndex === 0 ? endA : endB)
        : (elsewhere(0) || works(endA)) && (elsewhere(1) || works(endB))
      return judge(
        { id, hostIfname: a, guestIfname: b },
        up,
        `operstate ${endA?.operState ?? '?'} / ${endB?.operState ?? '?'}`,
      )
    }
    // A macvlan on an uplink has no host end: it lives in the guest alone.
    const macvlan = lab.nodes[link.to]?.kind === 'uplink'
    const hostIfname = guestHostEnd(lab.name, link)
    const ifname = guestIfname(link)
    const inside = hostOf(link.guest)?.guests[link.guest]?.interfaces.find((x) => x.name === ifname)
    const hostEnd = hostOf(link.to)?.interfaces.find((x) => x.name === hostIfname)
    const port = hostOf(link.to)?.ovs?.ports.find((p) => p.name === hostIfname)
    const base = {
      id,
      ...(macvlan ? {} : { hostIfname }),
      guestIfname: ifname,
      ...(inside
        ? { operState: inside.operState, addresses: [...inside.addresses], mtu: inside.mtu, mac: inside.mac }
        : {}),
      ...(inside?.rxBytes !== undefined ? { rxBytes: inside.rxBytes, txBytes: inside.txBytes ?? 0 } : {}),
      ...(hostEnd ? { vlan: port?.tag ?? null, bridge: port?.bridge || hostEnd.master } : {}),
    }
    return judge(
      base,
      works(inside) && (macvlan || works(hostEnd)),
      `operstate ${inside?.operState ?? '?'} in ${link.guest}`,
    )
  })
  const extra = plan.ops
    .filter((op) => op.phase <= 1 && !links.some((l) => l.id === op.linkId))
    .map((op) => ({ id: op.linkId ?? op.node ?? op.id, why: op.why }))
  return {
    inSync: plan.ops.length === 0 && plan.problems.length === 0,
    links,
    extra,
    problems: [...plan.problems],
  }
}
