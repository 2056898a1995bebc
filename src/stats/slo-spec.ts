// SLO grammar: `--slo 'ttft_p99<=500ms'` (a run-level threshold over an aggregate, k6's
// model) or `--slo 'ttft<=500ms,tpot<=50ms'` (per-request bounds: a request is *good* when it
// meets every one; good requests give goodput and attainment). A bare latency metric is a
// per-request bound; a metric with a statistic suffix, or a rate, is run-level. Units are
// required and must fit the metric, so `ttft_p99<=500` (ms or s?) is refused, not guessed.
import { didYouMean } from '../config/did-you-mean.js'
import { ConfigError } from '../errors.js'

export type SloOp = '<=' | '<' | '>=' | '>'
export type SloUnit = 'ms' | 's' | '%' | 'req/s' | 'tok/s'
/** Canonical units the limits are stored in: ms for times, percent (0..100) for ratios. */
export type SloCanonicalUnit = 'ms' | '%' | 'req/s' | 'tok/s'

/** Per-request latency metrics: the RequestRecord field each bound reads. */
export const REQUEST_METRICS = {
  ttft: 'ttft_ms',
  ttfb: 'ttfb_ms',
  ttfo: 'ttfo_ms',
  tpot: 'tpot_ms',
  e2e: 'e2e_ms',
  queue: 'queue_ms',
} as const
export type RequestMetric = keyof typeof REQUEST_METRICS

const LATENCY_STATS = ['p50', 'p90', 'p95', 'p99', 'mean', 'min', 'max'] as const
const RUN_LATENCY_METRICS = ['ttft', 'ttfb', 'ttfo', 'tpot', 'e2e', 'itl', 'queue'] as const
const TOKENS_PER_SEC_STATS = ['p50', 'p10', 'p5', 'p1', 'mean', 'min', 'max'] as const

/** Run-level metrics that are not latency percentiles, with their canonical unit. */
const RATE_METRICS: Record<string, SloCanonicalUnit> = {
  success_rate: '%',
  attainment: '%',
  goodput: 'req/s',
  goodput_tokens: 'tok/s',
  throughput: 'req/s',
  output_throughput: 'tok/s',
}

/** Every run-level metric name, for did-you-mean and the help text. */
export const RUN_METRICS: readonly string[] = [
  ...RUN_LATENCY_METRICS.flatMap((metric) => LATENCY_STATS.map((stat) => `${metric}_${stat}`)),
  ...TOKENS_PER_SEC_STATS.map((stat) => `tokens_per_sec_${stat}`),
  ...Object.keys(RATE_METRICS),
]

export interface RequestBound {
  kind: 'request'
  metric: RequestMetric
  op: SloOp
  /** In ms. */
  limitMs: number
  text: string
}

export interface RunThreshold {
  kind: 'run'
  /** e.g. `ttft_p99`, `success_rate`, `goodput`. */
  metric: string
  op: SloOp
  /** In `unit` (ms for times, percent for ratios). */
  limit: number
  unit: SloCanonicalUnit
  text: string
}

export interface SloSet {
  requestBounds: RequestBound[]
  thresholds: RunThreshold[]
}

const TERM = /^\s*([a-z0-9_]+)\s*(<=|>=|<|>)\s*([+-]?\d+(?:\.\d+)?)\s*(ms|s|%|req\/s|tok\/s)?\s*$/i

/** The canonical unit a metric is stored in, or undefined for an unknown metric. */
export function unitOf(metric: string): SloCanonicalUnit | undefined {
  if (metric in REQUEST_METRICS) return 'ms'
  const rate = RATE_METRICS[metric]
  if (rate !== undefined) return rate
  if (metric.startsWith('tokens_per_sec_')) return RUN_METRICS.includes(metric) ? 'tok/s' : undefined
  return RUN_METRICS.includes(metric) ? 'ms' : undefined
}

/**
 * Parses SLO texts (each may hold several comma-separated terms). `source` names where they
 * came from (`--slo`, `workloads.yaml: slo`) for messages. Collects every problem, then
 * throws one ConfigError listing them all.
 */
export function parseSlos(texts: readonly string[], source = '--slo'): SloSet {
  const set: SloSet = { requestBounds: [], thresholds: [] }
  const problems: string[] = []
  for (const text of texts) {
    for (const term of text.split(',')) {
      const parsed = parseTerm(term.trim(), source)
      if (typeof parsed === 'string') problems.push(parsed)
      else if (parsed.kind === 'request') set.requestBounds.push(parsed)
      else set.thresholds.push(parsed)
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(problems.join('\n'), {
      hint: 'write METRIC OP NUMBER UNIT, e.g. ttft_p99<=500ms, ttft<=500ms,tpot<=50ms, success_rate>=99%, goodput>=5req/s',
    })
  }
  return set
}

function parseTerm(term: string, source: string): RequestBound | RunThreshold | string {
  const match = TERM.exec(term)
  if (match === null) return `${source}: cannot read \`${term}\` (expected e.g. ttft_p99<=500ms)`
  const metric = (match[1] as string).toLowerCase()
  const op = match[2] as SloOp
  const value = Number(match[3])
  const unit = match[4]?.toLowerCase() as SloUnit | undefined
  const canonical = unitOf(metric)
  if (canonical === undefined) {
    const known = [...Object.keys(REQUEST_METRICS), ...RUN_METRICS]
    return `${source}: unknown metric \`${metric}\` in \`${term}\`${suggestionSuffixOf(metric, known)}`
  }
  if (unit === undefined) return `${source}: \`${term}\` has no unit (add ${unitsFor(canonical)})`
  const limit = toCanonical(value, unit, canonical)
  if (limit === undefined) {
    return `${source}: unit ${unit} does not fit ${metric} in \`${term}\` (use ${unitsFor(canonical)})`
  }
  if (limit < 0) return `${source}: \`${term}\` has a negative limit`
  if (canonical === '%' && limit > 100) return `${source}: \`${term}\` is above 100%`
  if (metric in REQUEST_METRICS) {
    return { kind: 'request', metric: metric as RequestMetric, op, limitMs: limit, text: term }
  }
  return { kind: 'run', metric, op, limit, unit: canonical, text: term }
}

function unitsFor(canonical: SloCanonicalUnit): string {
  return canonical === 'ms' ? 'ms or s' : canonical
}

function toCanonical(value: number, unit: SloUnit, canonical: SloCanonicalUnit): number | undefined {
  if (canonical === 'ms') return unit === 'ms' ? value : unit === 's' ? value * 1000 : undefined
  return unit === canonical ? value : undefined
}

/** True when `actual` satisfies `op limit`. */
export function meets(actual: number, op: SloOp, limit: number): boolean {
  switch (op) {
    case '<=':
      return actual <= limit
    case '<':
      return actual < limit
    case '>=':
      return actual >= limit
    case '>':
      return actual > limit
  }
}

/** " — did you mean `x`?" when a known name is close to the typo, else nothing. */
function suggestionSuffixOf(input: string, known: readonly string[]): string {
  const guess = didYouMean(input, known)
  return guess === undefined ? '' : ` — did you mean \`${guess}\`?`
}
