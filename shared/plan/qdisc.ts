// What root qdisc a link's `netem:` asks for, as tc arguments, and whether what the kernel shows
// is that. `rate` alone is a token bucket (tbf, in every kernel); anything else is one netem
// qdisc carrying every field, `rate` included.
import {
  declaredNetemFields,
  type NetemField,
  type NetemSpec,
  needsNetem,
  parsePercent,
  parseRate,
  parseTime,
} from '../lab/netem.ts'

/** A root qdisc as read back: its kind and the impairment values it carries, in canonical units
 *  (microseconds, percent, bits per second). Fields it does not carry are absent. */
export interface ObservedQdisc {
  readonly kind: string
  readonly values: Readonly<Partial<Record<NetemField, number>>>
}

/** The qdisc kinds patchbay puts on a link; any other root qdisc is the kernel's default. */
export const IMPAIRMENT_QDISCS: ReadonlySet<string> = new Set(['netem', 'tbf'])

export interface DesiredQdisc {
  readonly kind: 'netem' | 'tbf'
  readonly values: Readonly<Partial<Record<NetemField, number>>>
  /** What follows `root` in `tc qdisc replace dev DEV root …`. */
  readonly args: readonly string[]
}

/** The canonical number of each declared field (the spec passed the schema, so each parses). */
function values(spec: NetemSpec): Partial<Record<NetemField, number>> {
  const out: Partial<Record<NetemField, number>> = {}
  for (const field of declaredNetemFields(spec)) {
    const text = spec[field]!
    const value =
      field === 'delay' || field === 'jitter'
        ? parseTime(text)
        : field === 'rate'
          ? parseRate(text)
          : parsePercent(text)
    if (value !== null) out[field] = value
  }
  return out
}

/** tbf's bucket: 20 ms of the rate, at least 4 KiB so one full frame always fits. */
export const tbfBurstBytes = (bits: number): number => Math.max(4096, Math.ceil(bits / 8 / 50))

export function desiredQdisc(spec: NetemSpec | undefined): DesiredQdisc | null {
  if (!spec || declaredNetemFields(spec).length === 0) return null
  const v = values(spec)
  if (!needsNetem(spec)) {
    const rate = v.rate!
    return {
      kind: 'tbf',
      values: v,
      args: ['tbf', 'rate', `${rate}bit`, 'burst', String(tbfBurstBytes(rate)), 'latency', '50ms'],
    }
  }
  const args: string[] = ['netem']
  if (v.delay !== undefined) args.push('delay', `${v.delay}us`, ...(v.jitter ? [`${v.jitter}us`] : []))
  for (const field of ['loss', 'duplicate', 'reorder', 'corrupt'] as const)
    if (v[field] !== undefined) args.push(field, `${v[field]}%`)
  if (v.rate !== undefined) args.push('rate', `${v.rate}bit`)
  return { kind: 'netem', values: v, args }
}

/** Kernels round: times to their clock, percentages to 1/2^32, rates to bytes. */
function close(field: NetemField, want: number, got: number): boolean {
  if (field === 'delay' || field === 'jitter') return Math.abs(want - got) <= Math.max(2, want * 0.01)
  if (field === 'rate') return Math.abs(want - got) <= Math.max(8, want * 0.01)
  return Math.abs(want - got) <= 0.001
}

/** A canonical value in tc's units again: 40000 us is "40ms". */
export function shown(field: NetemField, value: number): string {
  if (field === 'delay' || field === 'jitter') return value % 1000 === 0 ? `${value / 1000}ms` : `${value}us`
  if (field === 'rate') return value % 1e6 === 0 ? `${value / 1e6}mbit` : `${value}bit`
  return `${Math.round(value * 1000) / 1000}%`
}

/** Why the observed root qdisc is not the one wanted, or null when it is. */
export function qdiscDrift(want: DesiredQdisc | null, seen: ObservedQdisc | null): string | null {
  const ours = seen && IMPAIRMENT_QDISCS.has(seen.kind) ? seen : null
  if (!want) return ours ? `has a ${ours.kind} qdisc the lab does not declare` : null
  if (!ours) return `has no ${want.kind} qdisc`
  if (ours.kind !== want.kind) return `has a ${ours.kind} qdisc, the lab says ${want.kind}`
  const fields = new Set([...Object.keys(want.values), ...Object.keys(ours.values)] as NetemField[])
  for (const field of fields) {
    const w = want.values[field] ?? 0
    const g = ours.values[field] ?? 0
    if (!close(field, w, g)) return `has ${field} ${shown(field, g)}, the lab says ${shown(field, w)}`
  }
  return null
}
