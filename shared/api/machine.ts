// The first exchange between an engine and the helper it started on a machine over ssh, before
// the contract's calls: which host of the lab the machine is, and what the machine has.
import { z } from 'zod'
import { nodeNameProblem } from '../lab/names.ts'
import { NodeName, Vlan } from '../lab/schema.ts'

export const MACHINE_HELLO = 'machine.hello'

/** A notification (no id) from a machine's helper: a step of its apply is done (a ProgressEvent). */
export const MACHINE_PROGRESS = 'machine.progress'

export const MachineHello = z.object({
  machine: z.string().refine((name) => nodeNameProblem(name) === null, 'not a host name'),
})

export const MachineFacts = z.object({
  /** The sha256 of the helper's own file (null: it could not read itself). */
  sha256: z.string().nullable(),
  node: z.string(),
  /** Why Open vSwitch does not answer there, or null when it does. */
  ovs: z.string().nullable(),
  /** Why the kernel's VXLAN cannot be made there, or null when it can. */
  vxlan: z.string().nullable(),
})
export type MachineFacts = z.infer<typeof MachineFacts>

/**
 * Watching the lab's part on the machine (its own ssh session): answered once every monitor runs
 * and each link's state went out once; then every event comes as a MACHINE_EVENT notification
 * (a JSON-RPC request without id) until the session's stdin closes.
 */
export const MACHINE_WATCH = 'machine.watch'
export const MACHINE_EVENT = 'machine.event'

export const MachineWatch = z.object({
  lab: z.unknown(),
  heal: z.boolean().optional(),
  counters: z.boolean().optional(),
})
export type MachineWatch = z.infer<typeof MachineWatch>

/**
 * The lab's part as the machine has it (`domains --observed` of a lab over machines): what it
 * observes, as a lab (observedLab), and the tunnel ends it holds, which the engine joins with the
 * other machines' ends. Read back as input from outside: the lab is parsed with the lab schema.
 */
export const MACHINE_OBSERVED = 'machine.observed'

export const MachineObservedRequest = z.object({ lab: z.unknown() })

export const MachineTunnelEnd = z.strictObject({
  wire: z.string().min(1).max(512),
  bridge: NodeName,
  ovs: z.boolean(),
  vlan: Vlan.optional(),
  trunk: z.array(Vlan).max(4094).optional(),
  native: Vlan.optional(),
})

export const MachineObserved = z.strictObject({
  lab: z.unknown(),
  tunnels: z.array(MachineTunnelEnd).max(10_000),
})
export type MachineObserved = z.infer<typeof MachineObserved>
