// A/B comparison of two runs (or two groups of runs, records concatenated): for each metric
// the difference B − A with a block-bootstrap confidence interval, and a verdict. A difference
// is "detectable" only when the interval excludes 0 AND the relative change is at least
// MIN_EFFECT (2%): with 100k requests a 0.3% shift is statistically real but nobody should
// fail a build over it.
//
// The intervals are simultaneous: 95% for the whole table (Bonferroni: with m metrics compared,
// each interval is at 1 − 0.05/m), because a verdict is read off the table as a whole. Eleven
// independent 95% intervals would call some metric different in ~40% of A/A pairs. Each is the
// normal bootstrap interval diff ± z·se, se from the replicates: stable at 1,000 resamples,
// where a 99.5% percentile interval would rest on 2–3 extreme replicates.

import { seededRandom } from '../seeded-random.js'
import type { RequestRecord, Summary } from '../types.js'
import {
  blockLength,
  bootstrapReplicates,
  computeStatistic,
  percentileReplicates,
  type Statistic,
} from './block-bootstrap.js'
import { METRICS, type MetricDef } from './compare-metrics.js'

/** Smallest relative change (|B − A| / A) reported as better or worse. */
export const MIN_EFFECT = 0.02
export const DEFAULT_RESAMPLES = 1000
/** Confidence of the table as a whole (family-wise). */
export const FAMILY_CONFIDENCE = 0.95
/**
 * Block length in requests, at least this many times the mean number in flight: requests that
 * overlap share the server's batch, so their latencies move together. Measured on simulated A/A
 * pairs (test/stats/aa-rate.test.ts): blocks of round(n^(1/3)) requests left the TPOT interval
 * ~1.7× too narrow at 10 in flight; 3× in flight brings it within ~1.35×.
 */
export const IN_FLIGHT_BLOCKS = 3

export type CompareVerdict = 'better' | 'worse' | 'no_difference' | 'cannot_compare'

export interface RunSample {
  summary: Summary
  records: readonly RequestRecord[]
}

export interface MetricComparison {
  id: string
  label: string
  unit: MetricDef['unit']
  a: number | null
  b: number | null
  /** B − A and its confidence interval, in the metric's unit. */
  diff: number | null
  ciLow: number | null
  ciHigh: number | null
  /** (B − A) / A. */
  relative: number | null
  verdict: CompareVerdict
}

export interface Comparison {
  /** Set when the runs were refused (different workloads) and not forced. */
  refused: string | null
  /** Set when they differ but --force compared them anyway. */
  warning: string | null
  resamples: number
  blockNote: string
  metrics: MetricComparison[]
}

/** Records in send order: the block bootstrap's blocks are neighbours in time. */
export function bySendTime(records: readonly RequestRecord[]): RequestRecord[] {
  return [...records].sort((left, right) => left.sent_at_ms - right.sent_at_ms)
}

/** Why two runs should not be compared, or null. Same workload name and model. */
export function incomparability(a: Summary, b: Summary): string | null {
  const reasons: string[] = []
  if (a.workload !== b.workload) reasons.push(`workload ${a.workload} vs ${b.workload}`)
  if (a.model !== b.model) reasons.push(`model ${a.model} vs ${b.model}`)
  return reasons.length === 0 ? null : `The runs differ: ${reasons.join(', ')}`
}

export function compareRuns(
  a: RunSample,
  b: RunSample,
  options: { force?: boolean; resamples?: number; seed?: number } = {},
): Comparison {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES
  const reason = incomparability(a.summary, b.summary)
  const base = {
    resamples,
    blockNote: `circular block bootstrap over send order (block length max(n^(1/3), ${IN_FLIGHT_BLOCKS} × mean requests in flight)), ${resamples} resamples; simultaneous ${FAMILY_CONFIDENCE * 100}% intervals (Bonferroni over the metrics compared); minimal effect ${MIN_EFFECT * 100}%`,
  }
  if (reason !== null && options.force !== true)
    return { ...base, refused: reason, warning: null, metrics: [] }
  const random = seededRandom(options.seed ?? 1)
  const recordsA = bySendTime(a.records)
  const recordsB = bySendTime(b.records)
  const replicatesA = replicatesOf(recordsA, resamples, random)
  const replicatesB = replicatesOf(recordsB, resamples, random)
  const comparable = METRICS.filter(
    (def) => replicatesA.get(def)?.replicates != null && replicatesB.get(def)?.replicates != null,
  ).length
  const z = normalQuantile(1 - (1 - FAMILY_CONFIDENCE) / (2 * Math.max(1, comparable)))
  const metrics = METRICS.map((def) =>
    compareMetric(def, replicatesA.get(def) as Replicated, replicatesB.get(def) as Replicated, resamples, z),
  )
  return { ...base, refused: null, warning: reason, metrics }
}

interface Replicated {
  series: Float64Array
  /** Null when the series is too short to compare (see enoughTail). */
  replicates: Float64Array | null
}

/**
 * Every metric's series and bootstrap replicates for one run. Metrics on the same series share
 * it, and its percentiles share each resample (percentileReplicates).
 */
