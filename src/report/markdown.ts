// Markdown report (results/reports/benchmark_report.md) over one or more runs, and the
// plain-text table printed at the end of a run. Templates only: every number comes from a
// Summary computed in stats/; nothing here does I/O.
import { ITL_EXACT_LIMIT } from '../stats/summarize.js'
import type { Distribution, ErrorGroup, Summary } from '../types.js'
import { errorGroupLabel, notSentLine } from './not-sent.js'
import { type Align, escapeCell, markdownTable, paddedTable } from './text-table.js'

/** A run's resolved configuration, as the report's configuration section shows it. */
export interface RunConfig {
  target: string
  model: string
  workload: string
  rps: number | null
  concurrency: number
  durationSec: number | null
  maxTokens: number
  temperature: number
  promptType: string
  seed: number
  /** The target's capabilities as probed before the run, in one line (issue 5). */
  capabilities?: string
}

export interface MarkdownReportInput {
  summaries: Summary[]
  /** ISO time the report was generated (passed in so output is reproducible). */
  generatedAt: string
  toolVersion: string
  /** Keyed by Summary.runId; runs without an entry show what their summary knows. */
  runConfigs?: Record<string, RunConfig>
  /** Which comparison leads (the others follow); default workload, model, target. */
  groupBy?: GroupKey
  /** PNG charts written next to the report, linked by their relative path. */
  chartImages?: Array<{ title: string; file: string }>
}

export type GroupKey = 'workload' | 'model' | 'target'

const GROUPINGS: Record<GroupKey, { key: (s: Summary) => string; label: (s: Summary) => string }> = {
  workload: { key: (s) => s.workload, label: (s) => `${s.model} @ ${s.target}` },
  model: { key: (s) => s.model, label: (s) => `${s.target} · ${s.workload}` },
  target: { key: (s) => s.target, label: (s) => `${s.model} · ${s.workload}` },
}

const DASH = '-'
const LOW_TAIL_LABEL = { p95: 'P95 (5th pct, low tail)', p99: 'P99 (1st pct, low tail)' }

const HOW_TO_READ = [
  '- **Latency statistics cover successful requests only** (TTFT, total time, TPOT, ITL, queue wait, token counts). ' +
    'Success rate = ok / (ok + failed); requests aborted at the end of the run or never sent are counted apart, ' +
    'never as server failures. All are listed under Errors.',
  '- **Percentiles are exact**: every sample is kept and sorted, and percentiles are interpolated linearly ' +
    "as numpy's default method does (index = p/100 × (n − 1)).",
  '- **TTFT** is request sent → first token (reasoning tokens count); **total time** is request sent → end of stream.',
  '- **Tokens/sec** is output tokens / total time of each request. Higher is better, so its bad tail is the low one: ' +
    `its P95 and P99 columns hold the 5th and 1st percentiles, labelled "${LOW_TAIL_LABEL.p95}" and "${LOW_TAIL_LABEL.p99}".`,
  '- **Request throughput** = successful requests / measurement window; **output token throughput** = output tokens ' +
    'of successful requests / measurement window. The window runs from the first request sent to the last one ended.',
  '- In comparison tables the best value of each column is **bold**: lowest for latency, ' +
    'highest for tokens/sec, throughput and success rate.',
]

export function renderMarkdownReport(input: MarkdownReportInput): string {
  const { summaries } = input
  const parts: string[] = [
    '# Run Bench report',
    `Generated ${input.generatedAt} by Run Bench ${escapeCell(input.toolVersion)} · ${plural(summaries.length, 'run')}`,
    '## How to read this report',
    HOW_TO_READ.join('\n'),
  ]
  if (summaries.length === 0) {
    parts.push('No runs found.')
    return `${parts.join('\n\n')}\n`
  }
  parts.push('## Runs')
  for (const summary of summaries) parts.push(...runSection(summary))
  const lead = input.groupBy ?? 'workload'
  const order: GroupKey[] = [lead, ...(['workload', 'model', 'target'] as const).filter((k) => k !== lead)]
  for (const group of order) {
    parts.push(...comparisonSection(group, summaries, GROUPINGS[group].key, GROUPINGS[group].label))
  }
  if (input.chartImages !== undefined && input.chartImages.length > 0) {
    parts.push('## Charts', input.chartImages.map((c) => `![${escapeCell(c.title)}](${c.file})`).join('\n\n'))
  }
  parts.push(...errorSection(summaries))
  parts.push(...configurationSection(summaries, input.runConfigs ?? {}))
  return `${parts.join('\n\n')}\n`
}

