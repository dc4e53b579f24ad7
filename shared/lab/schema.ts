// The lab file, version 1, as a zod schema: the shape of every field. Rules that relate fields to
// each other (references, subnets, duplicates) live in validate.ts, where they can see the whole lab.
import { z } from 'zod'
import { addressProblem, cidrProblem } from './addresses.ts'
import { macProblem } from './mac.ts'
import { ifnameProblem, imageProblem, labNameProblem, nodeNameProblem } from './names.ts'
import { FIELD_PROBLEM, NETEM_FIELDS, type NetemField, netemRelationProblems } from './netem.ts'
import { sshHostProblem, sshPathProblem, sshPortProblem, sshTargetProblem, sshUserProblem } from './ssh.ts'
import { vlanProblem } from './vlan.ts'

export const LAB_VERSION = 1

function checked<T>(base: z.ZodType<T>, problem: (value: T) => string | null) {
  return base.superRefine((value, ctx) => {
    const message = problem(value)
    if (message) ctx.addIssue({ code: 'custom', message, input: value })
  })
}

export const IfName = checked(z.string(), ifnameProblem)
export const NodeName = checked(z.string(), nodeNameProblem)
export const Vlan = checked(z.number(), vlanProblem)
export const Mtu = checked(z.number(), (mtu) =>
  Number.isInteger(mtu) && mtu >= 68 && mtu <= 65535 ? null : `MTU ${mtu} is outside 68-65535`,
)
export const Vni = checked(z.number(), (vni) =>
  Number.isInteger(vni) && vni >= 1 && vni <= 16777215 ? null : `VNI ${vni} is outside 1-16777215`,
)
export const Mac = checked(z.string(), macProblem)
export const Cidr = checked(z.string(), cidrProblem)
export const Address = checked(z.string(), addressProblem)

/** `ip:` of a guest link: one CIDR, a list of CIDRs (IPv4 and IPv6 may mix), or `dhcp`. */
export const IpSetting = z.union([z.literal('dhcp'), Cidr, z.array(Cidr).min(1)])

export const DhcpClient = z.enum(['udhcpc', 'dhclient', 'dhcpcd'])

const placed = { host: NodeName.optional() }

export const OvsBridgeNode = z.strictObject({
  kind: z.literal('ovs-bridge'),
  ...placed,
  ip: z.union([Cidr, z.array(Cidr).min(1)]).optional(),
  /** `auto` (default) tries the kernel datapath and falls back to userspace `netdev`. */
  datapath: z.enum(['auto', 'system', 'netdev']).optional(),
})

export const LinuxBridgeNode = z.strictObject({
  kind: z.literal('linux-bridge'),
  ...placed,
  ip: z.union([Cidr, z.array(Cidr).min(1)]).optional(),
  /** Turned on by any VLAN on the bridge's links; `false` with VLANs there is an error. */
  vlanFiltering: z.boolean().optional(),
})

export const ContainerNode = z.strictObject({
  kind: z.literal('container'),
  ...placed,
  /** With an image the lab creates (and destroy removes) the container; without, it must exist. */
  image: checked(z.string(), imageProblem).optional(),
  command: z.array(z.string()).optional(),
})

export const NetnsNode = z.strictObject({ kind: z.literal('netns'), ...placed })

export const UplinkNode = z.strictObject({
  kind: z.literal('uplink'),
  ...placed,
  /** The host NIC; pipework's `mac:` form names it by its MAC address instead. */
  interface: IfName.optional(),
  mac: Mac.optional(),
  promisc: z.boolean().optional(),
  /** The host's own address on this NIC: only on a simulated host, whose NICs the lab makes. */
  ip: z.union([Cidr, z.array(Cidr).min(1)]).optional(),
})

export const LabNode = z.discriminatedUnion('kind', [
  OvsBridgeNode,
  LinuxBridgeNode,
  ContainerNode,
  NetnsNode,
  UplinkNode,
])
export const NODE_KINDS = ['ovs-bridge', 'linux-bridge', 'container', 'netns', 'uplink'] as const

const NETEM_EXAMPLE: Record<NetemField, string> = {
  delay: '40ms',
  jitter: '5ms',
  loss: '1%',
  rate: '10mbit',
  corrupt: '0.1%',
  duplicate: '1%',
  reorder: '25%',
}

/** One netem field: a string in tc's units; a number or anything else names its value. */
const netemValue = (field: NetemField) =>
  checked(
    z.string({
      error: (issue) =>
        `${JSON.stringify(issue.input)} is not a ${field} value: write it as a string in tc's units, e.g. "${NETEM_EXAMPLE[field]}"`,
    }),
    FIELD_PROBLEM[field],
  )

/** Impairments of a link (tc netem; `rate` alone is a tbf token bucket). See netem.ts. */
export const Netem = z
  .strictObject(
    Object.fromEntries(NETEM_FIELDS.map((f) => [f, netemValue(f).optional()])) as {
      [K in NetemField]: z.ZodOptional<ReturnType<typeof netemValue>>
    },
  )
  .superRefine((spec, ctx) => {
    for (const { field, message } of netemRelationProblems(spec))
      ctx.addIssue({ code: 'custom', message, path: [field], input: spec[field] })
  })

/** Administrative state of a link: `down` sets both ends down, on purpose (not a failure). */
export const LinkState = z.enum(['up', 'down'])

/** A guest's interface plugged into a bridge or an uplink: one pipework invocation. */
export const GuestLink = z.strictObject({
  guest: NodeName,
  to: NodeName,
  ifname: IfName.optional(),
  hostIfname: IfName.optional(),
  ip: IpSetting.optional(),
  gateway: z.union([Address, z.array(Address).min(1).max(2)]).optional(),
  mac: Mac.optional(),
  vlan: Vlan.optional(),
  mtu: Mtu.optional(),
  dhcpClient: DhcpClient.optional(),
  /** pipework --direct-phys: move the uplink NIC itself into the guest. */
  directPhys: z.boolean().optional(),
  netem: Netem.optional(),
  state: LinkState.optional(),
})

