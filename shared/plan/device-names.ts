// Names and ownership marks of what a lab creates. Derived from the lab alone, so plan, apply,
// status and destroy agree on them without asking each other.
import { md5 } from '@noble/hashes/legacy.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'
import { IFNAME_MAX_BYTES, isIfname, isLabName, isLinkId, isNodeName } from '../lab/names.ts'
import { guestIfname } from '../lab/normalize.ts'
import type { GuestLink, Lab, LabNode, WireLink } from '../lab/schema.ts'
import type { HostPlace } from './context.ts'

const shortHash = (text: string, length: number): string =>
  bytesToHex(md5(utf8ToBytes(text))).slice(0, length)

/**
 * `want` when it fits in an interface name, else its start and a hash of the whole: readable in
 * `ip link` and still unique. (pipework's `v${ifname}pl${pid}` broke past 15 bytes; this cannot.)
 */
export function fitIfname(want: string, salt: string): string {
  if (want.length <= IFNAME_MAX_BYTES) return want
  const hash = shortHash(`${salt}\n${want}`, 4)
  return `${want.slice(0, IFNAME_MAX_BYTES - hash.length - 1)}-${hash}`
}

/** Host end of a guest's veth: `test1-eth1`, or the link's own `hostIfname`. */
export const guestHostEnd = (labName: string, link: GuestLink): string =>
  link.hostIfname ?? fitIfname(`${link.guest}-${guestIfname(link)}`, labName)

/** The two ends of a wire, each named after the bridge it sits on and the one it leads to. */
export const wireEnds = (labName: string, wire: WireLink): [string, string] =>
  wire.ifnames ?? [
    fitIfname(`${wire.between[0]}-${wire.between[1]}`, labName),
    fitIfname(`${wire.between[1]}-${wire.between[0]}`, labName),
  ]

/** One end of a veth between two guests (`between: [guestA, guestB]`), in the order of `between`. */
export interface PairEnd {
  readonly end: 0 | 1
  readonly guest: string
  /** The other guest. */
  readonly peer: string
  readonly ifname: string
  readonly link: GuestLink
}

/**
 * Each end of a guest pair as the guest link it behaves like inside its guest (name, addresses,
 * MAC, MTU), so the guest side is configured, checked and shown as a guest link's is.
 */
export function pairEnds(labName: string, wire: WireLink): [PairEnd, PairEnd] {
  const names = wireEnds(labName, wire)
  const end = (i: 0 | 1): PairEnd => {
    const guest = wire.between[i]
    const peer = wire.between[i === 0 ? 1 : 0]
    const ip = wire.ips?.[i]
    const ips = ip === undefined ? [] : Array.isArray(ip) ? ip : [ip]
    const mac = wire.macs?.[i]
    return {
      end: i,
      guest,
      peer,
      ifname: names[i],
      link: {
        guest,
        to: peer,
        ifname: names[i],
        ...(ips.length > 0 ? { ip: ips } : {}),
        ...(mac !== undefined ? { mac } : {}),
        ...(wire.mtu !== undefined ? { mtu: wire.mtu } : {}),
      },
    }
  }
  return [end(0), end(1)]
}

/**
 * The Docker name of a container node. One the lab creates is `<lab>.<node>` (containerlab's
 * `clab-<lab>-<node>` idea, collision-free): two labs with a node `test1` cannot meet, and
 * one-letter node names stay valid for Docker.
 * One the lab only uses (no image) is the container of that very name.
 */
export const containerName = (labName: string, nodeName: string, node: LabNode | undefined): string =>
  node?.kind === 'container' && node.image !== undefined ? labScoped(labName, nodeName) : nodeName

/**
 * A machine-wide name made from the lab's name and one of its own: `<lab>.<name>`. Lab names
 * have no `.`, so the first `.` ends the lab's part: lab `a` with `b-c` and lab `a-b` with `c`
 * give `a.b-c` and `a-b.c`, never the same name (with `-` between, both were `a-b-c`).
 */
export const labScoped = (labName: string, name: string): string => `${labName}.${name}`

