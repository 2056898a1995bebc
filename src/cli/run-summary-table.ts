// The table printed at the end of a run (and by `summarize`), in the user's language.
// Numbers are shown as the report's metric catalogue says; only the words live here.

import { errorBreakdown, headlineRows, rightAligned } from '../report/headline.js'
import { formatCount as count, formatFixed as fixed } from '../report/metric-catalogue.js'
import { errorGroupLabel, notSentLine } from '../report/not-sent.js'
import { serverTerminalLines } from '../report/server-section.js'
import { paddedTable } from '../report/text-table.js'
import type { Distribution, ErrorGroup, Summary } from '../types.js'

const TERMINAL_TEXT = {
  en: {
    title: 'Summary (latency over successful requests only)',
    metric: 'Metric',
    lowTail: '¹ Tokens/sec P95/P99 = 5th/1st percentile (low tail: higher is better)',
    requests: (s: Summary) =>
      `Requests: ${count(s.requests.total)} total, ${count(s.requests.ok)} ok, ${count(s.requests.failed)} failed, ` +
      `${count(s.requests.aborted)} aborted, ${count(s.requests.notSent)} not sent; ${count(s.queuedRequests)} waited for a slot` +
      ((s.lateRequests ?? 0) > 0
        ? `, ${count(s.lateRequests ?? 0)} sent > 1 ms late by the client itself`
        : ''),
    throughput: (s: Summary) =>
      `Throughput: ${fixed(s.requestThroughputPerSec, 3)} req/s, ${fixed(s.outputTokenThroughputPerSec, 2)} ` +
      `output tokens/s over a ${fixed(s.windowSec, 3)} s window`,
    errors: 'Errors: ',
    notFailures: 'Not counted as failures: ',
    fromSchedule: (d: Distribution, e2e: Distribution | null) =>
      `Latency from schedule (open loop, coordinated-omission safe): p50 ${fixed(d.p50, 1)} ms, p99 ${fixed(d.p99, 1)} ms` +
      (e2e === null ? '' : ` (service time p50 ${fixed(e2e.p50, 1)} ms, p99 ${fixed(e2e.p99, 1)} ms)`),
    proxy: (d: Distribution) =>
      `Proxy overhead (x-litellm-overhead-duration-ms): mean ${fixed(d.mean, 2)} ms, p99 ${fixed(d.p99, 2)} ms`,
  },
  ko: {
    title: '통계 요약 (지연 시간은 성공한 요청만)',
    metric: '지표',
    lowTail: '¹ 토큰/초의 P95/P99는 5번째/1번째 백분위수입니다 (높을수록 좋으므로 낮은 쪽 꼬리)',
    requests: (s: Summary) =>
      `요청: 총 ${count(s.requests.total)}개, 성공 ${count(s.requests.ok)}개, 실패 ${count(s.requests.failed)}개, ` +
      `중단 ${count(s.requests.aborted)}개, 미전송 ${count(s.requests.notSent)}개; 동시성 슬롯 대기 ${count(s.queuedRequests)}개` +
      ((s.lateRequests ?? 0) > 0 ? `, 클라이언트 자체 지연(1 ms 초과) ${count(s.lateRequests ?? 0)}개` : ''),
    throughput: (s: Summary) =>
      `처리량: ${fixed(s.requestThroughputPerSec, 3)} req/s, 출력 토큰 ${fixed(s.outputTokenThroughputPerSec, 2)} ` +
      `tokens/s (측정 구간 ${fixed(s.windowSec, 3)}초)`,
    errors: '오류: ',
    notFailures: '실패로 세지 않음: ',
    fromSchedule: (d: Distribution, e2e: Distribution | null) =>
      `예정 시각 기준 지연 (오픈 루프, coordinated omission 보정): p50 ${fixed(d.p50, 1)} ms, p99 ${fixed(d.p99, 1)} ms` +
      (e2e === null ? '' : ` (서비스 시간 p50 ${fixed(e2e.p50, 1)} ms, p99 ${fixed(e2e.p99, 1)} ms)`),
    proxy: (d: Distribution) =>
      `프록시 오버헤드 (x-litellm-overhead-duration-ms): 평균 ${fixed(d.mean, 2)} ms, p99 ${fixed(d.p99, 2)} ms`,
  },
}

/**
 * The table printed at the end of a run, shaped like the original tool's "통계 요약":
 * TTFT (ms), total time (s), tokens/sec and success rate by Mean/Median/P95/P99, then
 * request counts, throughput and the error breakdown. Padded for a monospace terminal.
 */
export function renderRunSummaryTable(summary: Summary, lang: 'en' | 'ko'): string {
  const text = TERMINAL_TEXT[lang]
  const lines = [
    text.title,
    paddedTable([text.metric, 'Mean', 'Median', 'P95', 'P99'], headlineRows(summary, lang), [
      'left',
      ...rightAligned(4),
    ]),
    text.lowTail,
    text.requests(summary),
    ...(notSentLine(summary, lang) === null ? [] : [notSentLine(summary, lang) as string]),
    text.throughput(summary),
  ]
  if (summary.latencyFromScheduleMs !== null)
    lines.push(text.fromSchedule(summary.latencyFromScheduleMs, summary.e2eMs))
  if (summary.proxyOverheadMs !== null) lines.push(text.proxy(summary.proxyOverheadMs))
  lines.push(...serverTerminalLines(summary.server, lang))
  // Failures apart from requests never sent or cut at the end: the success rate counts only
  // the first, and a heading "Errors" over the second would say the opposite.
  const isFailure = (group: ErrorGroup) => group.outcome !== 'not_sent' && group.outcome !== 'aborted'
  for (const [heading, groups] of [
    [text.errors, summary.errors.filter(isFailure)],
    [text.notFailures, summary.errors.filter((group) => !isFailure(group))],
  ] as const) {
    const breakdown = errorBreakdown(groups)
    if (breakdown === '') continue
    lines.push(heading + breakdown)
    // One example message per kind, so the cause is visible without opening the raw file.
    for (const group of groups) {
      const example = group.examples[0]
      if (example !== undefined) lines.push(`  ${errorGroupLabel(group)}: ${example}`)
    }
  }
  return lines.join('\n')
}
