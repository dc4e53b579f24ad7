// Median and spread of a few runs: the bench reports all three, never a single lucky number.
export interface Spread {
  readonly min: number
  readonly median: number
  readonly max: number
  readonly runs: number
}

export const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export const percentile = (xs: readonly number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

export const round = (x: number): number => Math.round(x * 100) / 100

export const spread = (xs: readonly number[]): Spread => ({
  min: round(Math.min(...xs)),
  median: round(median(xs)),
  max: round(Math.max(...xs)),
  runs: xs.length,
})
