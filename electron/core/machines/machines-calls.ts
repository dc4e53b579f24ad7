// A lab spread over machines: the engine's calls, each sent to every machine of the lab over its
// ssh link (machine-link.ts), run there by that machine's engine on its own part, and the replies
// put together. Every op and problem says which machine it is on. When one machine fails an apply,
// the machines that applied are rolled back, and the reply names the machine that failed.
import { randomUUID } from 'node:crypto'
import {
  type ApplyReply,
  type PlanReply,
  ProgressEvent,
  type StatusReply,
  type VerifyReply,
} from '../../../shared/api/contract.ts'
import { MACHINE_PROGRESS } from '../../../shared/api/machine.ts'
import { domainsReply } from '../../../shared/api/replies.ts'
import { compareDomains } from '../../../shared/l2/domain-diff.ts'
import { broadcastDomains } from '../../../shared/l2/domains.ts'
import type { Lab } from '../../../shared/lab/schema.ts'
import { sshDestination } from '../../../shared/lab/ssh.ts'
import { type EngineCalls, labOf, type ProgressEvent as Progress, ServiceError } from '../calls.ts'
import { joinObservedLabs } from '../observed-lab.ts'
import { MachineLink, type MachineLinkOptions } from './machine-link.ts'

/** The hosts of a lab that are machines reached over ssh. */
export const machinesOf = (lab: Lab): string[] =>
  Object.entries(lab.hosts ?? {})
    .filter(([, spec]) => spec.ssh !== undefined)
    .map(([name]) => name)

type Outcome<T> =
  | { machine: string; ok: true; value: T }
  | { machine: string; ok: false; error: ServiceError }

/** A plan shown for a lab over machines: each machine's own plan id. */
interface KeptPlan {
  readonly lab: Lab
  readonly ids: ReadonlyMap<string, string>
  /** Ops of every machine together: what progress counts to. */
  readonly total: number
}

/** An apply running on the machines: each machine's steps count towards the one plan shown. */
interface Running {
  readonly planId: string
  readonly total: number
  done: number
}

export interface MachinesCalls extends EngineCalls {
  /** Ends every machine's helper. */
  close(): void
}

