// Per-second view of a run, for the "over time" charts and the TTFT CDF. Records stream in
// one at a time (a raw file may hold millions), so per-bucket counters live in a Map and the
// latency samples of successful requests go into growable Float64Arrays (16 bytes per ok
// request per metric: end bucket + value), sorted once in finish().
import { FAILURE_OUTCOMES, type RequestRecord } from '../types.js'
import { percentile } from './percentile.js'

/** Latency of the successful requests that ended in one bucket; percentiles exact (numpy linear, percentile.ts). */
export interface BucketLatency {
  mean: number
  p50: number
  p95: number
}

export interface TimeSeriesBucket {
  /** Bucket start, seconds since the run start (records are bucketed by their end time). */
  startSec: number
  /** Records that ended in this bucket, whatever their outcome (ok + failed + aborted + notSent). */
  completed: number
  ok: number
  /** Failures as the summary counts them: http_error, timeout, network_error, stream_error. */
  failed: number
  /** Sent, then cut by the end of the run or Ctrl-C: the client's doing, not a failure. */
  aborted: number
  /** Scheduled, never sent (no concurrency slot): the client's limit, not a failure. */
  notSent: number
  /** failed / (ok + failed), in 0..1, as the summary's success rate; 0 when neither. */
  errorRate: number
  /** Σ output_tokens of the ok requests that ended in this bucket. */
  outputTokens: number
  /** ok / bucket length: the summary's request throughput counts successful requests only. */
  requestsPerSec: number
  /** outputTokens / bucket length. */
  outputTokensPerSec: number
  ttftMs: BucketLatency | null
  e2eMs: BucketLatency | null
}

/** One point of the TTFT CDF: this fraction (0..1) of successful requests had TTFT ≤ ttftMs. */
export interface CdfPoint {
  ttftMs: number
  fraction: number
}

export interface RunTimeSeries {
  bucketSec: number
  /** Dense from the first to the last bucket holding a record (empty seconds included). */
  buckets: TimeSeriesBucket[]
  /** At most CDF_POINTS points, sorted by ttftMs; empty when no request succeeded. */
  ttftCdf: CdfPoint[]
}

export interface TimeSeriesAccumulator {
  add(record: RequestRecord): void
  finish(): RunTimeSeries
}

export const CDF_POINTS = 200
/** A week of seconds: beyond it ended_at_ms cannot be a run-relative offset. */
const MAX_BUCKETS = 7 * 24 * 3600

interface BucketCounts {
  completed: number
  ok: number
  failed: number
  aborted: number
  notSent: number
  outputTokens: number
}

function emptyCounts(): BucketCounts {
  return { completed: 0, ok: 0, failed: 0, aborted: 0, notSent: 0, outputTokens: 0 }
}

/** Append-only (bucket, value) pairs in one Float64Array that doubles when full. */
class PairColumn {
  private data = new Float64Array(2 * 1024)
  length = 0

  push(bucket: number, value: number): void {
    if (2 * this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2)
      grown.set(this.data)
      this.data = grown
    }
    this.data[2 * this.length] = bucket
    this.data[2 * this.length + 1] = value
    this.length += 1
  }

  bucketAt(i: number): number {
    return this.data[2 * i] as number
  }

  valueAt(i: number): number {
    return this.data[2 * i + 1] as number
  }
}

