// The calls of shared/api/contract.ts, answered by the engine: one function per call, used by
// `serve` (and, later, by the desktop app's main process). Plans are kept by id for apply.

import { type ApiCall, type ApiReply, type ApiRequest, api } from '../../shared/api/contract.ts'
import { domainsReply, opReply, problemReply } from '../../shared/api/replies.ts'
import { broadcastDomains } from '../../shared/l2/domains.ts'
import { checkLab } from '../../shared/lab/check.ts'
import { loadLab } from '../../shared/lab/load.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { parseMark } from '../../shared/plan/device-names.ts'
import { applyReply } from '../core/apply-reply.ts'
import type { Engine } from '../core/engine.ts'
import { type FileHandlers, noFileHandlers } from '../core/file-calls.ts'
import { LabFileError } from '../core/lab-files.ts'
import { observedLab } from '../core/observed-lab.ts'
import { PlanBook } from '../core/plan-book.ts'
import { labStatus } from '../core/status.ts'
import { verifyLab } from '../core/verify.ts'

/** A request that cannot be carried out as asked: answered with 400 and these problems. */
export class BadRequest extends Error {
  constructor(
    message: string,
    readonly problems: ReturnType<typeof problemReply>[] = [],
  ) {
    super(message)
  }
}

const labOf = (input: unknown): Lab => {
  const checked = checkLab(input)
  if (!checked.lab)
    throw new BadRequest('the lab has errors; nothing was run', checked.problems.map(problemReply))
  return checked.lab
}

type Handlers = { [C in ApiCall]: (req: ApiRequest<C>) => Promise<ApiReply<C>> }

/** Per-step progress of an apply or destroy, for whoever is watching (serve's WebSockets). */
export type Progress = { type: 'progress'; planId: string | null; done: number; total: number; op: string }

export function apiHandlers(
  engine: Engine,
  onProgress: (p: Progress) => void = () => {},
  files: FileHandlers = noFileHandlers('this process opens no lab files'),
): Handlers {
  const plans = new PlanBook()
  const badFileRequest =
    <R, A extends unknown[]>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args)
      } catch (e) {
        if (e instanceof LabFileError) throw new BadRequest(e.message, e.problems)
        throw e
      }
    }
  return {
    labFiles: badFileRequest(files.labFiles),
    chooseLabFile: badFileRequest(files.chooseLabFile),
    openLab: badFileRequest(files.openLab),
    saveLab: badFileRequest(files.saveLab),
    validateLab: async ({ text }) => {
      const loaded = loadLab(text, 'lab.yaml')
      return { ok: loaded.lab !== null, problems: loaded.problems.map(problemReply) }
    },
    domains: async ({ lab: input, observed }) => {
      const lab = labOf(input)
      const view = observed ? observedLab(lab, await engine.observe(lab)) : lab
      const analysis = broadcastDomains(view)
      return domainsReply(analysis, analysis.problems)
    },
    planLab: async ({ lab: input }) => {
      const lab = labOf(input)
      const plan = await engine.plan(lab)
      const planId = plans.keep(lab, plan)
      return { planId, lab: lab.name, ops: plan.ops.map(opReply), problems: [...plan.problems] }
    },
    applyPlan: async ({ planId }) => {
      const taken = plans.take(planId)
      if (!taken.ok) throw new BadRequest(taken.why)
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
      return labStatus(lab, await engine.observe(lab), { places: engine.places(lab), dhcp: engine.dhcp(lab) })
    },
    hostInterfaces: async () => {
      const observed = await engine.observe({ patchbay: 1, name: 'host-interfaces', nodes: {}, links: [] })
      // NICs a user may mean: not loopback, not bridges, tunnels or devices a lab made.
      const nics = (observed.hosts.local?.interfaces ?? []).filter(
        (i) =>
          i.name !== 'lo' &&
          (i.kind === null || i.kind === 'veth' || i.kind === 'vlan') &&
          !parseMark(i.alias),
      )
      return { interfaces: nics.map((i) => ({ name: i.name, mac: i.mac, operState: i.operState })) }
    },
    verifyLab: async ({ lab: input }) => {
      const lab = labOf(input)
      const report = await verifyLab(lab, { run: engine.run, containers: engine.containers })
      return { ok: report.ok, pairs: [...report.pairs] }
    },
  }
}

/** Parses a call's request against its schema; a malformed one is a BadRequest. */
export function parseRequest<C extends ApiCall>(call: C, body: unknown): ApiRequest<C> {
  const parsed = api[call].req.safeParse(body)
  if (!parsed.success)
    throw new BadRequest(
      `malformed ${call} request: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`,
    )
  return parsed.data as ApiRequest<C>
}
