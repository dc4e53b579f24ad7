// The planner: desired lab + observed machine → ordered ops. The only place that decides what to
// change; drivers observe, the executor runs, nothing else chooses.
import { LOCAL_HOST, linkIds } from '../lab/normalize.ts'
import type { GuestLink, Lab } from '../lab/schema.ts'
import { planBridges } from './bridges.ts'
import {
  type DhcpPlace,
  type HostPlace,
  LOCAL_PLACE,
  type PlanContext,
  type PlanPart,
  type PlanProblem,
} from './context.ts'
import { planGuestLinks } from './guest-links.ts'
import { planGuestPairs } from './guest-pairs.ts'
import { planGuests, unreadableProblem } from './guests.ts'
import { planHost, planHostRemoval } from './hosts.ts'
import { planImpairments } from './impairments.ts'
import { withAdminState } from './link-state.ts'
import type { Observed } from './observed.ts'
import type { Op } from './op.ts'
import { planRemovals } from './removals.ts'
import { planUplinkAddresses } from './uplinks.ts'
import { planWires } from './wires.ts'

export interface Plan {
  readonly lab: string
  readonly ops: readonly Op[]
  readonly problems: readonly PlanProblem[]
}

export interface PlanOptions {
  readonly pipeworkLine?: (link: GuestLink) => string | null
  /** Where each simulated host lives (its netns and OVS database); the machine itself needs none. */
  readonly places?: Readonly<Record<string, HostPlace>>
  readonly dhcp?: DhcpPlace
  /**
   * This process is that machine of a lab spread over machines (hosts with ssh:): only its host is
   * planned, in the machine's own namespace; the other machines plan their own part.
   */
  readonly here?: string
}

/** Stable order: by phase, then as planned (which keeps each link's ops together). */
const ordered = (ops: readonly Op[]): Op[] =>
  // One op per id: links sharing a device (an 802.1Q sub-interface) each ask for it.
  [...new Map(ops.map((op) => [op.id, op])).values()]
    .map((op, i) => ({ op, i }))
    .sort((a, b) => a.op.phase - b.op.phase || a.i - b.i)
    .map(({ op }) => op)

function contexts(
  lab: Lab,
  observed: Observed,
  options: PlanOptions,
  problems: PlanProblem[],
): PlanContext[] {
  const ids = linkIds(lab.links ?? [])
  const out: PlanContext[] = []
  if (options.here !== undefined) {
    const seen = observed.hosts[options.here]
    if (!lab.hosts?.[options.here]?.ssh || !seen) {
      problems.push({
        kind: 'capability',
        field: `hosts.${options.here}`,
        message: `machine ${options.here} is not a host of lab ${lab.name} reached over ssh`,
      })
      return out
    }
    out.push({
      lab,
      host: options.here,
      place: LOCAL_PLACE,
      observed: seen,
      linkIds: ids,
      here: options.here,
      ...(options.dhcp ? { dhcp: options.dhcp } : {}),
    })
    return out
  }
  for (const [host, spec] of [[LOCAL_HOST, { netns: false }] as const, ...Object.entries(lab.hosts ?? {})]) {
    const seen = observed.hosts[host]
    const place = host === LOCAL_HOST ? LOCAL_PLACE : options.places?.[host]
    if (host !== LOCAL_HOST && !spec.netns) {
      problems.push({
        kind: 'capability',
        field: `hosts.${host}`,
        message: spec.ssh
          ? `host ${host} is a machine reached over ssh; its part is planned there (the engine's machines calls)`
          : `host ${host} is a real remote machine; only simulated hosts (netns: true) are applied`,
      })
      continue
    }
    if (!seen || !place) {
      problems.push({ kind: 'capability', field: `hosts.${host}`, message: `host ${host} was not observed` })
      continue
    }
    out.push({
      lab,
      host,
      place,
      observed: seen,
      linkIds: ids,
      ...(options.dhcp ? { dhcp: options.dhcp } : {}),
    })
  }
  return out
}

export function planLab(lab: Lab, observed: Observed, options: PlanOptions = {}): Plan {
  const problems: PlanProblem[] = []
  const ctxs = contexts(lab, observed, options, problems)
  const parts: PlanPart[] = ctxs.flatMap((ctx) => [
    planRemovals(ctx),
    planHost(ctx),
    planGuests(ctx),
    planBridges(ctx),
    planGuestLinks(ctx, options),
    planGuestPairs(ctx),
    planUplinkAddresses(ctx),
  ])
  parts.push(planWires(lab, ctxs), planImpairments(lab, ctxs))
  for (const part of parts) problems.push(...part.problems)
  const ops = withAdminState(
    lab,
    ctxs,
    parts.flatMap((p) => p.ops),
  )
  return { lab: lab.name, ops: ordered(ops), problems }
}

/** The plan that removes everything the lab made: the same planner, wanting nothing. */
export function planDestroy(lab: Lab, observed: Observed, options: PlanOptions = {}): Plan {
  const problems: PlanProblem[] = []
  const ctxs = contexts(lab, observed, options, problems)
  const empty: Lab = { patchbay: 1, name: lab.name, nodes: {}, links: [] }
  const ops = ctxs.flatMap((ctx) => [
    ...planRemovals({ ...ctx, lab: empty, linkIds: [] }).ops,
    ...planHostRemoval(ctx).ops,
  ])
  // What could not be read may hold the lab's devices: destroying the rest would drop the lab's
  // state while leaving those behind, so nothing is removed until it can be read.
  const unread = ctxs.flatMap((ctx) =>
    Object.values(ctx.observed.guests)
      .filter((g) => g.unreadable !== undefined)
      .map((g) => unreadableProblem(g, `nodes.${g.node}`, `${g.kind} ${g.node}`)),
  )
  return { lab: lab.name, ops: ordered(ops), problems: unread }
}
