// SLO evaluation: per-request bounds → goodput and attainment; run-level thresholds →
// one verdict each. A threshold on a metric the run lacks (TPOT when no request had two
// tokens, anything over an empty run) is "cannot_evaluate", never a pass: a gate that
// passes on missing data would wave through exactly the broken runs it exists to catch.
import type { RequestRecord, Summary } from '../types.js'
import {
  meets,
  REQUEST_METRICS,
  type RequestBound,
  type SloCanonicalUnit,
  type SloOp,
  type SloSet,
} from './slo-spec.js'

export type VerdictStatus = 'pass' | 'fail' | 'cannot_evaluate'

export interface SloVerdict {
  /** The SLO as written, e.g. `ttft_p99<=500ms`. */
  text: string
  metric: string
  op: SloOp
  limit: number
  unit: SloCanonicalUnit
  actual: number | null
  status: VerdictStatus
  /**
   * Headroom relative to the limit: (limit − actual)/limit for ≤, (actual − limit)/limit for ≥,
   * (actual − limit)/(100 − limit) for a percentage floor; negative when failing.
   */
  margin: number | null
  /** Why a verdict cannot be evaluated. */
  reason: string | null
}

export interface Goodput {
  /** Requests judged: every record except aborted ones (cut by the run's end, not the server). */
  judged: number
  good: number
  /** good / judged × 100. */
  attainmentPct: number
  goodputReqPerSec: number
  /** Σ output_tokens of good requests per second of the measurement window. */
  goodputTokPerSec: number
  /** Per-request bounds whose metric no successful request had (skipped in the judgement). */
  unevaluable: string[]
}

export interface SloReport {
  goodput: Goodput | null
  verdicts: SloVerdict[]
  /** True when every verdict passed; false when any failed or could not be evaluated. */
  passed: boolean
}

/**
 * A request is good when it succeeded and meets every per-request bound. A bound whose
 * metric the request lacks (tpot of a one-token answer) does not judge that request; a bound
 * no successful request could be judged on is listed in `unevaluable`.
 */
export function measureGoodput(
  bounds: readonly RequestBound[],
  records: Iterable<RequestRecord>,
  windowSec: number,
): Goodput {
  let judged = 0
  let good = 0
  let goodTokens = 0
  const seen = new Set<RequestBound>()
  for (const record of records) {
    if (record.outcome === 'aborted') continue
    judged++
    if (record.outcome !== 'ok') continue
    let ok = true
    for (const bound of bounds) {
      const value = record[REQUEST_METRICS[bound.metric]]
      if (value === null || !Number.isFinite(value)) continue
      seen.add(bound)
      if (!meets(value, bound.op, bound.limitMs)) ok = false
    }
    if (ok) {
      good++
      goodTokens += record.output_tokens
    }
  }
  const perSec = (amount: number) => (windowSec > 0 ? amount / windowSec : 0)
  return {
    judged,
    good,
    attainmentPct: judged === 0 ? 0 : (good / judged) * 100,
    goodputReqPerSec: perSec(good),
    goodputTokPerSec: perSec(goodTokens),
    unevaluable: bounds.filter((bound) => !seen.has(bound)).map((bound) => bound.text),
  }
}

/** Evaluates an SLO set over a run's records and its summary. */
export function evaluateSlos(set: SloSet, records: Iterable<RequestRecord>, summary: Summary): SloReport {
  const goodput =
    set.requestBounds.length > 0 ? measureGoodput(set.requestBounds, records, summary.windowSec) : null
  const verdicts: SloVerdict[] = set.thresholds.map((threshold) => {
    const found = runMetricValue(threshold.metric, summary, goodput)
    return judge(threshold.text, threshold.metric, threshold.op, threshold.limit, threshold.unit, found)
  })
  // Per-request bounds are reported too, so a gate on them alone is visible and can fail on data loss.
  if (goodput !== null) {
    for (const bound of set.requestBounds) {
      if (goodput.unevaluable.includes(bound.text)) {
        verdicts.push(
          judge(bound.text, bound.metric, bound.op, bound.limitMs, 'ms', {
            value: null,
            reason: `no successful request has ${REQUEST_METRICS[bound.metric]}`,
          }),
        )
      }
    }
  }
  return { goodput, verdicts, passed: verdicts.every((verdict) => verdict.status === 'pass') }
}

