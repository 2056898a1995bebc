// A/B comparison of two runs (or two groups of runs, records concatenated): for each metric
// the difference B − A with a 95% block-bootstrap confidence interval, and a verdict. A
// difference is "detectable" only when the interval excludes 0 AND the relative change is at
// least MIN_EFFECT (2%): with 100k requests a 0.3% shift is statistically real but nobody
// should fail a build over it.

import { seededRandom } from '../seeded-random.js'
import type { RequestRecord, Summary } from '../types.js'
import {
  bootstrapReplicates,
  computeStatistic,
  percentileReplicates,
  type Statistic,
} from './block-bootstrap.js'
import { METRICS, type MetricDef } from './compare-metrics.js'
import { percentile } from './percentile.js'

/** Smallest relative change (|B − A| / A) reported as better or worse. */
export const MIN_EFFECT = 0.02
export const DEFAULT_RESAMPLES = 1000
const CONFIDENCE = 0.95

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
    blockNote: `circular block bootstrap over send order, block length round(n^(1/3)), ${resamples} resamples, ${CONFIDENCE * 100}% interval, minimal effect ${MIN_EFFECT * 100}%`,
  }
  if (reason !== null && options.force !== true)
    return { ...base, refused: reason, warning: null, metrics: [] }
  const random = seededRandom(options.seed ?? 1)
  const recordsA = bySendTime(a.records)
  const recordsB = bySendTime(b.records)
  const replicatesA = replicatesOf(recordsA, resamples, random)
  const replicatesB = replicatesOf(recordsB, resamples, random)
  const metrics = METRICS.map((def) =>
    compareMetric(def, replicatesA.get(def) as Replicated, replicatesB.get(def) as Replicated, resamples),
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
  for (const [extract, defs] of bySeries) {
    const series = extract(records)
    const usable = defs.filter((def) => series.length >= 2 && enoughTail(def.statistic, series.length))
    const percentiles = usable.filter((def) => def.statistic.kind === 'percentile')
    const ps = percentiles.map((def) => (def.statistic.kind === 'percentile' ? def.statistic.p : 0))
    const shared = ps.length > 0 ? percentileReplicates(series, ps, resamples, random) : []
    for (const def of defs) {
      const at = percentiles.indexOf(def)
      const replicates = !usable.includes(def)
        ? null
        : at >= 0
          ? (shared[at] as Float64Array)
          : bootstrapReplicates(series, def.statistic, resamples, random)
      result.set(def, { series, replicates })
    }
  }
  return result
}

function compareMetric(
  def: MetricDef,
  runA: Replicated,
  runB: Replicated,
  resamples: number,
): MetricComparison {
  const head = { id: def.id, label: def.label, unit: def.unit }
  const a = runA.series.length > 0 ? computeStatistic(runA.series, def.statistic) : null
  const b = runB.series.length > 0 ? computeStatistic(runB.series, def.statistic) : null
  const repA = runA.replicates
  const repB = runB.replicates
  if (a === null || b === null || repA === null || repB === null) {
    return { ...head, a, b, diff: null, ciLow: null, ciHigh: null, relative: null, verdict: 'cannot_compare' }
  }
  const diffs = new Float64Array(resamples)
  for (let i = 0; i < resamples; i++) diffs[i] = (repB[i] as number) - (repA[i] as number)
  diffs.sort()
  const tail = ((1 - CONFIDENCE) / 2) * 100
  const ciLow = percentile(diffs, tail)
  const ciHigh = percentile(diffs, 100 - tail)
  const diff = b - a
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
