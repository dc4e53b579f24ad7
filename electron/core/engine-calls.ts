// The calls of shared/api/contract.ts that need the engine, answered by the engine of this process
// (service.ts wraps them). Plans are kept by id for apply: a command line never travels, only the
// plan's id, and what runs is the plan that was shown.
import { domainsReply, opReply, problemReply } from '../../shared/api/replies.ts'
import { compareDomains } from '../../shared/l2/domain-diff.ts'
import { broadcastDomains } from '../../shared/l2/domains.ts'
import { loadLab } from '../../shared/lab/load.ts'
import { LOCAL_HOST } from '../../shared/lab/normalize.ts'
import { saveLab } from '../../shared/lab/save.ts'
import { parseMark } from '../../shared/plan/device-names.ts'
import { applyReply } from './apply-reply.ts'
import { bridgeTables } from './bridge-tables.ts'
import { type EngineCalls, labOf, type ProgressEvent, ServiceError } from './calls.ts'
import { checkLab } from './check-call.ts'
import { discoverMachine, machineLabName } from './discover.ts'
import type { Engine } from './engine.ts'
import { breakLab } from './exercise-break.ts'
import { explainLab } from './explain-call.ts'
import { observedLab } from './observed-lab.ts'
import { PlanBook } from './plan-book.ts'
import { labStatus } from './status.ts'
import { traceLab } from './trace/trace.ts'
import { verifyLab } from './verify.ts'

export function engineCalls(engine: Engine, onProgress: (event: ProgressEvent) => void): EngineCalls {
  const plans = new PlanBook()
  return {
    validateLab: async ({ text }) => {
      const loaded = loadLab(text, 'lab.yaml')
      return { ok: loaded.lab !== null, problems: loaded.problems.map(problemReply) }
    },
    domains: async ({ lab: input, observed }) => {
      const lab = labOf(input)
      if (!observed) {
        const analysis = broadcastDomains(lab)
        return domainsReply(analysis, analysis.problems)
      }
      const analysis = broadcastDomains(observedLab(lab, await engine.observe(lab)))
      const disagreements = compareDomains(broadcastDomains(lab), analysis).map((d) => ({
        ...d,
        members: [...d.members],
      }))
      return { ...domainsReply(analysis, analysis.problems), disagreements }
    },
    planLab: async ({ lab: input }) => {
      const lab = labOf(input)
      const plan = await engine.plan(lab)
      const planId = plans.keep(lab, plan)
      return { planId, lab: lab.name, ops: plan.ops.map(opReply), problems: [...plan.problems] }
    },
    applyPlan: async ({ planId }) => {
      const taken = plans.take(planId)
      if (!taken.ok) throw new ServiceError('invalid', taken.why)
      const { lab, plan } = taken.kept
      // What runs is what was shown: if the machine moved since, the new plan goes back to be seen.
      const started = performance.now()
      let done = 0
      const total = plan.ops.length
      const applied = await engine.applyPlanned(lab, plan, (op) =>
        onProgress({ type: 'progress', planId, done: ++done, total, op: op.id }),
      )
      if (applied.stale) {
        const newId = plans.keep(lab, applied.plan)
        return {
          ran: false as const,
          why: 'the machine changed since this plan was made; this is the plan it needs now',
          plan: {
            planId: newId,
            lab: lab.name,
            ops: applied.plan.ops.map(opReply),
            problems: [...applied.plan.problems],
          },
          ...(applied.recovered
            ? { recovered: { undone: applied.recovered.undone, failed: applied.recovered.failed } }
            : {}),
        }
      }
      return applyReply(lab.name, applied, Math.round(performance.now() - started))
    },
    destroyLab: async ({ lab: input }) => {
      const lab = labOf(input)
      const started = performance.now()
      return applyReply(lab.name, await engine.destroy(lab), Math.round(performance.now() - started))
    },
    statusLab: async ({ lab: input }) => {
      const lab = labOf(input)
      const observed = await engine.observe(lab)
      const capabilities = observed.hosts[engine.machine ?? LOCAL_HOST]?.capabilities
      const status = labStatus(lab, observed, engine.planOptions(lab))
      // A run killed midway: what it left is not the lab, until the next apply or destroy undoes it.
      const left = engine.interruptedSteps(lab)
      return {
        ...status,
        ...(left > 0
          ? {
              inSync: false,
              problems: [
                ...status.problems,
                {
                  kind: 'conflict' as const,
                  field: 'journal',
                  message: `an interrupted run left ${left} steps to undo; the next apply or destroy undoes them first`,
                },
              ],
            }
          : {}),
        ...(capabilities
          ? {
              capabilities: {
                ...capabilities,
                dhcpClient: capabilities.dhcpClient && [...capabilities.dhcpClient],
              },
            }
          : {}),
      }
    },
    hostInterfaces: async () => {
      const observed = await engine.observe({ patchbay: 1, name: 'host-interfaces', nodes: {}, links: [] })
      // NICs a user may mean: not loopback, not bridges, tunnels or devices a lab made.
      const nics = (observed.hosts[engine.machine ?? LOCAL_HOST]?.interfaces ?? []).filter(
        (i) =>
          i.name !== 'lo' &&
          (i.kind === null || i.kind === 'veth' || i.kind === 'vlan') &&
          !parseMark(i.alias),
      )
      return { interfaces: nics.map((i) => ({ name: i.name, mac: i.mac, operState: i.operState })) }
    },
    discoverMachine: async ({ name, includeDockerNetworks }) => {
      const { lab, notes } = await discoverMachine(engine, {
        name: name ?? machineLabName(),
        includeDockerNetworks: includeDockerNetworks ?? false,
      })
      return { lab, text: saveLab(lab), notes: [...notes] }
    },
    adoptLab: async ({ lab: input }) => {
      const lab = labOf(input)
      const { adopt, result } = await engine.adopt(lab)
      const failed = result?.failed
      return {
        ok: result === null || result.ok,
        lab: lab.name,
        // What the run rolled back is not marked: only the marks that stayed are said.
        marked: result === null || result.ok ? [...adopt.marks] : [],
        left: [...adopt.left],
        failed: failed ? { id: failed.op.id, error: failed.error } : null,
      }
    },
    verifyLab: async ({ lab: input }) => {
      const lab = labOf(input)
      const report = await verifyLab(lab, {
        run: engine.run,
        containers: engine.containers,
        ...(engine.machine !== undefined ? { here: engine.machine } : {}),
      })
      return { ok: report.ok, pairs: [...report.pairs] }
    },
    explainLab: async ({ lab: input, from, to, observed }) =>
      explainLab(engine, labOf(input), from, to, observed === true),
    traceLab: async ({ lab: input, from, to }) => traceLab(engine, labOf(input), from, to),
    checkLab: async ({ lab: input, observed }) => checkLab(engine, labOf(input), observed === true),
    breakLab: async ({ lab: input }) => {
      const lab = labOf(input)
      const { kind, link, device, description } = await breakLab(engine, lab)
      return { lab: lab.name, fault: { kind, link, device, description } }
    },
    bridgeTables: async ({ lab: input }) => bridgeTables(engine, labOf(input)),
  }
}
