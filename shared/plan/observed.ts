// What the machine has, as observed by electron/core/observe: plain data, so the planner stays pure.
import type { ObservedQdisc } from './qdisc.ts'

export interface ObservedInterface {
  readonly ifindex: number
  readonly name: string
  /** `veth`, `bridge`, `openvswitch`, `macvlan`, … or null for a plain device. */
  readonly kind: string | null
  readonly alias: string | null
  readonly adminUp: boolean
  readonly promisc?: boolean
  /** The kernel's operstate: UP, DOWN, LOWERLAYERDOWN, UNKNOWN. */
  readonly operState: string
  /** LOWER_UP among its flags: running with a carrier, as of now (operstate follows it later). */
  readonly lowerUp?: boolean
  readonly mtu: number
  readonly mac: string
  /** The bridge (or OVS system interface) it is a port of. */
  readonly master: string | null
  /** For a veth: the ifindex of its peer (in the peer's namespace). */
  readonly peerIfindex: number | null
  /** For a veth whose peer is in another namespace: that namespace's id (nsid) as this one numbers it. */
  readonly peerNetnsId?: number
  /** For a macvlan or 802.1Q device: the ifindex of the device it sits on (maybe in another namespace). */
  readonly parentIfindex?: number | null
  /** CIDRs, global scope only (link-local addresses come and go by themselves). */
  readonly addresses: readonly string[]
  readonly vlanFiltering?: boolean
  /** Its root qdisc, where read (the host's devices); null or absent: the kernel's default. */
  readonly qdisc?: ObservedQdisc | null
  /** Byte counters, read where asked for (guests' interfaces). */
  readonly rxBytes?: number
  readonly txBytes?: number
}

/**
 * Whether an interface passes frames. operstate UP says so; UNKNOWN is a device with no operstate
 * of its own (VXLAN), working when up. The kernel moves operstate to UP by its linkwatch work up to
 * a second after the carrier came, so an end just set up reads DOWN with LOWER_UP meanwhile:
 * LOWER_UP is the carrier as of now, and that end works.
 */
export function carriesFrames(i: Pick<ObservedInterface, 'adminUp' | 'operState' | 'lowerUp'>): boolean {
  if (!i.adminUp) return false
  if (i.operState === 'UP' || i.operState === 'UNKNOWN') return i.lowerUp !== false
  return i.operState === 'DOWN' && i.lowerUp === true
}

export interface ObservedRoute {
  readonly gateway: string
  readonly dev: string
  readonly family: 4 | 6
}

export interface ObservedOvsPort {
  readonly name: string
  readonly bridge: string
  readonly tag: number | null
  readonly trunks: readonly number[]
  readonly vlanMode: string | null
  readonly externalIds: Readonly<Record<string, string>>
}

export interface ObservedOvsBridge {
  readonly name: string
  readonly datapathType: string
  readonly externalIds: Readonly<Record<string, string>>
}

export interface ObservedOvs {
  readonly bridges: readonly ObservedOvsBridge[]
  readonly ports: readonly ObservedOvsPort[]
}

/** Where a guest's network namespace is: a named netns, or a container's process. */
export type GuestNetns =
  | { readonly kind: 'netns'; readonly name: string }
  | {
      readonly kind: 'pid'
      readonly pid: number
      /** The process's start time as observed (/proc/PID/stat field 22): a pid is re-checked with it before use. */
      readonly started?: string | null
    }

export interface ObservedGuest {
  readonly node: string
  readonly kind: 'container' | 'netns'
  readonly exists: boolean
  readonly running: boolean
  /** Made by this lab (a labelled container; a netns whose `lo` carries the lab's mark). */
  readonly owned: boolean
  readonly netns: GuestNetns | null
  /** A container's Docker name. */
  readonly container?: string
  /** The kernel's name of its namespace (`net:[4026532571]`): a restarted container has a new one. */
  readonly netnsId?: string
  readonly interfaces: readonly ObservedInterface[]
  readonly routes: readonly ObservedRoute[]
  /**
   * Why its state could not be read (Docker not answering, a namespace whose reply does not parse):
   * nothing is planned for it or its links, and status says this sentence.
   */
  readonly unreadable?: string
}

export interface ObservedContainer {
  readonly name: string
  readonly node: string
  readonly running: boolean
}

export interface Capabilities {
  readonly ovs: boolean
  readonly ovsKernelDatapath: boolean
  readonly vlan8021q: boolean
  readonly bridgeVlanFiltering: boolean
  readonly macvlan: boolean
  /** The netem qdisc (sch_netem): delay, loss and the other impairments besides a plain rate. */
  readonly netem: boolean
  /** How to run a udhcpc-compatible DHCP client here (`udhcpc`, or busybox's), or null. */
  readonly dhcpClient: readonly string[] | null
}

/** A DHCP client patchbay started for a guest link and that still runs. */
export interface ObservedDhcpClient {
  readonly linkId: string
  readonly pid: number
  /** The namespace it runs in (`net:[…]`); it keeps that namespace alive while it runs. */
  readonly netns?: string
  /** The last lease its event script recorded. */
  readonly address: string | null
}

export interface ObservedHost {
  /** The host exists and is this lab's (always true for the machine itself). */
  readonly present: boolean
  readonly interfaces: readonly ObservedInterface[]
  readonly ovs: ObservedOvs | null
  readonly netns: readonly string[]
  readonly guests: Readonly<Record<string, ObservedGuest>>
  /** This lab's running DHCP clients (the same list on every host: they run from the machine). */
  readonly dhcpClients: readonly ObservedDhcpClient[]
  /** Containers carrying this lab's label, including ones the lab no longer names. */
  readonly labContainers: readonly ObservedContainer[]
  readonly capabilities: Capabilities
  /**
   * Host NICs the lab's state file says it moved into guests (`directPhys`). A guest can write
   * a `phys` mark on any interface of its own; only a NIC listed here is ever moved back.
   */
  readonly movedNics?: readonly { readonly linkId: string; readonly nic: string }[]
}

export interface Observed {
  readonly hosts: Readonly<Record<string, ObservedHost>>
}