function runSection(s: Summary): string[] {
  const started = s.startedAt === '' ? '' : ` · started ${escapeCell(s.startedAt)}`
  const parts = [
    `### ${escapeCell(s.runId)}`,
    `Target **${escapeCell(s.target)}** · model **${escapeCell(s.model)}** · workload **${escapeCell(s.workload)}**` +
      `${started} · window ${fixed(s.windowSec, 3)} s`,
    markdownTable(['Metric', 'Mean', 'Median', 'P95', 'P99'], headlineRows(s, 'en'), ['left', ...right(4)]),
    `¹ Tokens/sec: higher is better, so its bad tail is the low one: ${LOW_TAIL_LABEL.p95}, ${LOW_TAIL_LABEL.p99}.`,
    markdownTable(
      ['Throughput and requests', 'Value'],
      [
        ['Request throughput', `${fixed(s.requestThroughputPerSec, 3)} req/s`],
        ['Output token throughput', `${fixed(s.outputTokenThroughputPerSec, 2)} tokens/s`],
        ['Offered load', offeredLoad(s)],
        ['Requests', requestCounts(s)],
        ...notSentRow(s),
        ['Errors', errorBreakdown(s.errors) || 'none'],
      ],
      ['left', 'right'],
    ),
    '#### All metrics (successful requests only)',
    markdownTable(['Metric', 'Count', 'Mean', 'Median', 'P90', 'P95', 'P99', 'Min', 'Max'], detailRows(s), [
      'left',
      ...right(8),
    ]),
  ]
  const notes = runNotes(s)
  if (notes.length > 0) parts.push(notes.map((note) => `- ${note}`).join('\n'))
  return parts
}

function headlineRows(s: Summary, lang: 'en' | 'ko'): string[][] {
  const ko = lang === 'ko'
  const ttft = s.ttftMs
  const e2e = s.e2eMs
  const tps = s.tokensPerSec
  return [
    [
      'TTFT (ms)',
      ...(ttft === null ? dashes(4) : [ttft.mean, ttft.p50, ttft.p95, ttft.p99].map((v) => fixed(v, 1))),
    ],
    [
      ko ? '총 응답 시간 (s)' : 'Total Time (s)',
      ...(e2e === null ? dashes(4) : [e2e.mean, e2e.p50, e2e.p95, e2e.p99].map((v) => fixed(v / 1000, 3))),
    ],
    [
      ko ? '토큰/초 (tokens/s) ¹' : 'Tokens/sec ¹',
      ...(tps === null ? dashes(4) : [tps.mean, tps.p50, tps.p5, tps.p1].map((v) => fixed(v, 2))),
    ],
    [ko ? '성공률' : 'Success Rate', percent(s.successRate), ...dashes(3)],
  ]
}

function detailRows(s: Summary): string[][] {
  const rows: Array<[string, Distribution | null, number]> = [
    ['TTFT (ms)', s.ttftMs, 1],
    ['TTFB (ms)', s.ttfbMs, 1],
    ['TTFO, first answer token (ms)', s.ttfoMs, 1],
    ['Total time (ms)', s.e2eMs, 1],
    ['TPOT (ms)', s.tpotMs, 2],
    ['ITL (ms)', s.itlMs, 2],
    ['Queue wait (ms)', s.queueMs, 1],
    ['Latency from schedule (ms)', s.latencyFromScheduleMs, 1],
    ['Proxy overhead (ms)', s.proxyOverheadMs, 1],
    ['Output tokens', s.outputTokens, 1],
    ['Input tokens', s.inputTokens, 1],
  ]
  const table = rows.map(([label, d, decimals]) => [
    label,
    ...(d === null
      ? ['0', ...dashes(7)]
      : [
          count(d.count),
          ...[d.mean, d.p50, d.p90, d.p95, d.p99, d.min, d.max].map((v) => fixed(v, decimals)),
        ]),
  ])
  const tps = s.tokensPerSec
  table.push([
    'Tokens/sec (P90/P95/P99 = 10th/5th/1st pct, low tail)',
    ...(tps === null
      ? ['0', ...dashes(7)]
      : [
          count(tps.count),
          ...[tps.mean, tps.p50, tps.p10, tps.p5, tps.p1, tps.min, tps.max].map((v) => fixed(v, 2)),
        ]),
  ])
  return table
}

