import type { Distribution, LowTailDistribution } from '../types.js'
import { percentile } from './percentile.js'

type Samples = Float64Array | readonly number[]

/**
 * Exact distribution of a latency-type metric (high tail is bad): mean, min, max and the
 * median/p90/p95/p99. Null when there are no samples, so reports print "no data" rather
 * than zeros. The input is copied, never reordered.
 */
export function distribution(values: Samples): Distribution | null {
  const sorted = sortedCopy(values)
  if (sorted.length === 0) return null
  return {
    count: sorted.length,
    mean: meanOf(sorted),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  }
}

/**
 * Distribution of a throughput-type metric (tokens/sec), whose bad tail is the LOW one: the
 * 10th/5th/1st percentiles stand where a latency metric has p90/p95/p99.
 */
export function lowTailDistribution(values: Samples): LowTailDistribution | null {
  const sorted = sortedCopy(values)
  if (sorted.length === 0) return null
  return {
    count: sorted.length,
    mean: meanOf(sorted),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    p50: percentile(sorted, 50),
    p10: percentile(sorted, 10),
    p5: percentile(sorted, 5),
    p1: percentile(sorted, 1),
  }
}

// A Float64Array sorts numerically (a plain array would sort as strings).
function sortedCopy(values: Samples): Float64Array {
  return (values instanceof Float64Array ? values.slice() : Float64Array.from(values)).sort()
}

function meanOf(values: Float64Array): number {
  let sum = 0
  for (const value of values) sum += value
  return sum / values.length
}