function replicatesOf(records: readonly RequestRecord[], resamples: number, random: () => number) {
  const result = new Map<MetricDef, Replicated>()
  const bySeries = new Map<MetricDef['series'], MetricDef[]>()
  for (const def of METRICS) bySeries.set(def.series, [...(bySeries.get(def.series) ?? []), def])
  const inFlight = meanInFlight(records)
  for (const [extract, defs] of bySeries) {
    const series = extract(records)
    const length =
      defs[0]?.indexedBy === 'second'
        ? blockLength(series.length)
        : requestBlockLength(series.length, inFlight)
    const usable = defs.filter((def) => series.length >= 2 && enoughTail(def.statistic, series.length))
    const percentiles = usable.filter((def) => def.statistic.kind === 'percentile')
    const ps = percentiles.map((def) => (def.statistic.kind === 'percentile' ? def.statistic.p : 0))
    const shared = ps.length > 0 ? percentileReplicates(series, ps, resamples, random, length) : []
    for (const def of defs) {
      const at = percentiles.indexOf(def)
      const replicates = !usable.includes(def)
        ? null
        : at >= 0
          ? (shared[at] as Float64Array)
          : bootstrapReplicates(series, def.statistic, resamples, random, length)
      result.set(def, { series, replicates })
    }
  }
  return result
}

/**
 * Requests in flight on average, by Little's law: Σ (end − send) / (last end − first send).
 * Requests that overlap share the server's batch, so a slow stretch spans about this many
 * neighbours in send order.
 */
export function meanInFlight(records: readonly RequestRecord[]): number {
  let busyMs = 0
  let startMs = Number.POSITIVE_INFINITY
  let endMs = Number.NEGATIVE_INFINITY
  for (const record of records) {
    busyMs += Math.max(0, record.ended_at_ms - record.sent_at_ms)
    startMs = Math.min(startMs, record.sent_at_ms)
    endMs = Math.max(endMs, record.ended_at_ms)
  }
  return endMs > startMs ? busyMs / (endMs - startMs) : 0
}

/** At most a quarter of the series, so a resample still mixes several blocks. */
export function requestBlockLength(n: number, inFlight: number): number {
  return Math.min(
    Math.max(blockLength(n), Math.ceil(IN_FLIGHT_BLOCKS * inFlight)),
    Math.max(1, Math.floor(n / 4)),
  )
}

/**
 * The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile(${p}): p must be in (0, 1)`)
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ]
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572]
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ]
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
  const low = 0.02425
  const at = (coefficients: number[], i: number) => coefficients[i] as number
  if (p < low || p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(p < low ? p : 1 - p))
    const x =
      (((((at(c, 0) * q + at(c, 1)) * q + at(c, 2)) * q + at(c, 3)) * q + at(c, 4)) * q + at(c, 5)) /
      ((((at(d, 0) * q + at(d, 1)) * q + at(d, 2)) * q + at(d, 3)) * q + 1)
    return p < low ? x : -x
  }
  const q = p - 0.5
  const r = q * q
  return (
    ((((((at(a, 0) * r + at(a, 1)) * r + at(a, 2)) * r + at(a, 3)) * r + at(a, 4)) * r + at(a, 5)) * q) /
    (((((at(b, 0) * r + at(b, 1)) * r + at(b, 2)) * r + at(b, 3)) * r + at(b, 4)) * r + 1)
  )
}

function compareMetric(
  def: MetricDef,
  runA: Replicated,
  runB: Replicated,
  resamples: number,
  z: number,
): MetricComparison {
  const head = { id: def.id, label: def.label, unit: def.unit }
  const a = runA.series.length > 0 ? computeStatistic(runA.series, def.statistic) : null
  const b = runB.series.length > 0 ? computeStatistic(runB.series, def.statistic) : null
  const repA = runA.replicates
  const repB = runB.replicates
  if (a === null || b === null || repA === null || repB === null) {
    return { ...head, a, b, diff: null, ciLow: null, ciHigh: null, relative: null, verdict: 'cannot_compare' }
  }
  // Standard error of B − A: the two runs' replicates are independent resamples.
  let sum = 0
  for (let i = 0; i < resamples; i++) sum += (repB[i] as number) - (repA[i] as number)
  const meanDiff = sum / resamples
  let squares = 0
  for (let i = 0; i < resamples; i++) squares += ((repB[i] as number) - (repA[i] as number) - meanDiff) ** 2
  const se = Math.sqrt(squares / Math.max(1, resamples - 1))
  const diff = b - a
  const ciLow = diff - z * se
  const ciHigh = diff + z * se
  const relative = a === 0 ? null : diff / Math.abs(a)
  return { ...head, a, b, diff, ciLow, ciHigh, relative, verdict: verdictOf(def, ciLow, ciHigh, relative) }
}

/**
 * The bootstrap of a tail percentile is unreliable when few samples lie beyond it (it resamples
 * the same handful of extremes; an A/A test on the simulator called p99 of 80 requests "better"):
 * a percentile is compared only with at least MIN_TAIL_SAMPLES samples above it, so p99 needs
 * 1,000 requests and p95 200.
 */
export const MIN_TAIL_SAMPLES = 10

function enoughTail(statistic: Statistic, n: number): boolean {
  if (statistic.kind === 'mean') return true
  return n * (1 - statistic.p / 100) >= MIN_TAIL_SAMPLES - 1e-9
}

export function verdictOf(
  def: { higherIsBetter: boolean },
  ciLow: number,
  ciHigh: number,
  relative: number | null,
): CompareVerdict {
  const excludesZero = ciLow > 0 || ciHigh < 0
  if (!excludesZero || relative === null || Math.abs(relative) < MIN_EFFECT) return 'no_difference'
  const increased = ciLow > 0
  return increased === def.higherIsBetter ? 'better' : 'worse'
}
