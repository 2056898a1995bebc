// Markdown report (results/reports/benchmark_report.md) over one or more runs. Templates
// only: every number comes from a Summary computed in stats/, shown as the metric
// catalogue says; nothing here does I/O.
import { statisticMethodNote } from '../stats/method-note.js'
import type { Summary } from '../types.js'
import { chartText, type ReportLang } from './chart-text.js'
import { type GroupKey, groupOrder } from './comparison.js'
import {
  dashes,
  errorBreakdown,
  headlineRows,
  plural,
  rightAligned as right,
  tokensEstimate,
} from './headline.js'
import { comparisonSection, configurationSection, errorSection, type RunConfig } from './markdown-sections.js'
import { type MarkdownText, markdownText } from './markdown-text.js'
import {
  formatCount as count,
  DISTRIBUTION_METRICS,
  formatFixed as fixed,
  TOKENS_PER_SEC,
  VALUE_METRICS,
} from './metric-catalogue.js'
import { notSentLine } from './not-sent.js'
import { runNames, settingsById } from './run-names.js'
import { serverMarkdownParts } from './server-section.js'
import { shardMarkdownParts } from './shard-section.js'
import { sourceMarkdownParts } from './source-section.js'
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
  /** Language of headings and labels (default English). */
  lang?: ReportLang
}

export function renderMarkdownReport(input: MarkdownReportInput): string {
  const { summaries } = input
  const text = markdownText(input.lang)
  const parts: string[] = [
    `# ${text.title}`,
    text.generated(input.generatedAt, escapeCell(input.toolVersion), text.runs(summaries.length)),
    `## ${text.howToRead}`,
    text.howToReadLines.join('\n'),
  ]
  if (summaries.length === 0) {
    parts.push(text.noRuns)
    return `${parts.join('\n\n')}\n`
  }
  const settings = settingsById(input.runConfigs as Record<string, Record<string, unknown>> | undefined)
  // Runs are named by what tells them apart (a sweep: "c=4"), with their run id below.
  const names = runNames(summaries, settings, chartText(text.lang))
  parts.push(`## ${text.runsHeading}`)
  summaries.forEach((summary, i) => {
    parts.push(...runSection(summary, names.length > 1 ? (names[i] ?? null) : null, text))
  })
  for (const group of groupOrder(input.groupBy)) {
    parts.push(...comparisonSection(group, summaries, settings, text))
  }
  if (input.chartImages !== undefined && input.chartImages.length > 0) {
    parts.push(
      `## ${text.charts}`,
      input.chartImages.map((c) => `![${escapeCell(c.title)}](${c.file})`).join('\n\n'),
    )
  }
  parts.push(...errorSection(summaries, text))
  parts.push(...configurationSection(summaries, input.runConfigs ?? {}, text))
  return `${parts.join('\n\n')}\n`
}

function runSection(s: Summary, name: string | null, text: MarkdownText): string[] {
  const started = s.startedAt === '' ? '' : text.started(escapeCell(s.startedAt))
  // Named by what distinguishes the run, with its id; the id alone when nothing else does.
  const named = name === null || name.includes(s.runId) ? s.runId : `${name} (${s.runId})`
  const mark = ` (${text.incompleteHeading})`
  const heading = s.incomplete === undefined || named.includes(mark) ? named : `${named}${mark}`
  const parts = [
    `### ${escapeCell(heading)}`,
    ...(s.incomplete === undefined ? [] : [text.incompleteNote(escapeCell(s.incomplete))]),
    text.identity(
      escapeCell(s.target),
      escapeCell(s.model),
      escapeCell(s.workload),
      started,
      fixed(s.windowSec, 3),
    ),
    markdownTable(['Metric', 'Mean', 'Median', 'P95', 'P99'], headlineRows(s, text.lang), [
      'left',
      ...right(4),
    ]),
    text.lowTailNote,
    markdownTable(
      [text.throughputAndRequests, text.value],
      [
        [
          text.requestThroughput,
          `${fixed(s.requestThroughputPerSec, VALUE_METRICS.requestThroughput.decimals)} req/s`,
        ],
        [
          text.outputTokenThroughput,
          `${fixed(s.outputTokenThroughputPerSec, VALUE_METRICS.outputTokenThroughput.decimals)} tokens/s`,
        ],
        [text.offeredLoad, offeredLoad(s)],
        [text.requests, requestCounts(s)],
        ...notSentRow(s, text),
        [text.errors, errorBreakdown(s.errors) || text.none],
      ],
      ['left', 'right'],
    ),
    `#### ${text.allMetrics}`,
    markdownTable(['Metric', 'Count', 'Mean', 'Median', 'P90', 'P95', 'P99', 'Min', 'Max'], detailRows(s), [
      'left',
      ...right(8),
    ]),
  ]
  const notes = runNotes(s, text)
  if (notes.length > 0) parts.push(notes.map((note) => `- ${note}`).join('\n'))
  parts.push(...serverMarkdownParts(s.server))
  parts.push(...shardMarkdownParts(s.shards, text.lang))
  parts.push(...sourceMarkdownParts(s.sources))
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

function runNotes(s: Summary, text: MarkdownText): string[] {
  const notes: string[] = []
  if (s.requests.total > 0 && s.requests.ok === 0) notes.push(text.noSuccess)
  if (s.queuedRequests > 0) {
    notes.push(
      `${plural(s.queuedRequests, 'request')} waited more than 1 ms for a concurrency slot, so the offered rate ` +
        'was not fully applied; latency from schedule includes that wait.',
    )
  }
  const estimated = tokensEstimate(s)
  if (estimated !== null) {
    const list = Object.entries(s.tokensSources)
      .map(([source, n]) => `${source} ${count(n ?? 0)}`)
      .join(', ')
    notes.push(text.tokensEstimated(estimated.estimated, estimated.total, list))
  }
  const method = statisticMethodNote(s)
  if (method !== null) notes.push(method)
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

function notSentRow(s: Summary, text: MarkdownText): string[][] {
  const line = notSentLine(s, text.lang)
  return line === null ? [] : [[text.notSent, line]]
}

function requestCounts(s: Summary): string {
  const r = s.requests
  return `${count(r.total)} total · ${count(r.ok)} ok · ${count(r.failed)} failed · ${count(r.aborted)} aborted · ${count(r.notSent)} not sent`
}
