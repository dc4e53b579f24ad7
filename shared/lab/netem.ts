// Link impairments (`netem:` on a link) in tc's own units: "40ms", "1%", "10mbit". Parsed strictly
// (a plain decimal and one unit, no exponent, no sign) and bounded, because the values end up as
// arguments of `tc` and a hostile file must not reach it with "-1ms" or "1e99".

/** The fields of `netem:`; every one is optional and a string in tc's units. */
export interface NetemSpec {
  readonly delay?: string
  readonly jitter?: string
  readonly loss?: string
  readonly rate?: string
  readonly corrupt?: string
  readonly duplicate?: string
  readonly reorder?: string
}

export const NETEM_FIELDS = ['delay', 'jitter', 'loss', 'rate', 'corrupt', 'duplicate', 'reorder'] as const
export type NetemField = (typeof NETEM_FIELDS)[number]

/** Fields that only the netem qdisc can do; `rate` alone is a token bucket (tbf) everywhere. */
export const NETEM_ONLY_FIELDS: readonly NetemField[] = [
  'delay',
  'jitter',
  'loss',
  'corrupt',
  'duplicate',
  'reorder',
]

const DECIMAL = /^(\d{1,12})(?:\.(\d{1,6}))?/

const TIME_UNITS: Record<string, number> = { us: 1, ms: 1000, s: 1_000_000 }
const RATE_UNITS: Record<string, number> = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9 }

/** Largest delay or jitter: one minute. */
export const MAX_TIME_US = 60_000_000
/** Rates from 8 kbit/s (below that a token bucket cannot pass one full frame in a second) to 100 gbit/s. */
export const MIN_RATE_BITS = 8_000
export const MAX_RATE_BITS = 100e9

function splitUnit(text: string): { value: number; unit: string } | null {
  const match = DECIMAL.exec(text)
  if (!match) return null
  return { value: Number(match[0]), unit: text.slice(match[0].length) }
}

/** A time ("40ms", "1.5s", "500us") in microseconds, or null when it is not one. */
export function parseTime(text: string): number | null {
  const parts = splitUnit(text)
  const scale = parts ? TIME_UNITS[parts.unit] : undefined
  return parts && scale !== undefined ? Math.round(parts.value * scale) : null
}

/** A percentage ("1%", "0.5%") as a number of percent, or null. */
export function parsePercent(text: string): number | null {
  const parts = splitUnit(text)
  return parts && parts.unit === '%' ? parts.value : null
}

/** A rate ("10mbit", "512kbit") in bits per second, or null. */
export function parseRate(text: string): number | null {
  const parts = splitUnit(text)
  const scale = parts ? RATE_UNITS[parts.unit] : undefined
  return parts && scale !== undefined ? Math.round(parts.value * scale) : null
}

const show = (value: string) => JSON.stringify(value)

export function timeProblem(text: string): string | null {
  const us = parseTime(text)
  if (us === null) return `${show(text)} is not a time: write a number and us, ms or s, e.g. "40ms"`
  if (us > MAX_TIME_US) return `${show(text)} is longer than 60s`
  return null
}

export function percentProblem(text: string): string | null {
  const percent = parsePercent(text)
  if (percent === null) return `${show(text)} is not a percentage: write a number and %, e.g. "1%"`
  if (percent > 100) return `${show(text)} is more than 100%`
  return null
}

export function rateProblem(text: string): string | null {
  const bits = parseRate(text)
  if (bits === null)
    return `${show(text)} is not a rate: write a number and bit, kbit, mbit or gbit, e.g. "10mbit"`
  if (bits < MIN_RATE_BITS || bits > MAX_RATE_BITS) return `${show(text)} is outside 8kbit-100gbit`
  return null
}

export const FIELD_PROBLEM: Record<NetemField, (text: string) => string | null> = {
  delay: timeProblem,
  jitter: timeProblem,
  loss: percentProblem,
  rate: rateProblem,
  corrupt: percentProblem,
  duplicate: percentProblem,
  reorder: percentProblem,
}

/** Rules between the fields: tc's jitter and reorder act on a delay, so they need one. */
export function netemRelationProblems(spec: NetemSpec): { field: NetemField; message: string }[] {
  const out: { field: NetemField; message: string }[] = []
  const delay = spec.delay === undefined ? 0 : (parseTime(spec.delay) ?? 0)
  for (const field of ['jitter', 'reorder'] as const) {
    if (spec[field] !== undefined && delay === 0)
      out.push({ field, message: `${field} ${show(spec[field])} needs a delay greater than 0` })
  }
  const jitter = spec.jitter === undefined ? null : parseTime(spec.jitter)
  if (jitter !== null && delay > 0 && jitter > delay)
    out.push({ field: 'jitter', message: `jitter ${show(spec.jitter ?? '')} is larger than the delay` })
  return out
}

/** The fields a spec declares, in the order tc takes them. Empty: the link is not impaired. */
export function declaredNetemFields(spec: NetemSpec | undefined): NetemField[] {
  return spec ? NETEM_FIELDS.filter((field) => spec[field] !== undefined) : []
}

/** Needs the netem qdisc (anything besides `rate`). */
export function needsNetem(spec: NetemSpec | undefined): boolean {
  return declaredNetemFields(spec).some((field) => field !== 'rate')
}

/** "delay 40ms, loss 1%": for tooltips, plan lines and messages. */
export function describeNetem(spec: NetemSpec | undefined): string {
  return declaredNetemFields(spec)
    .map((field) => `${field} ${spec?.[field]}`)
    .join(', ')
}
