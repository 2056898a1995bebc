// Circular block bootstrap (Politis & Romano 1992) for statistics of a run's requests.
// Requests under load are not independent: a slow batch slows its neighbours, so resampling
// single requests would understate the variance and call noise a difference. Resampling
// contiguous blocks of the send-ordered series keeps that short-range dependence; blocks wrap
// around the end (circular) so every request is equally likely to be drawn.
import type { Random } from '../workload/seeded-random.js'
import { percentileBySelection } from './select.js'

/** How a resample is reduced to one number. */
export type Statistic = { kind: 'mean' } | { kind: 'percentile'; p: number }

/**
 * Block length from the data: n^(1/3) is the rate-optimal order for variance and
 * distribution estimation with the block bootstrap (Hall, Horowitz & Jing 1995), at least 1.
 */
export function blockLength(n: number): number {
  return Math.max(1, Math.round(Math.cbrt(n)))
}

export function computeStatistic(values: Float64Array, statistic: Statistic): number {
  if (statistic.kind === 'mean') {
    let sum = 0
    for (let i = 0; i < values.length; i++) sum += values[i] as number
    return sum / values.length
  }
  return percentileBySelection(values.slice(), statistic.p)
}

/**
 * `resamples` bootstrap replicates of the statistic over `series` (in send order). One
 * preallocated buffer is refilled per replicate; the returned array holds the replicates.
 */
export function bootstrapReplicates(
  series: Float64Array,
  statistic: Statistic,
  resamples: number,
  random: Random,
): Float64Array {
  const n = series.length
  const out = new Float64Array(resamples)
  if (n === 0) return out.fill(Number.NaN)
  const length = blockLength(n)
  const buffer = new Float64Array(n)
  for (let r = 0; r < resamples; r++) {
    let filled = 0
    while (filled < n) {
      const start = Math.floor(random() * n)
      const take = Math.min(length, n - filled)
      // Copy the block without a modulo per element; only a block that wraps needs two parts.
      const head = Math.min(take, n - start)
      buffer.set(series.subarray(start, start + head), filled)
      if (head < take) buffer.set(series.subarray(0, take - head), filled + head)
      filled += take
    }
    out[r] =
      statistic.kind === 'mean'
        ? computeStatistic(buffer, statistic)
        : percentileBySelection(buffer, statistic.p)
  }
  return out
}