/** The calls, for labs over machines through their links, for every other lab through `local`. */
export function machinesCalls(
  local: EngineCalls,
  options: MachineLinkOptions,
  onProgress: (event: Progress) => void = () => {},
): MachinesCalls {
  const links = new Map<string, MachineLink>()
  const plans = new Map<string, KeptPlan>()
  /** By `machine plan-id`: the apply a machine's progress belongs to. */
  const running = new Map<string, Running>()

  /** A machine's step done: said as a step of the plan shown, if it belongs to an apply running. */
  const heard = (machine: string, method: string, params: unknown) => {
    const event = method === MACHINE_PROGRESS ? ProgressEvent.safeParse(params) : null
    const apply = event?.success ? running.get(`${machine} ${event.data.planId}`) : undefined
    if (!event?.success || !apply) return
    apply.done = Math.min(apply.done + 1, apply.total)
    onProgress({
      type: 'progress',
      planId: apply.planId,
      done: apply.done,
      total: apply.total,
      op: event.data.op,
    })
  }

  const linkOf = (lab: Lab, machine: string): MachineLink => {
    const dest = sshDestination(lab.hosts![machine]!.ssh!)
    const key = JSON.stringify([machine, dest])
    let link = links.get(key)
    if (!link) {
      link = new MachineLink(machine, dest, options)
      link.onNotice = (method, params) => heard(machine, method, params)
      links.set(key, link)
    }
    return link
  }

  /** One call on every machine at once; each machine's own failure is kept, not thrown. */
  const everywhere = <T>(
    lab: Lab,
    work: (link: MachineLink) => Promise<T>,
    only?: ReadonlySet<string>,
  ): Promise<Outcome<T>[]> =>
    Promise.all(
      machinesOf(lab)
        .filter((machine) => !only || only.has(machine))
        .map(async (machine): Promise<Outcome<T>> => {
          const link = linkOf(lab, machine)
          try {
            if (!link.alive) checkFacts(lab, machine, await link.open())
            return { machine, ok: true, value: await work(link) }
          } catch (e) {
            link.close()
            const error =
              e instanceof ServiceError
                ? e
                : new ServiceError('failed', `${link.label}: ${(e as Error).message}`)
            return { machine, ok: false, error }
          }
        }),
    )

  /** Every machine or none: the first machine's failure is the call's. */
  const all = async <T>(lab: Lab, work: (link: MachineLink) => Promise<T>): Promise<Map<string, T>> => {
    const outcomes = await everywhere(lab, work)
    const failed = outcomes.find((o) => !o.ok)
    if (failed && !failed.ok) throw failed.error
    return new Map(outcomes.map((o) => [o.machine, (o as { value: T }).value]))
  }

  const planEverywhere = async (lab: Lab): Promise<PlanReply & { planId: string }> => {
    const outcomes = await everywhere(lab, (link) => link.call('planLab', { lab }))
    const ids = new Map<string, string>()
    const merged: PlanReply = { lab: lab.name, ops: [], problems: [] }
    for (const o of outcomes) {
      if (!o.ok) {
        merged.problems.push({ kind: 'capability', field: `hosts.${o.machine}`, message: o.error.message })
        continue
      }
      ids.set(o.machine, o.value.planId)
      merged.ops.push(...o.value.ops.map((op) => ({ ...op, host: o.machine })))
      merged.problems.push(
        ...o.value.problems.map((p) => ({ ...p, message: `machine ${o.machine}: ${p.message}` })),
      )
    }
    merged.ops.sort((a, b) => a.phase - b.phase)
    const planId = randomUUID()
    plans.set(planId, { lab, ids, total: merged.ops.length })
    return { ...merged, planId }
  }

  const destroyEverywhere = async (lab: Lab, only?: ReadonlySet<string>): Promise<ApplyReply> => {
    const started = performance.now()
    const outcomes = await everywhere(lab, (link) => link.call('destroyLab', { lab }), only)
    return mergeApplies(lab, outcomes, started)
  }

  return {
    // Calls about this machine itself, or not yet spread over machines, stay here.
    ...local,
    domains: async (request) => {
      const lab = labOf(request.lab)
      if (machinesOf(lab).length === 0 || !request.observed) return local.domains(request)
      // Each machine's part as it has it, joined across the VXLAN wires between them.
      const parts = await all(lab, (link) => link.observed(lab))
      const analysis = broadcastDomains(joinObservedLabs(lab.name, [...parts.values()]))
      const disagreements = compareDomains(broadcastDomains(lab), analysis).map((d) => ({
        ...d,
        members: [...d.members],
      }))
      return { ...domainsReply(analysis, analysis.problems), disagreements }
    },
    planLab: async (request) => {
      const lab = labOf(request.lab)
      return machinesOf(lab).length === 0 ? local.planLab(request) : planEverywhere(lab)
    },
    applyPlan: async (request) => {
      const kept = plans.get(request.planId)
      if (!kept) return local.applyPlan(request)
      plans.delete(request.planId)
      const { lab, ids, total } = kept
      if (ids.size !== machinesOf(lab).length)
        throw new ServiceError(
          'capability',
          'a machine of the lab was unreachable when it was planned; plan again',
        )
      const started = performance.now()
      const apply: Running = { planId: request.planId, total, done: 0 }
      for (const [machine, id] of ids) running.set(`${machine} ${id}`, apply)
      const outcomes = await everywhere(lab, (link) =>
        link.call('applyPlan', { planId: ids.get(link.machine)! }),
      ).finally(() => {
        for (const [machine, id] of ids) running.delete(`${machine} ${id}`)
      })
      // An interrupted run undone first on a machine (its journal) is said, whatever happens next.
      const recovered = sumRecovered(outcomes.map((o) => (o.ok ? o.value.recovered : undefined)))
      const stale = outcomes.some((o) => o.ok && 'ran' in o.value)
      const failed = outcomes.some((o) => !o.ok || ('ok' in o.value && !o.value.ok))
      if (!stale && !failed) return mergeApplies(lab, outcomes as Outcome<ApplyReply>[], started)
      // Undo every machine that applied: the lab is on all of its machines or on none.
      const applied = new Set(
        outcomes
          .filter((o) => o.ok && 'ok' in o.value && o.value.ok && o.value.done.length > 0)
          .map((o) => o.machine),
      )
      const undone = applied.size > 0 ? await destroyEverywhere(lab, applied) : null
      if (!failed) {
        const fresh = await planEverywhere(lab)
        return {
          ran: false as const,
          why: 'a machine changed since this plan was made; this is the plan it needs now',
          plan: fresh,
          ...(recovered ? { recovered } : {}),
        }
      }
      const merged = mergeApplies(
        lab,
        outcomes.map((o) =>
          o.ok && 'ran' in o.value ? { ...o, value: null } : o,
        ) as Outcome<ApplyReply | null>[],
        started,
      )
      const rollbackErrors = [
        ...(merged.rollbackErrors ?? []),
        ...(undone && !undone.ok && undone.failed ? [undone.failed.error] : []),
      ]
      return {
        ...merged,
        ok: false,
        rolledBack: [...merged.rolledBack, ...(undone?.done ?? [])],
        ...(rollbackErrors.length > 0 ? { rollbackErrors } : {}),
        ...(recovered ? { recovered } : {}),
      }
    },
    destroyLab: async (request) => {
      const lab = labOf(request.lab)
      return machinesOf(lab).length === 0 ? local.destroyLab(request) : destroyEverywhere(lab)
    },
    statusLab: async (request) => {
      const lab = labOf(request.lab)
      if (machinesOf(lab).length === 0) return local.statusLab(request)
      return mergeStatus(lab, await all(lab, (link) => link.call('statusLab', { lab })))
    },
    verifyLab: async (request) => {
      const lab = labOf(request.lab)
      if (machinesOf(lab).length === 0) return local.verifyLab(request)
      const replies = await all(lab, (link) => link.call('verifyLab', { lab }))
      const pairs = [...replies.values()].flatMap((r) => r.pairs)
      return { ok: [...replies.values()].every((r) => r.ok), pairs } satisfies VerifyReply
    },
    close() {
      for (const link of links.values()) link.close()
      links.clear()
    },
  }
}

