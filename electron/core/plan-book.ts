// Plans shown to a user, kept by id until they are run. A plan is the user's consent to exactly
// those ops, so it does not live forever: it expires after a while, and a newer plan of the same
// lab replaces it (what was shown before is no longer what the user last looked at).
import { randomUUID } from 'node:crypto'
import type { Lab } from '../../shared/lab/schema.ts'
import type { Plan } from '../../shared/plan/plan.ts'

export const PLAN_LIFETIME_MS = 10 * 60 * 1000

export interface KeptPlan {
  readonly lab: Lab
  readonly plan: Plan
  readonly madeAt: number
}

export type TakenPlan =
  | { readonly ok: true; readonly kept: KeptPlan }
  | { readonly ok: false; readonly why: string }

export class PlanBook {
  private readonly plans = new Map<string, KeptPlan>()
  /** Ids that were made and are gone, with why: a clearer answer than "no such plan". */
  private readonly gone = new Map<string, string>()

  constructor(
    private readonly now: () => number = Date.now,
    private readonly lifetimeMs = PLAN_LIFETIME_MS,
  ) {}

  keep(lab: Lab, plan: Plan): string {
    this.expire()
    for (const [id, kept] of this.plans)
      if (kept.lab.name === lab.name) this.forget(id, 'a newer plan of this lab was made since')
    const id = randomUUID()
    this.plans.set(id, { lab, plan, madeAt: this.now() })
    return id
  }

  /** The plan to run, once: taking it removes it. */
  take(id: string): TakenPlan {
    this.expire()
    const kept = this.plans.get(id)
    if (kept) {
      this.forget(id, 'it was run already')
      return { ok: true, kept }
    }
    const why = this.gone.get(id)
    return { ok: false, why: `no plan ${id}: ${why ?? 'plan the lab first'}` }
  }

  get size(): number {
    this.expire()
    return this.plans.size
  }

  private expire(): void {
    const oldest = this.now() - this.lifetimeMs
    for (const [id, kept] of this.plans)
      if (kept.madeAt <= oldest)
        this.forget(id, `it expired (plans are kept ${Math.round(this.lifetimeMs / 60000)} minutes)`)
  }

  private forget(id: string, why: string): void {
    this.plans.delete(id)
    this.gone.set(id, why)
    // Remembering why is a courtesy; it must not grow without end.
    if (this.gone.size > 1000) this.gone.delete(this.gone.keys().next().value!)
  }
}
