// Counter deltas, histogram bucket deltas and quantiles, the way Prometheus's own increase()
// and histogram_quantile() read them.

/**
 * Increase of a cumulative counter over consecutive readings. A reading below its predecessor
 * means the server restarted and the counter began again at 0, so that step contributes the
 * new reading itself (Prometheus's reset rule).
 */
export function counterIncrease(values: readonly number[]): number {
  let total = 0
  for (let i = 1; i < values.length; i += 1) {
    const before = values[i - 1] as number
    const after = values[i] as number
    total += after >= before ? after - before : after
  }
  return total
}

export interface Buckets {
  /** Cumulative counts per upper bound, ascending; the last bound is +Inf. */
  buckets: { le: number; count: number }[]
  count: number
  sum: number
}

/**
 * Bucket-wise increase over consecutive readings of one histogram, reset-aware per step
 * (a falling total count means the histogram restarted).
 */
export function histogramIncrease(readings: readonly Buckets[]): Buckets | null {
  const first = readings[0]
  if (first === undefined) return null
  const result: Buckets = { buckets: first.buckets.map((b) => ({ le: b.le, count: 0 })), count: 0, sum: 0 }
  for (let i = 1; i < readings.length; i += 1) {
    const before = readings[i - 1] as Buckets
    const after = readings[i] as Buckets
    const reset = after.count < before.count
    result.count += reset ? after.count : after.count - before.count
    result.sum += reset ? after.sum : after.sum - before.sum
    for (const bucket of result.buckets) {
      const a = after.buckets.find((b) => b.le === bucket.le)?.count ?? 0
      const b = before.buckets.find((x) => x.le === bucket.le)?.count ?? 0
      bucket.count += reset ? a : a - b
    }
  }
  return result
}

/**
 * Quantile q (0..1) from cumulative buckets, as Prometheus's histogram_quantile: find the
 * bucket holding rank q × total and interpolate linearly inside it, assuming the first
 * bucket starts at 0. A rank in the +Inf bucket returns the largest finite bound. Null when
 * the histogram saw nothing.
 */
export function bucketQuantile(q: number, buckets: readonly { le: number; count: number }[]): number | null {
  const total = buckets[buckets.length - 1]?.count ?? 0
  if (total <= 0) return null
  const rank = q * total
  for (let i = 0; i < buckets.length; i += 1) {
    const bucket = buckets[i] as { le: number; count: number }
    if (bucket.count < rank) continue
    const lowerLe = i === 0 ? 0 : (buckets[i - 1] as { le: number }).le
    const lowerCount = i === 0 ? 0 : (buckets[i - 1] as { count: number }).count
    if (bucket.le === Number.POSITIVE_INFINITY) return lowerLe
    if (bucket.count === lowerCount) return bucket.le
    return lowerLe + ((bucket.le - lowerLe) * (rank - lowerCount)) / (bucket.count - lowerCount)
  }
  return null
}

/** Mean and maximum of gauge readings (plain mean of the readings, which are evenly spaced). */
export function gaugeStats(values: readonly number[]): { mean: number; max: number } | null {
  if (values.length === 0) return null
  let sum = 0
  let max = Number.NEGATIVE_INFINITY
  for (const value of values) {
    sum += value
    if (value > max) max = value
  }
  return { mean: sum / values.length, max }
}
