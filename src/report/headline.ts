import { errorGroupLabel } from './not-sent.js'
// The pieces the Markdown report and the terminal end-of-run table (cli/) share: the
// original tool's headline rows (TTFT, total time, tokens/sec, success rate by
// Mean/Median/P95/P99) and the one-line error breakdown.

import type { ErrorGroup, Summary } from '../types.js'
import {
  DISTRIBUTION_METRICS,
  formatCount,
  formatFixed,
  formatPercent,
  TOKENS_PER_SEC,
  TOTAL_TIME_SEC,
} from './metric-catalogue.js'
import type { Align } from './text-table.js'

export const DASH = '-'

export function dashes(n: number): string[] {
  return Array<string>(n).fill(DASH)
}

export function rightAligned(n: number): Align[] {
  return Array<Align>(n).fill('right')
}

export function plural(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`
}

/** Rows of Metric | Mean | Median | P95 | P99; tokens/sec's P95/P99 are its 5th/1st percentiles. */
export function headlineRows(s: Summary, lang: 'en' | 'ko'): string[][] {
  const ko = lang === 'ko'
  const ttft = s.ttftMs
  const e2e = s.e2eMs
  const tps = s.tokensPerSec
  const ttftDecimals = DISTRIBUTION_METRICS.ttft.decimals
  const { scale, decimals } = TOTAL_TIME_SEC
  return [
    [
      DISTRIBUTION_METRICS.ttft.label,
      ...(ttft === null
        ? dashes(4)
        : [ttft.mean, ttft.p50, ttft.p95, ttft.p99].map((v) => formatFixed(v, ttftDecimals))),
    ],
    [
      ko ? '총 응답 시간 (s)' : TOTAL_TIME_SEC.label,
      ...(e2e === null
        ? dashes(4)
        : [e2e.mean, e2e.p50, e2e.p95, e2e.p99].map((v) => formatFixed(v / scale, decimals))),
    ],
    [
      ko ? '토큰/초 (tokens/s) ¹' : `${TOKENS_PER_SEC.label} ¹`,
      ...(tps === null
        ? dashes(4)
        : [tps.mean, tps.p50, tps.p5, tps.p1].map((v) => formatFixed(v, TOKENS_PER_SEC.decimals))),
    ],
    [ko ? '성공률' : 'Success Rate', formatPercent(s.successRate), ...dashes(3)],
  ]
}

/** "http_error 500 × 3 · timeout × 1", or an empty string for no errors. */
export function errorBreakdown(errors: readonly ErrorGroup[]): string {
  return errors.map((group) => `${errorGroupLabel(group)} × ${formatCount(group.count)}`).join(' · ')
}

/**
 * How many successful requests had their output tokens estimated here (tokenizer or chunk
 * count) rather than reported by the server (usage), of how many; null when none were.
 */
export function tokensEstimate(s: Summary): { estimated: number; total: number; sources: string[] } | null {
  let estimated = 0
  let total = 0
  const sources: string[] = []
  for (const [source, n] of Object.entries(s.tokensSources)) {
    total += n ?? 0
    if (source === 'usage' || (n ?? 0) === 0) continue
    estimated += n ?? 0
    sources.push(source)
  }
  return estimated === 0 ? null : { estimated, total, sources }
}
