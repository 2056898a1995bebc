// The HTML report: ONE self-contained file (echarts inlined, chart options inlined as JSON,
// no network at all), readable on screen and printable to PDF without cut tables or charts.
// Every piece of text that comes from a run (model names, error messages) is escaped.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { RunTimeSeries } from '../stats/time-series.js'
import type { Distribution, Summary } from '../types.js'
import { allCharts, type ChartDefinition, type ChartRun, reportCharts, runLabel } from './charts.js'
import { errorGroupLabel, notSentLine } from './not-sent.js'

export type RunConfigValue = string | number | boolean | null

export interface HtmlReportInput {
  summaries: Summary[]
  /** Time series by runId; a run without one gets tables but no timeline charts. */
  series: Record<string, RunTimeSeries>
  generatedAt: string
  toolVersion: string
  /** Resolved configuration by runId (target, model, workload, rps, seed, ...). */
  runConfigs?: Record<string, Record<string, RunConfigValue>>
  /** The Markdown report's tables, shown verbatim (collapsed) for copying into documents. */
  markdownTables?: string
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
${input.markdownTables === undefined ? '' : markdownSection(input.markdownTables)}
<script>${echartsScript()}</script>
<script type="application/json" id="run-bench-charts">${chartsJson(allCharts(charts))}</script>
<script>${INIT_SCRIPT}</script>
</body>
</html>
`
}

const STYLE = `
body { font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; color: #1f2328; max-width: 1100px; margin: 0 auto; padding: 16px; font-size: 14px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 24px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
.meta, .note { color: #57606a; margin: 4px 0; }
.warning { background: #fff8c5; border: 1px solid #d4a72c; padding: 6px 10px; margin: 8px 0; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: 4px 6px; text-align: right; vertical-align: top; }
th { background: #f6f8fa; }
th:first-child, td:first-child { text-align: left; overflow-wrap: anywhere; }
td.text { text-align: left; overflow-wrap: anywhere; }
td.best { font-weight: bold; background: #dafbe1; }
.run-id { color: #57606a; font-size: 0.8em; }
.chart { width: 100%; height: 420px; margin: 10px 0; break-inside: avoid; page-break-inside: avoid; }
.configs { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 0 16px; }
.configs table { break-inside: avoid; page-break-inside: avoid; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12px; background: #f6f8fa; padding: 8px; }
@media print {
  @page { size: A4; margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 11px; }
  table { font-size: 9px; }
  th, td { padding: 2px 4px; }
  tr, th, td { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  .chart { height: auto !important; }
  .chart > div:first-child { width: 100% !important; height: auto !important; }
  .chart svg { position: static !important; display: block; width: 100% !important; height: auto !important; }
  details > pre { display: block; }
}
`

// Runs in the browser: draws every chart from the inlined JSON. A chart that fails says so in
// its box (and on the console) instead of leaving a blank space. The viewBox lets the print
// style scale a chart drawn at screen width down to the page width.
const INIT_SCRIPT = `
(function () {
  var defs = JSON.parse(document.getElementById('run-bench-charts').textContent);
  var charts = [];
  function fit(chart) {
    var svg = chart.getDom().querySelector('svg');
    if (svg) svg.setAttribute('viewBox', '0 0 ' + chart.getWidth() + ' ' + chart.getHeight());
  }
  defs.forEach(function (def) {
    var el = document.getElementById(def.id);
    if (!el) return;
    try {
      var chart = echarts.init(el, null, { renderer: 'svg' });
      chart.setOption(def.option);
      fit(chart);
      charts.push(chart);
    } catch (err) {
      var message = String((err && err.message) || err);
      el.setAttribute('data-chart-error', message);
      el.textContent = 'This chart could not be drawn: ' + message;
      console.error('run-bench chart ' + def.id + ': ' + message);
    }
  });
  // While printing, the print style scales each chart through its viewBox; a resize then
  // would measure the auto-height print box and collapse the chart.
  window.addEventListener('resize', function () {
    if (window.matchMedia('print').matches) return;
    charts.forEach(function (chart) { chart.resize(); fit(chart); });
  });
})();
`

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
    const cells = [
      fmt(ttft?.mean, 1),
      fmt(ttft?.p50, 1),
      fmt(ttft?.p95, 1),
      fmt(ttft?.p99, 1),
      fmt(seconds(e2e, 'mean'), 3),
      fmt(seconds(e2e, 'p50'), 3),
      fmt(seconds(e2e, 'p95'), 3),
      fmt(seconds(e2e, 'p99'), 3),
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
    const cells = [
      `${s.requests.ok} / ${s.requests.total}`,
      percent(s.successRate),
      fmt(tps?.mean, 1),
      fmt(tps?.p50, 1),
      fmt(tps?.p5, 1),
      fmt(tps?.p1, 1),
      fmt(s.requestThroughputPerSec, 2),
      fmt(s.outputTokenThroughputPerSec, 1),
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

interface ComparisonColumn {
  header: string
  better: 'lower' | 'higher'
  digits: number
  value(summary: Summary): number | null
  /** How the value is shown when it differs from fmt(value, digits). */
  show?(value: number): string
}

const COMPARISON_COLUMNS: ComparisonColumn[] = [
  { header: 'TTFT median (ms)', better: 'lower', digits: 1, value: (s) => s.ttftMs?.p50 ?? null },
  { header: 'TTFT P95 (ms)', better: 'lower', digits: 1, value: (s) => s.ttftMs?.p95 ?? null },
  { header: 'Total time P95 (s)', better: 'lower', digits: 3, value: (s) => seconds(s.e2eMs, 'p95') },
  { header: 'Tokens/s mean', better: 'higher', digits: 1, value: (s) => s.tokensPerSec?.mean ?? null },
  { header: 'Req/s', better: 'higher', digits: 2, value: (s) => s.requestThroughputPerSec },
  { header: 'Output tok/s', better: 'higher', digits: 1, value: (s) => s.outputTokenThroughputPerSec },
  { header: 'Success', better: 'higher', digits: 1, value: (s) => s.successRate, show: percent },
]

type Dimension = 'workload' | 'model' | 'target'
const DIMENSIONS: Dimension[] = ['workload', 'model', 'target']

/** For each workload, model and target shared by two or more runs: those runs side by side. */
function comparisonTables(summaries: Summary[]): string {
  const parts: string[] = []
  for (const dimension of DIMENSIONS) {
    const groups = new Map<string, Summary[]>()
    for (const s of summaries) groups.set(s[dimension], [...(groups.get(s[dimension]) ?? []), s])
    for (const [value, members] of groups) {
      if (members.length < 2) continue
      const others = DIMENSIONS.filter((d) => d !== dimension)
      parts.push(`<h3>Same ${dimension}: ${esc(value)}</h3>\n${comparisonTable(members, others)}`)
    }
  }
  return parts.length === 0
    ? '<p class="note">No workload, model or target was run more than once: nothing to compare.</p>'
    : parts.join('\n')
}

function comparisonTable(members: Summary[], labelDimensions: Dimension[]): string {
  const head = headRow([labelDimensions.join(' · '), ...COMPARISON_COLUMNS.map((c) => c.header)])
  const bests = COMPARISON_COLUMNS.map((column) => {
    const values = members.map(column.value).filter((v): v is number => v !== null && Number.isFinite(v))
    if (values.length < 2) return null
    return column.better === 'lower' ? Math.min(...values) : Math.max(...values)
  })
  const rows = members.map((s) => {
    const label = labelDimensions.map((d) => s[d]).join(' · ')
    const cells = COMPARISON_COLUMNS.map((column, i) => {
      const value = column.value(s)
      const shown = value === null ? '—' : (column.show?.(value) ?? fmt(value, column.digits))
      return value !== null && value === bests[i] ? `<td class="best">${shown}</td>` : `<td>${shown}</td>`
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

function markdownSection(markdown: string): string {
  return `<section>\n<h2>Markdown tables</h2>\n<details><summary>Show the tables as Markdown</summary><pre>${esc(markdown)}</pre></details>\n</section>`
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

function fmt(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits)
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`
}

export function esc(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}