function runNotes(s: Summary): string[] {
  const notes: string[] = []
  if (s.requests.total > 0 && s.requests.ok === 0) {
    notes.push('No request succeeded, so there are no latency statistics; see Errors.')
  }
  if (s.queuedRequests > 0) {
    notes.push(
      `${plural(s.queuedRequests, 'request')} waited more than 1 ms for a concurrency slot, so the offered rate ` +
        'was not fully applied; latency from schedule includes that wait.',
    )
  }
  const sources = Object.entries(s.tokensSources)
  const estimated = sources.filter(([source]) => source !== 'usage')
  if (estimated.length > 0) {
    const list = sources.map(([source, n]) => `${source} ${count(n ?? 0)}`).join(', ')
    notes.push(
      `Output token counts are partly estimated (usage = server-reported, tokenizer/chunks = counted here): ${list}.`,
    )
  }
  if (s.itlMs !== null && s.itlMs.count > ITL_EXACT_LIMIT) {
    notes.push(
      `ITL percentiles come from a uniform sample of ${count(ITL_EXACT_LIMIT)} of the ${count(s.itlMs.count)} gaps; ` +
        'count, mean, min and max are exact.',
    )
  }
  const health = s.clientHealth
  if (health?.limited) {
    const reasons = health.reasons.map(escapeCell).join('; ')
    notes.push(`**The client may have limited this run** (results understate the server): ${reasons}.`)
  }
  return notes
}

interface CompareColumn {
  header: string
  value: (s: Summary) => number | null
  decimals: number
  better: 'low' | 'high'
  suffix?: string
}

function statColumns(
  pick: (s: Summary) => Distribution | null,
  scale: number,
  decimals: number,
): CompareColumn[] {
  const column = (header: string, stat: (d: Distribution) => number): CompareColumn => ({
    header,
    decimals,
    better: 'low',
    value: (s) => {
      const d = pick(s)
      return d === null ? null : stat(d) / scale
    },
  })
  return [
    column('Mean', (d) => d.mean),
    column('Median', (d) => d.p50),
    column('P95', (d) => d.p95),
    column('P99', (d) => d.p99),
  ]
}

const COMPARISONS: Array<{ title: string; columns: CompareColumn[] }> = [
  { title: 'TTFT (ms)', columns: statColumns((s) => s.ttftMs, 1, 1) },
  { title: 'Total Time (s)', columns: statColumns((s) => s.e2eMs, 1000, 3) },
  {
    title: 'Tokens/sec',
    columns: [
      { header: 'Mean', decimals: 2, better: 'high', value: (s) => s.tokensPerSec?.mean ?? null },
      { header: 'Median', decimals: 2, better: 'high', value: (s) => s.tokensPerSec?.p50 ?? null },
      { header: LOW_TAIL_LABEL.p95, decimals: 2, better: 'high', value: (s) => s.tokensPerSec?.p5 ?? null },
      { header: LOW_TAIL_LABEL.p99, decimals: 2, better: 'high', value: (s) => s.tokensPerSec?.p1 ?? null },
    ],
  },
  {
    title: 'Throughput',
    columns: [
      { header: 'Requests/s', decimals: 3, better: 'high', value: (s) => s.requestThroughputPerSec },
      { header: 'Output tokens/s', decimals: 2, better: 'high', value: (s) => s.outputTokenThroughputPerSec },
      { header: 'Success rate', decimals: 2, better: 'high', value: (s) => s.successRate * 100, suffix: '%' },
    ],
  },
]