/** The addresses of one end of a veth between two guests: a CIDR, a list (maybe empty: none). */
export const PairEndIp = z.union([Cidr, z.array(Cidr)])

/**
 * A cable between two bridges (or a bridge and an uplink NIC), optionally a tunnel; or, between two
 * guests, a veth with one end in each (containerlab's links), where `ips` and `macs` set the ends.
 */
export const WireLink = z.strictObject({
  between: z.tuple([NodeName, NodeName]),
  /** VLANs carried tagged. Absent: on OVS every VLAN, on a Linux bridge the untagged traffic only. */
  trunk: z.array(Vlan).min(1).optional(),
  /** Untagged frames on the wire belong to this VLAN; a pair gives each end its own (a mismatch). */
  native: z.union([Vlan, z.tuple([Vlan, Vlan])]).optional(),
  /** Both ends are access ports of this VLAN. */
  vlan: Vlan.optional(),
  via: z.enum(['veth', 'vxlan']).optional(),
  vni: Vni.optional(),
  /** The uplink on each end's host whose address carries the tunnel (local and remote). */
  underlay: z.tuple([NodeName, NodeName]).optional(),
  ifnames: z.tuple([IfName, IfName]).optional(),
  mtu: Mtu.optional(),
  netem: Netem.optional(),
  state: LinkState.optional(),
  /** Between two guests only: each end's addresses, in the order of `between`. */
  ips: z.tuple([PairEndIp, PairEndIp]).optional(),
  /** Between two guests only: each end's MAC. */
  macs: z.tuple([Mac, Mac]).optional(),
})

export const LabLink = z.union([GuestLink, WireLink])

/** A real machine reached over SSH: `user@host`, or the long form with port and key files. */
export const SshSpec = z.union([
  checked(z.string(), sshTargetProblem),
  z.strictObject({
    user: checked(z.string(), sshUserProblem),
    host: checked(z.string(), sshHostProblem),
    port: checked(z.number(), sshPortProblem).optional(),
    identityFile: checked(z.string(), sshPathProblem).optional(),
    knownHostsFile: checked(z.string(), sshPathProblem).optional(),
  }),
])

export const LabHost = z.strictObject({
  /** A simulated host: its own network namespace and its own Open vSwitch instance. */
  netns: z.boolean().optional(),
  /** A real machine, reached over SSH (validate.ts: exactly one of `netns: true` and `ssh`). */
  ssh: SshSpec.optional(),
  /** The machine's own NIC address that VXLAN wires to other machines use; default the ssh host's. */
  address: Address.optional(),
})

/** An exercise the lab carries (exercise.ts checks it and grades it with `patchbay check`). */
const Pair = z.tuple([z.string().min(1), z.string().min(1)])
export const ReachGoal = z.strictObject({ reach: Pair })
export const IsolatedGoal = z.strictObject({ isolated: Pair })
export const TrunkGoal = z.strictObject({ trunk: z.string().min(1), carries: z.array(Vlan).min(1) })
export const ExerciseGoal = z.union([ReachGoal, IsolatedGoal, TrunkGoal])
export const Exercise = z.strictObject({ title: z.string().min(1), goals: z.array(ExerciseGoal).min(1) })

export const Position = z.strictObject({ x: z.number(), y: z.number() })

export const Lab = z.strictObject({
  patchbay: z.literal(LAB_VERSION, {
    error: (issue) =>
      issue.input === undefined
        ? `a lab file starts with "patchbay: ${LAB_VERSION}"`
        : `lab file version ${JSON.stringify(issue.input)} is not supported; this patchbay reads version ${LAB_VERSION}`,
  }),
  name: checked(z.string(), labNameProblem),
  hosts: z.record(z.string(), LabHost).optional(),
  nodes: z.record(z.string(), LabNode),
  links: z.array(LabLink).optional(),
  layout: z.record(z.string(), Position).optional(),
  exercise: Exercise.optional(),
})

export type Lab = z.infer<typeof Lab>
export type LabNode = z.infer<typeof LabNode>
export type NodeKind = LabNode['kind']
export type GuestLink = z.infer<typeof GuestLink>
export type WireLink = z.infer<typeof WireLink>
export type LabLink = z.infer<typeof LabLink>
export type LabHost = z.infer<typeof LabHost>
export type Netem = z.infer<typeof Netem>
export type LinkState = z.infer<typeof LinkState>
export type SshSpec = z.infer<typeof SshSpec>
export type ExerciseGoal = z.infer<typeof ExerciseGoal>
export type Exercise = z.infer<typeof Exercise>

export const isWire = (link: LabLink): link is WireLink => 'between' in link
export const isGuestLink = (link: LabLink): link is GuestLink => 'guest' in link

/** A `between` link whose two ends are guests: a veth straight from one guest into the other. */
export const isGuestPair = (lab: Pick<Lab, 'nodes'>, link: LabLink): boolean =>
  'between' in link &&
  GUEST_KINDS.has(lab.nodes[link.between[0]]?.kind ?? 'uplink') &&
  GUEST_KINDS.has(lab.nodes[link.between[1]]?.kind ?? 'uplink')

export const BRIDGE_KINDS: ReadonlySet<NodeKind> = new Set(['ovs-bridge', 'linux-bridge'])
export const GUEST_KINDS: ReadonlySet<NodeKind> = new Set(['container', 'netns'])