/** A machine without what its part of the lab needs is refused before anything runs there. */
function checkFacts(
  lab: Lab,
  machine: string,
  facts: { node: string; ovs: string | null; vxlan: string | null },
) {
  const major = Number(/^v(\d+)/.exec(facts.node)?.[1] ?? 0)
  if (major < 20)
    throw new ServiceError(
      'capability',
      `machine ${machine} has Node.js ${facts.node}; its helper needs 20 or later`,
    )
  const onIt = Object.values(lab.nodes).filter((n) => n.host === machine)
  if (facts.ovs && onIt.some((n) => n.kind === 'ovs-bridge'))
    throw new ServiceError('capability', `machine ${machine} has no Open vSwitch that answers: ${facts.ovs}`)
  const tunnels = (lab.links ?? []).some(
    (l) => 'between' in l && l.via === 'vxlan' && l.between.some((n) => lab.nodes[n]?.host === machine),
  )
  if (facts.vxlan && tunnels)
    throw new ServiceError('capability', `machine ${machine} cannot make VXLAN tunnels: ${facts.vxlan}`)
}

/** Each machine's apply (or destroy) as one reply; the first machine that failed is named. */
function mergeApplies(lab: Lab, outcomes: Outcome<ApplyReply | null>[], started: number): ApplyReply {
  const merged: ApplyReply = {
    ok: true,
    lab: lab.name,
    ops: [],
    done: [],
    failed: null,
    rolledBack: [],
    problems: [],
    durationMs: 0,
  }
  const recovered: ApplyReply['recovered'][] = []
  const rollbackErrors: string[] = []
  for (const o of outcomes) {
    if (!o.ok) {
      merged.ok = false
      merged.failed ??= { id: `hosts.${o.machine}`, error: o.error.message }
      continue
    }
    const reply = o.value
    if (!reply) continue
    recovered.push(reply.recovered)
    rollbackErrors.push(...(reply.rollbackErrors ?? []).map((e) => `machine ${o.machine}: ${e}`))
    merged.ops.push(...reply.ops.map((op) => ({ ...op, host: o.machine })))
    merged.done.push(...reply.done)
    merged.rolledBack.push(...reply.rolledBack)
    merged.problems.push(
      ...reply.problems.map((p) => ({ ...p, message: `machine ${o.machine}: ${p.message}` })),
    )
    if (!reply.ok) {
      merged.ok = false
      merged.failed ??= reply.failed
        ? { id: reply.failed.id, error: `machine ${o.machine}: ${reply.failed.error}` }
        : { id: `hosts.${o.machine}`, error: `machine ${o.machine}: the plan there has problems` }
    }
  }
  merged.durationMs = Math.round(performance.now() - started)
  const undone = sumRecovered(recovered)
  return {
    ...merged,
    ...(rollbackErrors.length > 0 ? { rollbackErrors } : {}),
    ...(undone ? { recovered: undone } : {}),
  }
}

/** What interrupted runs each machine undid first, together; undefined when none had any. */
function sumRecovered(each: readonly ApplyReply['recovered'][]): ApplyReply['recovered'] {
  const some = each.filter((r) => r !== undefined)
  if (some.length === 0) return undefined
  return {
    undone: some.reduce((n, r) => n + r.undone, 0),
    failed: some.reduce((n, r) => n + r.failed, 0),
  }
}

const WORSE: readonly string[] = ['up', 'admin-down', 'down', 'drifted', 'missing']

/** Each link as the machines holding it see it: a guest link its guest's machine, a wire both ends'. */
function mergeStatus(lab: Lab, replies: ReadonlyMap<string, StatusReply>): StatusReply {
  const holders = (id: string, index: number): string[] => {
    const link = lab.links?.[index]
    if (!link) return []
    const nodes = 'guest' in link ? [link.guest] : [...link.between]
    return nodes
      .map((n) => lab.nodes[n]?.host)
      .filter((h): h is string => h !== undefined && replies.has(h))
      .filter((h, i, all) => all.indexOf(h) === i && replies.get(h)!.links.some((l) => l.id === id))
  }
  const first = [...replies.values()][0]
  const links = (first?.links ?? []).map((entry, index) => {
    const seen = holders(entry.id, index).map((h) => replies.get(h)!.links.find((l) => l.id === entry.id)!)
    return seen.reduce(
      (worst, l) => (WORSE.indexOf(l.state) > WORSE.indexOf(worst.state) ? l : worst),
      seen[0] ?? entry,
    )
  })
  const all = [...replies.entries()]
  return {
    inSync: all.every(([, r]) => r.inSync),
    links,
    extra: all.flatMap(([m, r]) => r.extra.map((x) => ({ ...x, why: `machine ${m}: ${x.why}` }))),
    problems: all.flatMap(([m, r]) =>
      r.problems.map((p) => ({ ...p, message: `machine ${m}: ${p.message}` })),
    ),
  }
}