function comparisonSection(
  dimension: 'workload' | 'model' | 'target',
  summaries: Summary[],
  keyOf: (s: Summary) => string,
  labelOf: (s: Summary) => string,
): string[] {
  const groups = new Map<string, Summary[]>()
  for (const s of summaries) groups.set(keyOf(s), [...(groups.get(keyOf(s)) ?? []), s])
  const compared = [...groups].filter(([, runs]) => runs.length > 1)
  const parts = [`## Comparison by ${dimension}`]
  if (compared.length === 0) {
    parts.push(`Every ${dimension} has a single run: nothing to compare.`)
    return parts
  }
  for (const [key, runs] of compared) {
    parts.push(`### ${capitalize(dimension)}: ${escapeCell(key)} (${runs.length} runs)`)
    const labels = runs.map(labelOf)
    const rowLabels = runs.map((s, i) =>
      escapeCell(
        labels.filter((l) => l === labels[i]).length > 1 ? `${labels[i]} (${s.runId})` : (labels[i] ?? ''),
      ),
    )
    for (const { title, columns } of COMPARISONS) {
      const cells = columns.map((column) => bestMarked(runs.map(column.value), column))
      const rows = runs.map((_, r) => [rowLabels[r] ?? '', ...cells.map((column) => column[r] ?? DASH)])
      parts.push(
        markdownTable([title, ...columns.map((c) => c.header)], rows, ['left', ...right(columns.length)]),
      )
    }
  }
  return parts
}

/** Formats one column of a comparison, bolding the best value (ties all bold) when values differ. */
function bestMarked(values: Array<number | null>, column: CompareColumn): string[] {
  const rounded = values.map((v) => (v === null ? null : Number(v.toFixed(column.decimals))))
  const present = rounded.filter((v): v is number => v !== null)
  const best = column.better === 'low' ? Math.min(...present) : Math.max(...present)
  const differ = present.some((v) => v !== best)
  return rounded.map((v) => {
    if (v === null) return DASH
    const text = `${fixed(v, column.decimals)}${column.suffix ?? ''}`
    return differ && v === best ? `**${text}**` : text
  })
}

function errorSection(summaries: Summary[]): string[] {
  const rows = summaries.flatMap((s) =>
    s.errors.map((group) => [
      escapeCell(s.runId),
      group.outcome,
      group.error_code ?? DASH,
      group.http_status === null ? DASH : String(group.http_status),
      count(group.count),
      group.examples.map((example) => escapeCell(truncate(example, 160))).join('; ') || DASH,
    ]),
  )
  if (rows.length === 0) return ['## Errors', 'No failed, aborted or unsent requests.']
  return [
    '## Errors',
    markdownTable(['Run', 'Outcome', 'Error code', 'HTTP status', 'Count', 'Examples'], rows, [
      'left',
      'left',
      'left',
      'right',
      'right',
      'left',
    ]),
  ]
}

function configurationSection(summaries: Summary[], configs: Record<string, RunConfig>): string[] {
  const rows = summaries.map((s) => {
    const c = configs[s.runId]
    const rps = c === undefined ? s.offeredRps : c.rps
    return [
      escapeCell(s.runId),
      escapeCell(c?.target ?? s.target),
      escapeCell(c?.model ?? s.model),
      escapeCell(c?.workload ?? s.workload),
      rps === null ? 'closed loop' : String(rps),
      String(c?.concurrency ?? s.concurrency),
      c?.durationSec == null ? DASH : String(c.durationSec),
      c === undefined ? DASH : String(c.maxTokens),
      c === undefined ? DASH : String(c.temperature),
      c === undefined ? DASH : escapeCell(c.promptType),
      c === undefined ? DASH : String(c.seed),
    ]
  })
  return [
    '## Run configuration',
    markdownTable(
      [
        'Run',
        'Target',
        'Model',
        'Workload',
        'RPS',
        'Concurrency',
        'Duration (s)',
        'Max tokens',
        'Temperature',
        'Prompt type',
        'Seed',
      ],
      rows,
      [...Array<Align>(4).fill('left'), ...right(5), 'left', 'right'],
    ),
    ...capabilityLines(summaries, configs),
  ]
}

