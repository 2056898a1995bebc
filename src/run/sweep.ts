// Capacity search: the highest rate (or concurrency) at which the SLO still holds. Pure apart
// from the injected step function: each step is a full run the caller performs (and writes
// raw files for); `judge` turns its result into pass/fail, a margin and a saturation flag
// (stats/sweep-judge.ts builds one from an SLO set). No import of stats/ here, so the search
// stays independent of how a step is judged.
//
// Algorithm:
// 1. Bracket: start at the low end and grow geometrically (×growth) until a step fails.
//    Lowest fails → "no capacity under this SLO" (with the best step); highest passes →
//    "at least X".
// 2. Estimate the edge inside [lo, hi]: an over-saturated failing step (queue or TTFT grew
//    without bound) ran the server flat out, so the throughput it achieved bounds the
//    capacity from above and is the estimate; otherwise linear interpolation of the SLO
//    margin between lo and hi (regula falsi).
// 3. Probe just below or just above the estimate (by 0.9 × tolerance), on the side whose
//    bracket end is farther, so two probes straddling a good estimate close the bracket to
//    ±tolerance. A probe that would land outside the bracket falls back to the geometric
//    midpoint.
// 4. A step whose |margin| is inside the noise band is run again and passes only if both
//    runs pass: near the edge one noisy run must not decide the capacity.
// Stop when (hi − lo)/(hi + lo) ≤ tolerance or after maxSteps runs.

export interface SweepJudgement {
  pass: boolean
  /** Relative headroom to the tightest SLO (negative when failing). */
  margin: number
  /** The step's queue or TTFT grew without bound: the offered rate exceeds what the server serves. */
  saturated: boolean
  /** What the server actually completed per second in this step. */
  achievedPerSec: number
}

export interface SweepStep<T> {
  index: number
  rate: number
  judgement: SweepJudgement
  /** True for the second run of a rate repeated because its margin was within the noise band. */
  repeated: boolean
  result: T
}

export type SweepOutcome =
  | { kind: 'capacity'; capacity: number; low: number; high: number; converged: boolean }
  | { kind: 'no_capacity'; bestRate: number; bestMargin: number }
  | { kind: 'at_least'; rate: number }

export interface SweepResult<T> {
  outcome: SweepOutcome
  steps: SweepStep<T>[]
}

export interface SweepOptions<T> {
  runStep: (rate: number, index: number) => Promise<T>
  judge: (result: T) => SweepJudgement
  minRate: number
  maxRate: number
  /** Bracketing growth factor (default 2). */
  growth?: number
  /** Target relative half-width of the capacity interval (default 0.05 = ±5%). */
  tolerance?: number
  /** Most step runs in all, repeats included (default 8). */
  maxSteps?: number
  /** |margin| below this repeats a step once (default 0.05; 0 disables repeats). */
  noiseBand?: number
  /** Rates are rounded to this many decimals (1 for req/s; 0 for a concurrency sweep). */
  decimals?: number
  /**
   * Whether the swept value is a rate comparable with achievedPerSec (default true). A
   * concurrency sweep is not: its served req/s can neither estimate the edge nor show that a
   * step was over capacity.
   */
  sweepsRate?: boolean
}

interface Point {
  rate: number
  judgement: SweepJudgement
}

export async function sweep<T>(options: SweepOptions<T>): Promise<SweepResult<T>> {
  const growth = options.growth ?? 2
  const tolerance = options.tolerance ?? 0.05
  const maxSteps = options.maxSteps ?? 8
  const noiseBand = options.noiseBand ?? 0.05
  const scale = 10 ** (options.decimals ?? 1)
  const sweepsRate = options.sweepsRate ?? true
  const round = (rate: number) => Math.round(rate * scale) / scale
  if (!(options.minRate > 0 && options.maxRate >= options.minRate)) {
    throw new RangeError(
      `sweep rate range must satisfy 0 < min ≤ max (got ${options.minRate}:${options.maxRate})`,
    )
  }
  const steps: SweepStep<T>[] = []

  async function probe(rate: number): Promise<Point> {
    const first = await runOne(rate, false)
    // A saturated step that served clearly less than it was offered was over capacity: no
    // noise makes a server complete fewer requests than it is sent while its queue grows.
    const overCapacity = sweepsRate && first.saturated && first.achievedPerSec < rate * (1 - noiseBand)
    if (Math.abs(first.margin) >= noiseBand || overCapacity || steps.length >= maxSteps)
      return { rate, judgement: first }
    const second = await runOne(rate, true)
    const judgement = second.margin < first.margin ? second : first
    return { rate, judgement: { ...judgement, pass: first.pass && second.pass } }
  }

  async function runOne(rate: number, repeated: boolean): Promise<SweepJudgement> {
    const index = steps.length
    const result = await options.runStep(rate, index)
    const judgement = options.judge(result)
    steps.push({ index, rate, judgement, repeated, result })
    return judgement
  }

  let lo = await probe(round(options.minRate))
  if (!lo.judgement.pass) {
    const best = steps.reduce((left, right) =>
      right.judgement.margin > left.judgement.margin ? right : left,
    )
    return { outcome: { kind: 'no_capacity', bestRate: best.rate, bestMargin: best.judgement.margin }, steps }
  }
  let hi: Point | null = null
  while (hi === null) {
    if (lo.rate >= options.maxRate) return { outcome: { kind: 'at_least', rate: lo.rate }, steps }
    if (steps.length >= maxSteps) return { outcome: { kind: 'at_least', rate: lo.rate }, steps }
    const next = await probe(round(Math.min(options.maxRate, lo.rate * growth)))
    if (next.judgement.pass) lo = next
    else hi = next
  }

  const halfWidth = (low: number, high: number) => (high - low) / (high + low)
  while (halfWidth(lo.rate, hi.rate) > tolerance && steps.length < maxSteps) {
    const estimate = estimateEdge(lo, hi, sweepsRate)
    const below = lo.rate === 0 ? Number.POSITIVE_INFINITY : estimate / lo.rate
    const above = hi.rate / estimate
    let rate = round(above > below ? estimate * (1 + 0.9 * tolerance) : estimate * (1 - 0.9 * tolerance))
    // Keep a probe off the bracket's ends, by a step small enough not to push a good
    // estimate next to a wide bracket's low end out to the midpoint.
    const margin = Math.min((hi.rate - lo.rate) * 0.05, lo.rate * tolerance * 0.5)
    if (!(rate > lo.rate + margin && rate < hi.rate - margin)) rate = round(Math.sqrt(lo.rate * hi.rate))
    if (rate <= lo.rate || rate >= hi.rate) break
    const point = await probe(rate)
    if (point.judgement.pass) lo = point
    else hi = point
  }
  const converged = halfWidth(lo.rate, hi.rate) <= tolerance
  const capacity = round((lo.rate + hi.rate) / 2)
  return { outcome: { kind: 'capacity', capacity, low: lo.rate, high: hi.rate, converged }, steps }
}

/** Where the SLO edge probably is inside (lo, hi). */
function estimateEdge(lo: Point, hi: Point, sweepsRate: boolean): number {
  const achieved = hi.judgement.achievedPerSec
  if (sweepsRate && hi.judgement.saturated && achieved > lo.rate && achieved < hi.rate) return achieved
  const marginLo = lo.judgement.margin
  const marginHi = hi.judgement.margin
  if (marginLo > 0 && marginHi < 0) return lo.rate + ((hi.rate - lo.rate) * marginLo) / (marginLo - marginHi)
  return Math.sqrt(lo.rate * hi.rate)
}
