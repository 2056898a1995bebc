// Markdown report (results/reports/benchmark_report.md) over one or more runs. Templates
// only: every number comes from a Summary computed in stats/, shown as the metric
// catalogue says; nothing here does I/O.
import { ITL_EXACT_LIMIT } from '../stats/summarize.js'
import type { Summary } from '../types.js'
import { type GroupKey, groupOrder } from './comparison.js'
import { dashes, errorBreakdown, headlineRows, plural, rightAligned as right } from './headline.js'
import { comparisonSection, configurationSection, errorSection, type RunConfig } from './markdown-sections.js'
import {
  formatCount as count,
  DISTRIBUTION_METRICS,
  formatFixed as fixed,
  LOW_TAIL_LABEL,
  TOKENS_PER_SEC,
  VALUE_METRICS,
} from './metric-catalogue.js'
import { notSentLine } from './not-sent.js'
import { serverMarkdownParts } from './server-section.js'
import { escapeCell, markdownTable } from './text-table.js'

export type { GroupKey } from './comparison.js'
export type { RunConfig } from './markdown-sections.js'

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
  for (const group of groupOrder(input.groupBy)) parts.push(...comparisonSection(group, summaries))
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
        [
          'Request throughput',
          `${fixed(s.requestThroughputPerSec, VALUE_METRICS.requestThroughput.decimals)} req/s`,
        ],
        [
          'Output token throughput',
          `${fixed(s.outputTokenThroughputPerSec, VALUE_METRICS.outputTokenThroughput.decimals)} tokens/s`,
        ],
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
  parts.push(...serverMarkdownParts(s.server))
  return parts
}

function detailRows(s: Summary): string[][] {
  const table = Object.values(DISTRIBUTION_METRICS).map(({ label, pick, decimals }) => {
    const d = pick(s)
    return [
      label,
      ...(d === null
        ? ['0', ...dashes(7)]
        : [
            count(d.count),
            ...[d.mean, d.p50, d.p90, d.p95, d.p99, d.min, d.max].map((v) => fixed(v, decimals)),
          ]),
    ]
  })
  const tps = s.tokensPerSec
  table.push([
    `${TOKENS_PER_SEC.label} (P90/P95/P99 = 10th/5th/1st pct, low tail)`,
    ...(tps === null
      ? ['0', ...dashes(7)]
      : [
          count(tps.count),
          ...[tps.mean, tps.p50, tps.p10, tps.p5, tps.p1, tps.min, tps.max].map((v) =>
            fixed(v, TOKENS_PER_SEC.decimals),
          ),
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
