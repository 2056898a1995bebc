// The HTML report: ONE self-contained file (echarts inlined, chart options inlined as JSON,
// no network at all), readable on screen and printable to PDF without cut tables or charts.
// Every piece of text that comes from a run (model names, error messages) is escaped.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { RunTimeSeries } from '../stats/time-series.js'
import type { Distribution, Summary } from '../types.js'
import { allCharts, type ChartDefinition, type ChartRun, reportCharts, runLabel } from './charts.js'
import {
  bestMarks,
  type CompareColumn,
  comparedGroups,
  type GroupKey,
  groupOrder,
  shownValue,
  statColumn,
  valueColumn,
} from './comparison.js'
import { INIT_SCRIPT, STYLE } from './html-assets.js'
import {
  DISTRIBUTION_METRICS,
  formatFixed,
  formatPercent,
  TOKENS_PER_SEC,
  TOTAL_TIME_SEC,
  VALUE_METRICS,
} from './metric-catalogue.js'
import { errorGroupLabel, notSentLine } from './not-sent.js'
import { renderServerSectionsHtml } from './server-section.js'

export type RunConfigValue = string | number | boolean | null

export interface HtmlReportInput {
  summaries: Summary[]
  /** Time series by runId; a run without one gets tables but no timeline charts. */
  series: Record<string, RunTimeSeries>
  generatedAt: string
  toolVersion: string
  /** Resolved configuration by runId (target, model, workload, rps, seed, ...). */
  runConfigs?: Record<string, Record<string, RunConfigValue>>
}

export const STATISTICS_NOTE =
  'Latency statistics are over successful requests only; percentiles are exact (numpy linear interpolation). ' +
  'For tokens/sec the bad tail is the low one: P5 and P1 are the 5th and 1st percentiles.'

let echartsSource: string | null = null

/** echarts' browser bundle, read once per process from the installed package. */
function echartsScript(): string {
  if (echartsSource === null) {
    const path = createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js')
    // "</script" inside the inlined code would end the script element early.
    echartsSource = readFileSync(path, 'utf8').replaceAll('</script', '<\\/script')
  }
  return echartsSource
}