function capabilityLines(summaries: Summary[], configs: Record<string, RunConfig>): string[] {
  const lines = summaries.flatMap((s) => {
    const capabilities = configs[s.runId]?.capabilities
    return capabilities === undefined ? [] : [`- ${escapeCell(s.runId)}: ${escapeCell(capabilities)}`]
  })
  return lines.length === 0 ? [] : [`Server capabilities, probed before each run:\n${lines.join('\n')}`]
}

const TERMINAL_TEXT = {
  en: {
    title: 'Summary (latency over successful requests only)',
    metric: 'Metric',
    lowTail: '¹ Tokens/sec P95/P99 = 5th/1st percentile (low tail: higher is better)',
    requests: (s: Summary) =>
      `Requests: ${count(s.requests.total)} total, ${count(s.requests.ok)} ok, ${count(s.requests.failed)} failed, ` +
      `${count(s.requests.aborted)} aborted, ${count(s.requests.notSent)} not sent; ${count(s.queuedRequests)} waited for a slot`,
    throughput: (s: Summary) =>
      `Throughput: ${fixed(s.requestThroughputPerSec, 3)} req/s, ${fixed(s.outputTokenThroughputPerSec, 2)} ` +
      `output tokens/s over a ${fixed(s.windowSec, 3)} s window`,
    errors: 'Errors: ',
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
      `중단 ${count(s.requests.aborted)}개, 미전송 ${count(s.requests.notSent)}개; 동시성 슬롯 대기 ${count(s.queuedRequests)}개`,
    throughput: (s: Summary) =>
      `처리량: ${fixed(s.requestThroughputPerSec, 3)} req/s, 출력 토큰 ${fixed(s.outputTokenThroughputPerSec, 2)} ` +
      `tokens/s (측정 구간 ${fixed(s.windowSec, 3)}초)`,
    errors: '오류: ',
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
      ...right(4),
    ]),
    text.lowTail,
    text.requests(summary),
    ...(notSentLine(summary, lang) === null ? [] : [notSentLine(summary, lang) as string]),
    text.throughput(summary),
  ]
  if (summary.latencyFromScheduleMs !== null)
    lines.push(text.fromSchedule(summary.latencyFromScheduleMs, summary.e2eMs))
  if (summary.proxyOverheadMs !== null) lines.push(text.proxy(summary.proxyOverheadMs))
  const errors = errorBreakdown(summary.errors)
  if (errors !== '') {
    lines.push(text.errors + errors)
    // One example message per kind, so the cause is visible without opening the raw file.
    for (const group of summary.errors) {
      const example = group.examples[0]
      if (example !== undefined) {
        lines.push(`  ${errorGroupLabel(group)}: ${example}`)
      }
    }
  }
  return lines.join('\n')
}

function offeredLoad(s: Summary): string {
  return s.offeredRps === null
    ? `closed loop, ${plural(s.concurrency, 'worker')}`
    : `${fixed(s.offeredRps, 3)} req/s, at most ${count(s.concurrency)} in flight`
}

function notSentRow(s: Summary): string[][] {
  const line = notSentLine(s)
  return line === null ? [] : [['Not sent', line]]
}

function requestCounts(s: Summary): string {
  const r = s.requests
  return `${count(r.total)} total · ${count(r.ok)} ok · ${count(r.failed)} failed · ${count(r.aborted)} aborted · ${count(r.notSent)} not sent`
}

function errorBreakdown(errors: ErrorGroup[]): string {
  return errors.map((group) => `${errorGroupLabel(group)} × ${count(group.count)}`).join(' · ')
}

function fixed(value: number, decimals: number): string {
  const text = value.toLocaleString('en-US', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  })
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text
}

function count(value: number): string {
  return value.toLocaleString('en-US')
}

function percent(ratio: number): string {
  return `${fixed(ratio * 100, 2)}%`
}

function plural(n: number, noun: string): string {
  return `${count(n)} ${noun}${n === 1 ? '' : 's'}`
}

function dashes(n: number): string[] {
  return Array<string>(n).fill(DASH)
}

function right(n: number): Align[] {
  return Array<Align>(n).fill('right')
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}
