// Plans are consent to exactly what was shown: kept by id, run once, gone after their time or
// when a newer plan of the same lab is made.
import { describe, expect, it } from 'vitest'
import { PLAN_LIFETIME_MS, PlanBook } from '../../../electron/core/plan-book.ts'
import type { Lab } from '../../../shared/lab/schema.ts'
import type { Plan } from '../../../shared/plan/plan.ts'

const lab = (name: string): Lab => ({ patchbay: 1, name, nodes: {}, links: [] })
const plan: Plan = { ops: [], problems: [] } as unknown as Plan

describe('the plans shown to a user', () => {
  it('runs a plan once', () => {
    const book = new PlanBook()
    const id = book.keep(lab('a'), plan)
    expect(book.take(id)).toMatchObject({ ok: true, kept: { plan } })
    expect(book.take(id)).toEqual({ ok: false, why: `no plan ${id}: it was run already` })
  })

  it('lets an unused plan expire after its lifetime', () => {
    let now = 1_000_000
    const book = new PlanBook(() => now)
    const id = book.keep(lab('a'), plan)
    now += PLAN_LIFETIME_MS - 1
    expect(book.size).toBe(1)
    now += 1
    expect(book.size).toBe(0)
    expect(book.take(id)).toEqual({
      ok: false,
      why: `no plan ${id}: it expired (plans are kept 10 minutes)`,
    })
  })

  it('drops the older plan of a lab when a newer one is made, and keeps other labs’ plans', () => {
    const book = new PlanBook()
    const first = book.keep(lab('a'), plan)
    const other = book.keep(lab('b'), plan)
    const second = book.keep(lab('a'), plan)
    expect(book.take(first)).toEqual({
      ok: false,
      why: `no plan ${first}: a newer plan of this lab was made since`,
    })
    expect(book.take(other).ok).toBe(true)
    expect(book.take(second).ok).toBe(true)
  })

  it('answers a made-up id plainly', () => {
    expect(new PlanBook().take('made-up')).toEqual({ ok: false, why: 'no plan made-up: plan the lab first' })
  })
})