interface Found {
  value: number | null
  reason: string | null
}

export function judge(
  text: string,
  metric: string,
  op: SloOp,
  limit: number,
  unit: SloCanonicalUnit,
  found: Found,
): SloVerdict {
  const base = { text, metric, op, limit, unit }
  if (found.value === null || !Number.isFinite(found.value)) {
    return {
      ...base,
      actual: null,
      status: 'cannot_evaluate',
      margin: null,
      reason: found.reason ?? 'no data',
    }
  }
  const actual = found.value
  const below = op === '<=' || op === '<'
  const headroom = below ? limit - actual : actual - limit
  // A percentage floor (success_rate>=99%) is scaled by its error budget (100 − 99 = 1 point),
  // as SRE practice does: 100% success is all of the budget left (margin 1), not 1% headroom.
  // A zero limit has no scale: the margin is the absolute headroom then.
  const scale = unit === '%' && !below && limit < 100 ? 100 - limit : Math.abs(limit)
  const margin = scale === 0 ? headroom : headroom / scale
  return { ...base, actual, status: meets(actual, op, limit) ? 'pass' : 'fail', margin, reason: null }
}

const DISTRIBUTION_KEYS = {
  ttft: 'ttftMs',
  ttfb: 'ttfbMs',
  ttfo: 'ttfoMs',
  tpot: 'tpotMs',
  e2e: 'e2eMs',
  itl: 'itlMs',
  queue: 'queueMs',
} as const

/** The value of a run-level metric (in its canonical unit) from a summary, or why it is missing. */
export function runMetricValue(metric: string, summary: Summary, goodput: Goodput | null): Found {
  const missing = (reason: string): Found => ({ value: null, reason })
  if (summary.requests.total === 0) return missing('the run has no requests')
  switch (metric) {
    case 'success_rate':
      return { value: summary.successRate * 100, reason: null }
    case 'throughput':
      return { value: summary.requestThroughputPerSec, reason: null }
    case 'output_throughput':
      return { value: summary.outputTokenThroughputPerSec, reason: null }
    case 'goodput':
    case 'goodput_tokens':
    case 'attainment': {
      if (goodput === null)
        return missing(`${metric} needs per-request bounds, e.g. --slo 'ttft<=500ms,tpot<=50ms'`)
      const value =
        metric === 'goodput'
          ? goodput.goodputReqPerSec
          : metric === 'goodput_tokens'
            ? goodput.goodputTokPerSec
            : goodput.attainmentPct
      return { value, reason: null }
    }
  }
  const split = metric.lastIndexOf('_')
  const name = metric.slice(0, split)
  const stat = metric.slice(split + 1)
  if (name === 'tokens_per_sec') {
    const tokens = summary.tokensPerSec
    if (tokens === null) return missing('no successful request has tokens_per_sec')
    return { value: numericStat(tokens, stat), reason: null }
  }
  const key = DISTRIBUTION_KEYS[name as keyof typeof DISTRIBUTION_KEYS]
  if (key === undefined) return missing(`unknown metric ${metric}`)
  const dist = summary[key]
  if (dist === null)
    return missing(`no successful request has ${name} (e.g. TPOT needs at least 2 output tokens)`)
  return { value: numericStat(dist, stat), reason: null }
}

/** A distribution's statistic by name; its `method` tag and unknown names are not numbers. */
function numericStat(stats: object, stat: string): number | null {
  const value = (stats as Record<string, unknown>)[stat]
  return typeof value === 'number' ? value : null
}
