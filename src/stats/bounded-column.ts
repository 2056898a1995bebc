import { createRequire } from 'node:module'
import type * as hdr from 'hdr-histogram-js'
import type { Distribution, LowTailDistribution, StatisticMethod } from '../types.js'
import { distribution, lowTailDistribution } from './distribution.js'
import { FloatColumn } from './float-column.js'

/** Values kept exactly per metric before the column switches to a histogram (8 MB each). */
export const EXACT_SAMPLE_LIMIT = 1_000_000

/**
 * Values are recorded in units of 1/1000 (µs for a metric in ms): HdrHistogram counts
 * integers. With 3 significant digits every value above 1 unit (1 µs) is within 0.1 % of
 * itself, so a percentile from the histogram is within 0.1 % of the exact one (plus 1 µs).
 */
const UNITS_PER_VALUE = 1000
export const HDR_RELATIVE_ERROR = 0.001

// hdr-histogram-js costs about 70 ms of CPU to load, and most runs never pass the exact
// bound: it is loaded (synchronously, its CommonJS build) when the first column switches.
let hdrModule: typeof hdr | null = null
function loadHdr(): typeof hdr {
  hdrModule ??= createRequire(import.meta.url)('hdr-histogram-js') as typeof hdr
  return hdrModule
}

/** The index after the run of values equal to values[start] (NaN never equals: it runs alone). */
function runEnd(values: ArrayLike<number>, start: number): number {
  const value = values[start]
  let end = start + 1
  while (end < values.length && values[end] === value) end++
  return end
}

/**
 * One metric's values: exact (every value, sorted for percentiles) up to `limit`, then an
 * HdrHistogram with 3 significant digits, whose memory does not grow with the count (a few
 * tens of KB for ms latencies). count, mean, min and max stay exact over every value. Two
 * columns merge (shards of one run): exact while the sum fits the limit, else histogram.
 * The distribution says which way its percentiles were computed (`method`).
 */
export class BoundedColumn {
  readonly limit: number
  #exact: FloatColumn | null = new FloatColumn()
  #histogram: hdr.Histogram | null = null
  #count = 0
  #sum = 0
  #min = Number.POSITIVE_INFINITY
  #max = Number.NEGATIVE_INFINITY

  constructor(limit = EXACT_SAMPLE_LIMIT) {
    if (!(Number.isInteger(limit) && limit > 0))
      throw new RangeError(`limit must be a positive integer (got ${limit})`)
    this.limit = limit
  }

  get count(): number {
    return this.#count
  }

  get method(): StatisticMethod {
    return this.#histogram === null ? 'exact' : 'hdr'
  }

  push(value: number): void {
    this.#count++
    this.#sum += value
    if (value < this.#min) this.#min = value
    if (value > this.#max) this.#max = value
    if (this.#exact !== null) {
      this.#exact.push(value)
      if (this.#exact.length > this.limit) this.#toHistogram()
    } else {
      this.#record(value, 1)
    }
  }

  /**
   * Adds every finite value of `values` (one request's inter-token gaps). On the histogram
   * path a run of equal values is one recording: a network read that carried k tokens gives
   * k equal gaps, and at 128 tokens per read the per-value recording was most of a long
   * run's summary cost. count, sum, min and max still take each value, in order.
   */
  pushAll(values: readonly number[]): void {
    // Per record, so hot: a plain loop (a callback per run, which V8 did not inline, cost
    // ~100 ns per value). While exact, runs are not looked for.
    for (let i = 0; i < values.length; ) {
      const value = values[i] as number
      const end = this.#exact === null ? runEnd(values, i) : i + 1
      if (Number.isFinite(value)) this.#pushRun(value, end - i)
      i = end
    }
  }

  #pushRun(value: number, times: number): void {
    if (this.#exact !== null) {
      for (let k = 0; k < times; k++) this.push(value)
      return
    }
    this.#count += times
    for (let k = 0; k < times; k++) this.#sum += value
    if (value < this.#min) this.#min = value
    if (value > this.#max) this.#max = value
    this.#record(value, times)
  }

  /** Adds another column's values (a shard of the same metric); `other` is left unchanged. */
  merge(other: BoundedColumn): void {
    if (other.#count === 0) return
    this.#count += other.#count
    this.#sum += other.#sum
    this.#min = Math.min(this.#min, other.#min)
    this.#max = Math.max(this.#max, other.#max)
    if (
      this.#exact !== null &&
      other.#exact !== null &&
      this.#exact.length + other.#exact.length <= this.limit
    ) {
      for (const value of other.#exact.view()) this.#exact.push(value)
      return
    }
    if (this.#exact !== null) this.#toHistogram()
    if (other.#exact !== null) this.#recordRuns(other.#exact.view())
    else (this.#histogram as hdr.Histogram).add(other.#histogram as hdr.Histogram)
  }

  /** Latency-type statistics (the high tail is bad); null without values. */
  distribution(): Distribution | null {
    if (this.#count === 0) return null
    if (this.#exact !== null)
      return { ...(distribution(this.#exact.view()) as Distribution), method: 'exact' }
    const p = (q: number) => this.#percentile(q)
    return { ...this.#hdrCommon(), p90: p(90), p95: p(95), p99: p(99) }
  }

  /** Throughput-type statistics (the low tail is bad); null without values. */
  lowTailDistribution(): LowTailDistribution | null {
    if (this.#count === 0) return null
    if (this.#exact !== null)
      return { ...(lowTailDistribution(this.#exact.view()) as LowTailDistribution), method: 'exact' }
    const p = (q: number) => this.#percentile(q)
    return { ...this.#hdrCommon(), p10: p(10), p5: p(5), p1: p(1) }
  }

  /** The statistics both tails share once the values live in the histogram. */
  #hdrCommon() {
    const mean = this.#sum / this.#count
    return {
      count: this.#count,
      mean,
      min: this.#min,
      max: this.#max,
      p50: this.#percentile(50),
      method: 'hdr' as const,
    }
  }

  #toHistogram(): void {
    this.#histogram = loadHdr().build({
      numberOfSignificantValueDigits: 3,
      bitBucketSize: 64,
      autoResize: true,
    })
    const values = (this.#exact as FloatColumn).view()
    this.#exact = null
    this.#recordRuns(values)
  }

  /** Records values already counted in count/sum/min/max, a run of equal ones at a time. */
  #recordRuns(values: Float64Array): void {
    for (let i = 0; i < values.length; ) {
      const end = runEnd(values, i)
      this.#record(values[i] as number, end - i)
      i = end
    }
  }

  // Negative values (clock noise on a near-zero metric) count as 0 in the histogram; the
  // exact min, max and mean still carry them.
  #record(value: number, times: number): void {
    const units = Math.max(0, Math.round(value * UNITS_PER_VALUE))
    ;(this.#histogram as hdr.Histogram).recordValueWithCount(units, times)
  }

  // The histogram's value is the highest in its bucket; clamp into the exact [min, max] so a
  // percentile never lies outside the values seen.
  #percentile(p: number): number {
    const value = (this.#histogram as hdr.Histogram).getValueAtPercentile(p) / UNITS_PER_VALUE
    return Math.min(this.#max, Math.max(this.#min, value))
  }
}