/** The netns of a simulated host. */
export const simulatedHostNetns = (labName: string, host: string): string => labScoped(labName, host)

/**
 * Where a simulated host lives: its netns, and its OVS files in a directory per lab, then per host
 * (`<stateDir>/ovs/<lab>/<host>`), which two labs cannot share either.
 */
export function simulatedHostPlace(labName: string, host: string, stateDir: string): HostPlace {
  const ovsDir = `${stateDir.replace(/\/+$/, '')}/ovs/${labName}/${host}`
  return { netns: simulatedHostNetns(labName, host), ovsDir, ovsDb: `${ovsDir}/db.sock` }
}

/**
 * The devices a wire is made of: its two veth ends (or tunnel ends), except that the cable between
 * two simulated hosts' uplinks is made of the NICs those uplinks name.
 */
export function wireDevices(lab: Lab, wire: WireLink): [string, string] {
  const names = wireEnds(lab.name, wire)
  const device = (i: 0 | 1): string => {
    const node = lab.nodes[wire.between[i]]
    return node?.kind === 'uplink' && node.interface ? node.interface : names[i]
  }
  return [device(0), device(1)]
}

// Ownership marks. An interface's alias, an OVS record's external_ids and a container's labels say
// which lab made it; destroy and re-apply touch only what carries their lab's mark.
export const MARK_PREFIX = 'patchbay'
export const linkMark = (labName: string, linkId: string): string =>
  `${MARK_PREFIX}:${labName}:link:${linkId}`
export const nodeMark = (labName: string, node: string): string => `${MARK_PREFIX}:${labName}:node:${node}`

/** One end (`a` = the first of `between`, `b` the second) of a wire's veth pair or tunnel. */
export const wireMark = (labName: string, wireId: string, end: 'a' | 'b'): string =>
  `${MARK_PREFIX}:${labName}:wire:${end}:${wireId}`

/** A host NIC moved into a guest (--direct-phys): the mark remembers its name, to give it back. */
export const physMark = (labName: string, linkId: string, nic: string): string =>
  `${MARK_PREFIX}:${labName}:phys:${nic}:${linkId}`

export type Mark =
  | { lab: string; kind: 'link' | 'node'; id: string }
  | { lab: string; kind: 'wire'; id: string; end: 'a' | 'b' }
  | { lab: string; kind: 'phys'; id: string; nic: string }

/**
 * A mark read back from the machine, or null. Marks are untrusted: a guest with CAP_NET_ADMIN
 * writes its own interfaces' aliases. So every part must match the grammar of what patchbay
 * writes (lab and node names, link ids, interface names), whole; anything else is no mark at all.
 */
export function parseMark(alias: string | null | undefined): Mark | null {
  if (!alias?.startsWith(`${MARK_PREFIX}:`) || alias.length > 256) return null
  const [, lab, kind, ...rest] = alias.split(':')
  if (lab === undefined || !isLabName(lab) || rest.length === 0) return null
  if (kind === 'link') {
    const id = rest.join(':')
    return isLinkId(id) ? { lab, kind, id } : null
  }
  if (kind === 'node') {
    // A simulated host marks its namespace's lo as `node:host:<name>`.
    const id = rest.join(':')
    const name = id.startsWith('host:') ? id.slice('host:'.length) : id
    return isNodeName(name) ? { lab, kind, id } : null
  }
  const [first, ...more] = rest
  const id = more.join(':')
  if (kind === 'wire' && (first === 'a' || first === 'b') && isLinkId(id))
    return { lab, kind, id, end: first }
  if (kind === 'phys' && first !== undefined && isIfname(first) && isLinkId(id))
    return { lab, kind, id, nic: first }
  return null
}

/** OVS external_ids keys and Docker label keys. */
export const OVS_LAB_KEY = 'patchbay-lab'
export const OVS_LINK_KEY = 'patchbay-link'
/** On a NIC's port: the lab made the NIC promiscuous, so destroy makes it not. */
export const OVS_PROMISC_KEY = 'patchbay-promisc'
export const DOCKER_LAB_LABEL = 'patchbay.lab'
export const DOCKER_NODE_LABEL = 'patchbay.node'
