// How each metric is shown: one entry per metric with its label, unit, decimals, which
// tail is bad and its note. The CSV, Markdown, HTML and PNG renderers (and the terminal
// table in cli/) all read it, so a metric looks the same wherever it appears.

import { groupedCount, groupedFixed } from '../stats/grouped-number.js'
import type { Distribution, Summary } from '../types.js'

/** The tail a user worries about: latency is bad when high, tokens/sec when low. */
export type BadTail = 'high' | 'low'

export interface MetricEntry {
  /** Column/row name in summary CSV files and chart ids, unit in the name. */
  id: string
  /** Human label with its unit, e.g. "TTFT (ms)". */
  label: string
  unit: string
  /** Decimals shown in Markdown, HTML and the terminal. */
  decimals: number
  /** Decimals stored in the summary CSV: finer, so spreadsheets can compute further. */
  csvDecimals: number
  badTail: BadTail
  /** The CSV's note; what the number covers. */
  note: string
}

export interface DistributionMetric extends MetricEntry {
  pick(summary: Summary): Distribution | null
  /** Divides the stored value for display (1000: ms shown as s). */
  scale: number
}

export interface ValueMetric extends MetricEntry {
  value(summary: Summary): number
}

const SUCCESSFUL_ONLY = 'successful requests only'

function latency(
  id: string,
  label: string,
  pick: (s: Summary) => Distribution | null,
  decimals: number,
  note: string,
): DistributionMetric {
  return {
    id,
    label,
    unit: 'ms',
    decimals,
    csvDecimals: 3,
    badTail: 'high',
    note: `${note}; ${SUCCESSFUL_ONLY}`,
    pick,
    scale: 1,
  }
}

/** Distributions over successful requests, in the order the reports list them. */
export const DISTRIBUTION_METRICS = {
  ttft: latency('ttft_ms', 'TTFT (ms)', (s) => s.ttftMs, 1, 'time to first token'),
  ttfb: latency('ttfb_ms', 'TTFB (ms)', (s) => s.ttfbMs, 1, 'time to first byte'),
  ttfo: latency(
    'ttfo_ms',
    'TTFO, first answer token (ms)',
    (s) => s.ttfoMs,
    1,
    'time to first answer (non-reasoning) token',
  ),
  e2e: latency('e2e_ms', 'Total time (ms)', (s) => s.e2eMs, 1, 'total time'),
  tpot: latency('tpot_ms', 'TPOT (ms)', (s) => s.tpotMs, 2, 'time per output token'),
  itl: latency('itl_ms', 'ITL (ms)', (s) => s.itlMs, 2, 'gaps between tokens, all requests pooled'),
  queue: latency('queue_ms', 'Queue wait (ms)', (s) => s.queueMs, 1, 'wait for a concurrency slot'),
  latencyFromSchedule: latency(
    'latency_from_schedule_ms',
    'Latency from schedule (ms)',
    (s) => s.latencyFromScheduleMs,
    1,
    'scheduled send to end of stream',
  ),
  proxyOverhead: latency(
    'proxy_overhead_ms',
    'Proxy overhead (ms)',
    (s) => s.proxyOverheadMs,
    1,
    'LiteLLM overhead header',
  ),
  outputTokens: {
    id: 'output_tokens',
    label: 'Output tokens',
    unit: 'tokens',
    decimals: 1,
    csvDecimals: 2,
    badTail: 'high',
    note: SUCCESSFUL_ONLY,
    pick: (s) => s.outputTokens,
    scale: 1,
  },
  inputTokens: {
    id: 'input_tokens',
    label: 'Input tokens',
    unit: 'tokens',
    decimals: 1,
    csvDecimals: 2,
    badTail: 'high',
    note: SUCCESSFUL_ONLY,
    pick: (s) => s.inputTokens,
    scale: 1,
  },
} satisfies Record<string, DistributionMetric>

/** Total time in seconds, as the original tool's summary shows it. */
export const TOTAL_TIME_SEC: DistributionMetric = {
  ...DISTRIBUTION_METRICS.e2e,
  label: 'Total Time (s)',
  unit: 's',
  decimals: 3,
  scale: 1000,
}

/** Per-request output tokens / total time: higher is better, so its bad tail is the low one. */
export const TOKENS_PER_SEC = {
  id: 'tokens_per_sec',
  label: 'Tokens/sec',
  unit: 'tokens/s',
  decimals: 2,
  csvDecimals: 2,
  badTail: 'low',
  note:
    'low tail: p90 column = 10th percentile, p95 column = 5th percentile, p99 column = 1st percentile; ' +
    SUCCESSFUL_ONLY,
} as const satisfies MetricEntry

/** How the low-tail percentiles of tokens/sec are labelled where a column says P95/P99. */
export const LOW_TAIL_LABEL = { p95: 'P95 (5th pct, low tail)', p99: 'P99 (1st pct, low tail)' } as const

export const VALUE_METRICS = {
  successRate: {
    id: 'success_rate',
    label: 'Success rate',
    unit: '%',
    decimals: 2,
    csvDecimals: 2,
    badTail: 'low',
    note: 'ok / (ok + failed): aborted and not sent are counted apart',
    value: (s) => s.successRate * 100,
  },
  requestThroughput: {
    id: 'request_throughput',
    label: 'Requests/s',
    unit: 'req/s',
    decimals: 3,
    csvDecimals: 3,
    badTail: 'low',
    note: 'successful requests / measurement window',
    value: (s) => s.requestThroughputPerSec,
  },
  outputTokenThroughput: {
    id: 'output_token_throughput',
    label: 'Output tokens/s',
    unit: 'tokens/s',
    decimals: 2,
    csvDecimals: 2,
    badTail: 'low',
    note: 'output tokens of successful requests / measurement window',
    value: (s) => s.outputTokenThroughputPerSec,
  },
} satisfies Record<string, ValueMetric>

/**
 * `value` with exactly `decimals` digits after the point and thousands separators
 * (1,234.50), never "-0". The one number format of the human-readable reports.
 */
export function formatFixed(value: number, decimals: number): string {
  const text = groupedFixed(value, decimals)
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text
}

export function formatCount(value: number): string {
  return groupedCount(value)
}

/** A 0..1 ratio as a percentage with the success rate's decimals: "97.50%". */
export function formatPercent(ratio: number): string {
  return `${formatFixed(ratio * 100, VALUE_METRICS.successRate.decimals)}%`
}