export function renderHtmlReport(input: HtmlReportInput): string {
  const { summaries } = input
  const charts = reportCharts(summaries, input.series)
  const runWord = summaries.length === 1 ? 'run' : 'runs'
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="run-bench ${esc(input.toolVersion)}">
<title>Run Bench report (${summaries.length} ${runWord})</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Run Bench report</h1>
<p class="meta">Generated ${esc(input.generatedAt)} by run-bench ${esc(input.toolVersion)} · ${summaries.length} ${runWord}</p>
<p class="note">${esc(STATISTICS_NOTE)}</p>
${clientWarnings(summaries)}
</header>
<section>
<h2>Latency</h2>
${latencyTable(summaries)}
<h2>Throughput and reliability</h2>
${throughputTable(summaries)}
${errorsTable(summaries)}
</section>
${renderServerSectionsHtml(summaries.map((s) => ({ label: `${runLabel(s, summaries)} · ${s.runId}`, server: s.server })))}
<section>
<h2>Comparisons</h2>
<p class="note">Bold: the best value in its column (lowest latency, highest throughput and success).</p>
${comparisonTables(summaries)}
</section>
<section>
<h2>Charts</h2>
${charts.overview.map(chartDiv).join('\n')}
${charts.runs.map(({ run, charts }) => runCharts(run, charts)).join('\n')}
</section>
<section>
<h2>Run configuration</h2>
<div class="configs">
${summaries.map((s) => configTable(s, input.runConfigs?.[s.runId])).join('\n')}
</div>
</section>
<script>${echartsScript()}</script>
<script type="application/json" id="run-bench-charts">${chartsJson(allCharts(charts))}</script>
<script>${INIT_SCRIPT}</script>
</body>
</html>
`
}

/** JSON inside <script type="application/json">: "<" escaped so no "</script>" can end it. */
function chartsJson(charts: ChartDefinition[]): string {
  return JSON.stringify(charts.map((chart) => ({ id: chart.id, option: chart.option }))).replaceAll(
    '<',
    '\\u003c',
  )
}

function runCharts(run: ChartRun, charts: ChartDefinition[]): string {
  const heading = `<h3>${esc(run.label)} ${runIdSpan(run.runId)}</h3>`
  return [heading, ...charts.map(chartDiv)].join('\n')
}

function chartDiv(chart: ChartDefinition): string {
  return `<div class="chart" id="${esc(chart.id)}" role="img" aria-label="${esc(chart.title)}"></div>`
}

/** Run ids are long: let them wrap after an underscore rather than mid-word. */
function runIdSpan(runId: string): string {
  return `<span class="run-id">${esc(runId).replaceAll('_', '_<wbr>')}</span>`
}

function runCell(summary: Summary, summaries: Summary[]): string {
  return `<td>${esc(runLabel(summary, summaries))}<br>${runIdSpan(summary.runId)}</td>`
}

function latencyTable(summaries: Summary[]): string {
  const head = headRow([
    'Run',
    'TTFT mean (ms)',
    'TTFT median (ms)',
    'TTFT P95 (ms)',
    'TTFT P99 (ms)',
    'Total time mean (s)',
    'Total time median (s)',
    'Total time P95 (s)',
    'Total time P99 (s)',
  ])
  const rows = summaries.map((s) => {
    const ttft = s.ttftMs
    const e2e = s.e2eMs
    const ms = DISTRIBUTION_METRICS.ttft.decimals
    const sec = TOTAL_TIME_SEC.decimals
    const cells = [
      fmt(ttft?.mean, ms),
      fmt(ttft?.p50, ms),
      fmt(ttft?.p95, ms),
      fmt(ttft?.p99, ms),
      fmt(seconds(e2e, 'mean'), sec),
      fmt(seconds(e2e, 'p50'), sec),
      fmt(seconds(e2e, 'p95'), sec),
      fmt(seconds(e2e, 'p99'), sec),
    ]
    return `<tr>${runCell(s, summaries)}${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`
  })
  return table(head, rows)
}

function throughputTable(summaries: Summary[]): string {
  const head = headRow([
    'Run',
    'Requests ok / total',
    'Success',
    'Tokens/s mean',
    'Tokens/s median',
    'Tokens/s P5 (low)',
    'Tokens/s P1 (low)',
    'Req/s',
    'Output tok/s',
    'Errors by outcome',
  ])
  const rows = summaries.map((s) => {
    const tps = s.tokensPerSec
    const tpsDecimals = TOKENS_PER_SEC.decimals
    const cells = [
      `${s.requests.ok} / ${s.requests.total}`,
      formatPercent(s.successRate),
      fmt(tps?.mean, tpsDecimals),
      fmt(tps?.p50, tpsDecimals),
      fmt(tps?.p5, tpsDecimals),
      fmt(tps?.p1, tpsDecimals),
      fmt(s.requestThroughputPerSec, VALUE_METRICS.requestThroughput.decimals),
      fmt(s.outputTokenThroughputPerSec, VALUE_METRICS.outputTokenThroughput.decimals),
    ]
    const errors = s.errors.map((e) => `${errorGroupLabel(e)} ×${e.count}`)
    return `<tr>${runCell(s, summaries)}${cells.map((c) => `<td>${c}</td>`).join('')}<td class="text">${esc(errors.join(', ') || 'none')}</td></tr>`
  })
  // Not sent is the client's limit, not a server failure: said once, under the table.
  const notes = summaries.flatMap((s) => {
    const line = notSentLine(s)
    return line === null
      ? []
      : [`<p class="note">${esc(summaries.length > 1 ? `${s.runId}: ${line}` : line)}</p>`]
  })
  return [table(head, rows), ...notes].join('\n')
}

function errorsTable(summaries: Summary[]): string {
  const rows = summaries.flatMap((s) =>
    s.errors.map(
      (e) =>
        `<tr>${runCell(s, summaries)}<td class="text">${esc(e.outcome)}</td><td class="text">${esc(e.error_code ?? '—')}</td><td>${e.http_status ?? '—'}</td><td>${e.count}</td><td class="text">${e.examples.map(esc).join('<br>')}</td></tr>`,
    ),
  )
  if (rows.length === 0) return ''
  return `<h3>Errors</h3>\n${table(headRow(['Run', 'Outcome', 'Error code', 'HTTP status', 'Count', 'Examples']), rows)}`
}

const COMPARISON_COLUMNS: CompareColumn[] = [
  statColumn(DISTRIBUTION_METRICS.ttft, 'TTFT median (ms)', (d) => d.p50),
  statColumn(DISTRIBUTION_METRICS.ttft, 'TTFT P95 (ms)', (d) => d.p95),
  statColumn(TOTAL_TIME_SEC, 'Total time P95 (s)', (d) => d.p95),
  {
    header: 'Tokens/s mean',
    decimals: TOKENS_PER_SEC.decimals,
    badTail: TOKENS_PER_SEC.badTail,
    value: (s) => s.tokensPerSec?.mean ?? null,
  },
  valueColumn(VALUE_METRICS.requestThroughput, 'Req/s'),
  valueColumn(VALUE_METRICS.outputTokenThroughput, 'Output tok/s'),
  valueColumn(VALUE_METRICS.successRate, 'Success'),
]

/** For each workload, model and target shared by two or more runs: those runs side by side. */
function comparisonTables(summaries: Summary[]): string {
  const parts: string[] = []
  for (const dimension of groupOrder()) {
    for (const { key, runs } of comparedGroups(summaries, dimension)) {
      const others = groupOrder().filter((d) => d !== dimension)
      parts.push(`<h3>Same ${dimension}: ${esc(key)}</h3>\n${comparisonTable(runs, others)}`)
    }
  }
  return parts.length === 0
    ? '<p class="note">No workload, model or target was run more than once: nothing to compare.</p>'
    : parts.join('\n')
}

function comparisonTable(members: Summary[], labelDimensions: GroupKey[]): string {
  const head = headRow([labelDimensions.join(' · '), ...COMPARISON_COLUMNS.map((c) => c.header)])
  const bests = COMPARISON_COLUMNS.map((column) => bestMarks(members.map(column.value), column))
  const rows = members.map((s, r) => {
    const label = labelDimensions.map((d) => s[d]).join(' · ')
    const cells = COMPARISON_COLUMNS.map((column, i) => {
      const shown = shownValue(column.value(s), column) ?? '—'
      return bests[i]?.[r] === true ? `<td class="best">${shown}</td>` : `<td>${shown}</td>`
    })
    return `<tr><td>${esc(label)}<br>${runIdSpan(s.runId)}</td>${cells.join('')}</tr>`
  })
  return table(head, rows)
}

function configTable(summary: Summary, config: Record<string, RunConfigValue> | undefined): string {
  const entries: Array<[string, RunConfigValue]> = [
    ['run', summary.runId],
    ['target', summary.target],
    ['model', summary.model],
    ['workload', summary.workload],
    ['started at', summary.startedAt],
    ['window (s)', Number(summary.windowSec.toFixed(3))],
    ['offered req/s', summary.offeredRps ?? 'closed loop'],
    ['concurrency', summary.concurrency],
  ]
  const shown = new Set(entries.map(([key]) => key))
  for (const [key, value] of Object.entries(config ?? {})) if (!shown.has(key)) entries.push([key, value])
  const rows = entries.map(
    ([key, value]) =>
      `<tr><td>${esc(key)}</td><td class="text">${esc(value === null ? '—' : String(value))}</td></tr>`,
  )
  return `<table>${rows.join('\n')}</table>`
}

function clientWarnings(summaries: Summary[]): string {
  return summaries
    .filter((s) => s.clientHealth?.limited === true)
    .map(
      (s) =>
        `<p class="warning">The load generator itself was a bottleneck in ${esc(s.runId)}: ${esc((s.clientHealth?.reasons ?? []).join('; '))}</p>`,
    )
    .join('\n')
}

function headRow(headers: string[]): string {
  return `<thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>`
}

function table(head: string, rows: string[]): string {
  return `<table>\n${head}\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`
}

function seconds(distribution: Distribution | null, key: 'mean' | 'p50' | 'p95' | 'p99'): number | null {
  return distribution === null ? null : distribution[key] / 1000
}

/** The Markdown report's number format (thousands separators), or a dash for no value. */
function fmt(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : formatFixed(value, digits)
}

export function esc(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}
