// explain as a service call: from the drawing, or (observed) from the lab as the kernel and OVS hold
// it, with the drawing's answer beside it so the two can be compared.
import type { ExplainReply } from '../../shared/api/contract.ts'
import { broadcastDomains } from '../../shared/l2/domains.ts'
import { type Explanation, explain, GuestNameError, resolveGuest } from '../../shared/l2/explain.ts'
import type { Lab } from '../../shared/lab/schema.ts'
import { ServiceError } from './calls.ts'
import type { Engine } from './engine.ts'
import { observedLab } from './observed-lab.ts'

/** explain on `lab`; a name that is no guest interface there is ServiceError `invalid`, naming A or B. */
export function explainChecked(lab: Lab, from: string, to: string, where: string): Explanation {
  const analysis = broadcastDomains(lab)
  for (const [which, name] of [
    ['A', from],
    ['B', to],
  ] as const) {
    try {
      resolveGuest(lab, analysis, name)
    } catch (e) {
      if (e instanceof GuestNameError)
        throw new ServiceError('invalid', `${which} ${JSON.stringify(name)}${where}: ${e.message}`)
      throw e
    }
  }
  return explain(lab, from, to, analysis)
}

const reply = (e: Explanation) => ({
  from: e.from,
  to: e.to,
  reachable: e.reachable,
  hops: e.hops.map((h) => ({ ...h })),
  blockedAt: e.blockedAt ? { ...e.blockedAt } : null,
  why: e.why,
})

export async function explainLab(
  engine: Engine | null,
  lab: Lab,
  from: string,
  to: string,
  observed: boolean,
): Promise<ExplainReply> {
  const drawn = explainChecked(lab, from, to, '')
  if (!observed) return { ...reply(drawn), explainedFrom: 'drawing' }
  if (!engine) throw new ServiceError('capability', 'explaining from the machine needs the engine (root)')
  const machine = observedLab(lab, await engine.observe(lab))
  const seen = explainChecked(machine, from, to, ' on the machine (is the lab applied?)')
  return {
    ...reply(seen),
    explainedFrom: 'machine',
    drawing: { reachable: drawn.reachable, why: drawn.why },
    disagrees: drawn.reachable !== seen.reachable || drawn.why !== seen.why,
  }
}
