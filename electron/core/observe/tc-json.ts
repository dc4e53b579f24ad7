// `tc -j qdisc show` into each device's root qdisc. What tc prints is read as hostile input: only
// the fields patchbay compares are taken, each checked for its type and a finite, bounded value;
// a line that does not parse counts as "no impairment we know", so status reports drift.
import { z } from 'zod'
import type { NetemField } from '../../../shared/lab/netem.ts'
import type { ObservedQdisc } from '../../../shared/plan/qdisc.ts'

const Num = z.number().finite().nonnegative()
const Part = (key: string) => z.looseObject({ [key]: Num.optional() }).optional()

const Qdisc = z.looseObject({
  kind: z.string().max(64),
  dev: z.string().max(64),
  root: z.boolean().optional(),
  options: z
    .looseObject({
      /** tbf: bytes per second; in netem, inside `rate`. */
      rate: z.union([Num, z.looseObject({ rate: Num.optional() })]).optional(),
      /** netem: seconds. */
      delay: z.looseObject({ delay: Num.optional(), jitter: Num.optional() }).optional(),
      'loss-random': Part('loss'),
      duplicate: Part('duplicate'),
      reorder: Part('reorder'),
      corrupt: Part('corrupt'),
    })
    .optional(),
})

const percent = (value: unknown): number | undefined =>
  typeof value === 'number' && value <= 100 ? value : undefined

function valuesOf(q: z.infer<typeof Qdisc>): Partial<Record<NetemField, number>> {
  const o = q.options ?? {}
  const out: Partial<Record<NetemField, number>> = {}
  const rate = typeof o.rate === 'number' ? o.rate : o.rate?.rate
  if (rate) out.rate = Math.round(rate * 8)
  if (q.kind !== 'netem') return out
  if (o.delay?.delay) out.delay = Math.round(o.delay.delay * 1e6)
  if (o.delay?.jitter) out.jitter = Math.round(o.delay.jitter * 1e6)
  const parts = {
    loss: o['loss-random']?.loss,
    duplicate: o.duplicate?.duplicate,
    reorder: o.reorder?.reorder,
    corrupt: o.corrupt?.corrupt,
  }
  for (const [field, value] of Object.entries(parts)) {
    const p = percent(value)
    if (p) out[field as NetemField] = p
  }
  return out
}

/** Root qdiscs by device name. Entries that do not parse are left out (seen as the default). */
export function parseRootQdiscs(stdout: string): Map<string, ObservedQdisc> {
  const out = new Map<string, ObservedQdisc>()
  let data: unknown
  try {
    data = JSON.parse(stdout || '[]')
  } catch {
    return out
  }
  if (!Array.isArray(data)) return out
  for (const item of data) {
    const q = Qdisc.safeParse(item)
    if (!q.success || q.data.root !== true) continue
    out.set(q.data.dev, { kind: q.data.kind, values: valuesOf(q.data) })
  }
  return out
}
