// Circular block bootstrap (Politis & Romano 1992) for statistics of a run's requests.
// Requests under load are not independent: a slow batch slows its neighbours, so resampling
// single requests would understate the variance and call noise a difference. Resampling
// contiguous blocks of the send-ordered series keeps that short-range dependence; blocks wrap
// around the end (circular) so every request is equally likely to be drawn.
import type { Random } from '../seeded-random.js'
import { percentileBySelection, selectInPlace } from './select.js'

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

/** Draws block starts until n values are covered; calls take(start, count) per block. */
function drawBlocks(
  n: number,
  length: number,
  random: Random,
  take: (start: number, count: number) => void,
): void {
  let filled = 0
  while (filled < n) {
    const count = Math.min(length, n - filled)
    take(Math.floor(random() * n), count)
    filled += count
  }
}

/**
 * Replicates of the mean: a block's sum comes from a circular prefix sum in O(1), so one
 * replicate costs n / blockLength draws instead of n copies.
 */
function meanReplicates(
  series: Float64Array,
  resamples: number,
  random: Random,
  length = blockLength(series.length),
): Float64Array {
  const n = series.length
  const prefix = new Float64Array(2 * n + 1)
  for (let i = 0; i < 2 * n; i++) prefix[i + 1] = (prefix[i] as number) + (series[i % n] as number)
  const out = new Float64Array(resamples)
  for (let r = 0; r < resamples; r++) {
    let sum = 0
    drawBlocks(n, length, random, (start, count) => {
      sum += (prefix[start + count] as number) - (prefix[start] as number)
    })
    out[r] = sum / n
  }
  return out
}

/**
 * Replicates of several percentiles of one series, sharing each resample: one buffer is
 * refilled per replicate and the percentiles are selected from the highest down, each within
 * the part left of the previous one, so p50, p95 and p99 cost little more than one.
 */
export function percentileReplicates(
  series: Float64Array,
  ps: readonly number[],
  resamples: number,
  random: Random,
  length = blockLength(series.length),
): Float64Array[] {
  const n = series.length
  const outs = ps.map(() => new Float64Array(resamples))
  const order = ps.map((p, index) => ({ p, index })).sort((left, right) => right.p - left.p)
  const buffer = new Float64Array(n)
  for (let r = 0; r < resamples; r++) {
    let filled = 0
    drawBlocks(n, length, random, (start, count) => {
      // Copy without a modulo per element; only a block that wraps needs two parts.
      const head = Math.min(count, n - start)
      buffer.set(series.subarray(start, start + head), filled)
      if (head < count) buffer.set(series.subarray(0, count - head), filled + head)
      filled += count
    })
    let right = n - 1
    let aboveMin = Number.POSITIVE_INFINITY // smallest value right of the last selected index
    for (const { p, index } of order) {
      const h = (p / 100) * (n - 1)
      const lo = Math.floor(h)
      // Values right of `right` are ≥ everything left of it, so the order statistic lo lies within.
      selectInPlace(buffer, lo, 0, right)
      const low = buffer[lo] as number
      let value = low
      const fraction = h - lo
      if (fraction > 0 && lo < n - 1) {
        let next = aboveMin
        for (let i = lo + 1; i <= right; i++) if ((buffer[i] as number) < next) next = buffer[i] as number
        value = low + fraction * (next - low)
      }
      ;(outs[index] as Float64Array)[r] = value
      aboveMin = low
      right = lo
    }
  }
  return outs
}

/** `resamples` bootstrap replicates of one statistic over `series` (in send order). */
export function bootstrapReplicates(
  series: Float64Array,
  statistic: Statistic,
  resamples: number,
  random: Random,
  length = blockLength(series.length),
): Float64Array {
  if (series.length === 0) return new Float64Array(resamples).fill(Number.NaN)
  if (statistic.kind === 'mean') return meanReplicates(series, resamples, random, length)
  return percentileReplicates(series, [statistic.p], resamples, random, length)[0] as Float64Array
}
