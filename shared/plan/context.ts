// What every part of the planner needs to know about one host of the lab.
import type { Lab } from '../lab/schema.ts'
import type { ObservedHost } from './observed.ts'
import type { IpTarget, Op, OpExec } from './op.ts'

/** Where a host is: the machine itself (nulls), or a simulated host's netns and OVS database. */
export interface HostPlace {
  readonly netns: string | null
  readonly ovsDb: string | null
  /** A simulated host's OVS files (database, sockets, logs). */
  readonly ovsDir: string | null
}

export const LOCAL_PLACE: HostPlace = { netns: null, ovsDb: null, ovsDir: null }

/** Where DHCP clients keep their pid and lease files, and the event script they run. */
export interface DhcpPlace {
  readonly dir: string
  readonly script: string
}

export interface PlanContext {
  readonly lab: Lab
  readonly host: string
  readonly place: HostPlace
  readonly dhcp?: DhcpPlace
  readonly observed: ObservedHost
  /** Link ids by link index (shared/lab/normalize.ts linkIds). */
  readonly linkIds: readonly string[]
  /** Set when this is the part of a lab spread over machines that this machine plans (plan.ts). */
  readonly here?: string
}

/** A reason the plan cannot be carried out. `capability` exits 3, `conflict` exits 1. */
export interface PlanProblem {
  readonly kind: 'capability' | 'conflict'
  /** The lab path it concerns, e.g. `links[2]` or `nodes.test1`. */
  readonly field: string
  readonly message: string
}

export interface PlanPart {
  readonly ops: Op[]
  readonly problems: PlanProblem[]
}

export const emptyPart = (): PlanPart => ({ ops: [], problems: [] })

/** `ip` in this host's namespace. */
export const hostIp = (ctx: PlanContext): IpTarget =>
  ctx.place.netns ? { kind: 'host', netns: ctx.place.netns } : { kind: 'host' }

/** An ovs-vsctl clause against this host's OVS. */
export const ovsExec = (ctx: PlanContext, clause: readonly string[]): OpExec =>
  ctx.place.ovsDb ? { tool: 'ovs-vsctl', db: ctx.place.ovsDb, clause } : { tool: 'ovs-vsctl', clause }