export function createTimeSeriesAccumulator(bucketMs = 1000): TimeSeriesAccumulator {
  if (!(bucketMs > 0)) throw new Error(`bucketMs must be > 0 (got ${bucketMs})`)
  const counts = new Map<number, BucketCounts>()
  const ttft = new PairColumn()
  const e2e = new PairColumn()

  return {
    add(record) {
      if (!Number.isFinite(record.ended_at_ms)) return
      const bucket = Math.floor(record.ended_at_ms / bucketMs)
      let entry = counts.get(bucket)
      if (entry === undefined) {
        entry = emptyCounts()
        counts.set(bucket, entry)
      }
      entry.completed += 1
      if (record.outcome === 'aborted') entry.aborted += 1
      else if (record.outcome === 'not_sent') entry.notSent += 1
      else if (FAILURE_OUTCOMES.includes(record.outcome)) entry.failed += 1
      if (record.outcome !== 'ok') return
      entry.ok += 1
      entry.outputTokens += record.output_tokens
      if (record.ttft_ms !== null && Number.isFinite(record.ttft_ms)) ttft.push(bucket, record.ttft_ms)
      if (record.e2e_ms !== null && Number.isFinite(record.e2e_ms)) e2e.push(bucket, record.e2e_ms)
    },

    finish() {
      const bucketSec = bucketMs / 1000
      if (counts.size === 0) return { bucketSec, buckets: [], ttftCdf: [] }
      let first = Number.POSITIVE_INFINITY
      let last = Number.NEGATIVE_INFINITY
      for (const key of counts.keys()) {
        first = Math.min(first, key)
        last = Math.max(last, key)
      }
      // Runs start at 0 ms, so the axis starts at 0 and shows the ramp-up too.
      if (first > 0) first = 0
      if (last - first > MAX_BUCKETS) {
        throw new Error(`ended_at_ms spans ${last - first} buckets of ${bucketMs} ms: not run-relative times`)
      }
      const ttftByBucket = groupSorted(ttft, first, last)
      const e2eByBucket = groupSorted(e2e, first, last)
      const buckets: TimeSeriesBucket[] = []
      for (let key = first; key <= last; key++) {
        const entry = counts.get(key) ?? emptyCounts()
        const attempted = entry.ok + entry.failed
        buckets.push({
          startSec: (key * bucketMs) / 1000,
          completed: entry.completed,
          ok: entry.ok,
          failed: entry.failed,
          aborted: entry.aborted,
          notSent: entry.notSent,
          errorRate: attempted === 0 ? 0 : entry.failed / attempted,
          outputTokens: entry.outputTokens,
          requestsPerSec: entry.ok / bucketSec,
          outputTokensPerSec: entry.outputTokens / bucketSec,
          ttftMs: ttftByBucket.latencyOf(key),
          e2eMs: e2eByBucket.latencyOf(key),
        })
      }
      return { bucketSec, buckets, ttftCdf: cdfOf(ttftByBucket.all) }
    },
  }
}

/**
 * Counting sort of the pairs by bucket, then a numeric sort inside each bucket: one
 * temporary Float64Array of the values, no per-bucket arrays.
 */
function groupSorted(
  column: PairColumn,
  first: number,
  last: number,
): { all: Float64Array; latencyOf(bucket: number): BucketLatency | null } {
  const span = last - first + 1
  const starts = new Uint32Array(span + 1)
  for (let i = 0; i < column.length; i++) (starts[column.bucketAt(i) - first + 1] as number)++
  for (let b = 0; b < span; b++) starts[b + 1] = (starts[b + 1] as number) + (starts[b] as number)
  const next = starts.slice(0, span)
  const values = new Float64Array(column.length)
  for (let i = 0; i < column.length; i++) {
    const slot = column.bucketAt(i) - first
    values[next[slot] as number] = column.valueAt(i)
    next[slot] = (next[slot] as number) + 1
  }
  const latencies: Array<BucketLatency | null> = []
  for (let b = 0; b < span; b++) {
    const slice = values.subarray(starts[b] as number, starts[b + 1] as number)
    slice.sort()
    latencies.push(slice.length === 0 ? null : latencyOfSorted(slice))
  }
  // Sorting every bucket first leaves the whole array in sorted runs, which makes this cheap.
  const all = values.slice().sort()
  return { all, latencyOf: (bucket) => latencies[bucket - first] ?? null }
}

function latencyOfSorted(sorted: Float64Array): BucketLatency {
  let sum = 0
  for (const value of sorted) sum += value
  return { mean: sum / sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95) }
}

/**
 * The run's TTFT CDF in at most CDF_POINTS points: the sample quantiles at evenly spaced
 * fractions k / (m − 1). With m = n (small runs) these are exactly the sorted samples.
 */
function cdfOf(sorted: Float64Array): CdfPoint[] {
  const n = sorted.length
  if (n === 0) return []
  if (n === 1) return [{ ttftMs: sorted[0] as number, fraction: 1 }]
  const m = Math.min(n, CDF_POINTS)
  const points: CdfPoint[] = []
  for (let k = 0; k < m; k++) {
    const fraction = k / (m - 1)
    points.push({ ttftMs: percentile(sorted, fraction * 100), fraction })
  }
  return points
}
