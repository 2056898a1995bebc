// Which statistics of a summary came from a histogram instead of sorted values: one line
// for the reports, so a reader knows a percentile is within 0.1 % rather than exact.

import type { Summary } from '../types.js'
import { EXACT_SAMPLE_LIMIT } from './bounded-column.js'
import { groupedCount } from './grouped-number.js'

/** The per-request metrics of a Summary and the short names the note uses for them. */
const METRIC_NAMES = {
  ttftMs: 'TTFT',
  ttfbMs: 'TTFB',
  ttfoMs: 'TTFO',
  e2eMs: 'total time',
  tpotMs: 'TPOT',
  itlMs: 'ITL',
  queueMs: 'queue wait',
  latencyFromScheduleMs: 'latency from schedule',
  outputTokens: 'output tokens',
  inputTokens: 'input tokens',
  tokensPerSec: 'tokens/sec',
  proxyOverheadMs: 'proxy overhead',
} as const satisfies Partial<Record<keyof Summary, string>>

/** The metrics whose percentiles came from an HdrHistogram, in report order. */
export function histogramMetrics(summary: Summary): string[] {
  return Object.entries(METRIC_NAMES).flatMap(([key, name]) =>
    summary[key as keyof typeof METRIC_NAMES]?.method === 'hdr' ? [name] : [],
  )
}

/**
 * "Percentiles of TTFT, ITL come from an HdrHistogram …", or null when every percentile is
 * exact (the reports' general text already says exact).
 */
export function statisticMethodNote(summary: Summary): string | null {
  const metrics = histogramMetrics(summary)
  if (metrics.length === 0) return null
  return (
    `Percentiles of ${metrics.join(', ')} come from an HdrHistogram (3 significant digits: within 0.1 %), ` +
    `as each had more than ${groupedCount(EXACT_SAMPLE_LIMIT)} values; count, mean, min and max are exact.`
  )
}
