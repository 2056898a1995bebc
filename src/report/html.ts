// The HTML report: ONE self-contained file (echarts inlined, chart options inlined as JSON,
// no network at all), readable on screen and printable to PDF without cut tables or charts.
// Every piece of text that comes from a run (model names, error messages) is escaped.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { statisticMethodNote } from '../stats/method-note.js'
import type { RunTimeSeries } from '../stats/time-series.js'
import type { Summary } from '../types.js'
import { hangulFontCss, hasHangul } from './bundled-font.js'
import type { ReportLang } from './chart-text.js'
import {
  allCharts,
  type ChartContext,
  type ChartDefinition,
  type ChartRun,
  reportCharts,
  runLabel,
} from './charts.js'
import {
  bestRuns,
  type CompareColumn,
  comparedGroups,
  type GroupKey,
  groupOrder,
  shownValue,
  statColumn,
  valueColumn,
} from './comparison.js'
import { INIT_SCRIPT, STYLE } from './html-assets.js'
import { esc, fmt, headRow, seconds, table } from './html-parts.js'
import { type HtmlText, htmlText } from './html-text.js'
import {
  DISTRIBUTION_METRICS,
  formatPercent,
  TOKENS_PER_SEC,
  TOTAL_TIME_SEC,
  VALUE_METRICS,
} from './metric-catalogue.js'
import { errorGroupLabel, notSentLine } from './not-sent.js'
import { settingsById } from './run-names.js'
import { renderServerSectionsHtml } from './server-section.js'
import { renderSourceSectionsHtml } from './source-section.js'

export type RunConfigValue = string | number | boolean | null

export interface HtmlReportInput {
  summaries: Summary[]
  /** Time series by runId; a run without one gets tables but no timeline charts. */
  series: Record<string, RunTimeSeries>
  generatedAt: string
  toolVersion: string
  /** Resolved configuration by runId (target, model, workload, rps, seed, ...). */
  runConfigs?: Record<string, Record<string, RunConfigValue>>
  /** Language of headings and labels (default English). */
  lang?: ReportLang
}

export { STATISTICS_NOTE } from './html-text.js'

/** What every table and chart of one page shares: the runs, their settings, the words. */
interface Page {
  summaries: Summary[]
  context: ChartContext
  text: HtmlText
}

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
  const lang = input.lang ?? 'en'
  const page: Page = {
    summaries,
    context: { settings: settingsById(input.runConfigs), lang },
    text: htmlText(lang),
  }
  const { text } = page
  const charts = reportCharts(summaries, input.series, page.context)
  const body = `<header>
<h1>${esc(text.title)}</h1>
<p class="meta">${esc(text.generated(input.generatedAt, input.toolVersion, text.runs(summaries.length)))}</p>
<p class="note">${esc(text.statisticsNote)}</p>
${clientWarnings(page)}
</header>
<section>
<h2>${esc(text.latency)}</h2>
${latencyTable(page)}
<h2>${esc(text.throughputAndReliability)}</h2>
${throughputTable(page)}
${errorsTable(page)}
</section>
${renderServerSectionsHtml(summaries.map((s) => ({ label: `${runLabel(s, summaries)} · ${s.runId}`, server: s.server })))}
${renderSourceSectionsHtml(summaries.map((s) => ({ label: `${runLabel(s, summaries)} · ${s.runId}`, sources: s.sources })))}
<section>
<h2>${esc(text.comparisons)}</h2>
<p class="note">${esc(text.bestRule)}</p>
${comparisonTables(page)}
</section>
<section>
<h2>${esc(text.charts)}</h2>
${charts.overview.map(chartDiv).join('\n')}
${charts.runs.map(({ run, charts }) => runCharts(run, charts)).join('\n')}
</section>
<section>
<h2>${esc(text.runConfiguration)}</h2>
<div class="configs">
${summaries.map((s) => configTable(s, input.runConfigs?.[s.runId], text)).join('\n')}
</div>
</section>`
  const chartsJsonText = chartsJson(allCharts(charts))
  // The bundled Hangul font is embedded only where Hangul is shown: ~0.9 MB that a report
  // without Hangul does not need.
  const fontCss = lang === 'ko' || hasHangul(body) || hasHangul(chartsJsonText) ? hangulFontCss() : ''
  return `<!DOCTYPE html>
<html lang="${text.htmlLang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="run-bench ${esc(input.toolVersion)}">
<title>${esc(text.title)} (${esc(text.runs(summaries.length))})</title>
<style>${fontCss}${STYLE}</style>
</head>
<body>
${body}
<script>${echartsScript()}</script>
<script type="application/json" id="run-bench-charts">${chartsJsonText}</script>
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

/** A run's heading is kept on one page with its first chart (never orphaned at a page end). */
function runCharts(run: ChartRun, charts: ChartDefinition[]): string {
  const heading = `<h3>${esc(run.label)} ${runIdSpan(run.runId)}</h3>`
  const [first, ...rest] = charts
  const lead =
    first === undefined ? heading : `<div class="keep-together">\n${heading}\n${chartDiv(first)}\n</div>`
  return [lead, ...rest.map(chartDiv)].join('\n')
}

function chartDiv(chart: ChartDefinition): string {
  // A legend of several rows makes the chart taller, so the plot keeps its height.
  const style =
    chart.extraHeightPx === undefined ? '' : ` style="height: calc(420px + ${chart.extraHeightPx}px)"`
  return `<div class="chart" id="${esc(chart.id)}"${style} role="img" aria-label="${esc(chart.title)}"></div>`
}

/** Run ids are long: let them wrap after an underscore rather than mid-word. */
function runIdSpan(runId: string): string {
  return `<span class="run-id">${esc(runId).replaceAll('_', '_<wbr>')}</span>`
}

/** The run's name (by what distinguishes it), its run id, and why it is incomplete when it is. */
function runCell(summary: Summary, page: Page): string {
  const incomplete =
    summary.incomplete === undefined
      ? ''
      : `<br><span class="incomplete">${esc(page.text.incompleteRun(summary.incomplete))}</span>`
  return `<td>${esc(runLabel(summary, page.summaries, page.context))}<br>${runIdSpan(summary.runId)}${incomplete}</td>`
}

function latencyTable(page: Page): string {
  const head = headRow([page.text.run, ...page.text.latencyHeaders])
  const rows = page.summaries.map((s) => {
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
    return `<tr>${runCell(s, page)}${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`
  })
  return table(head, rows)
}

function throughputTable(page: Page): string {
  const { summaries } = page
  const head = headRow([page.text.run, ...page.text.throughputHeaders])
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
    return `<tr>${runCell(s, page)}${cells.map((c) => `<td>${c}</td>`).join('')}<td class="text">${esc(errors.join(', ') || page.text.none)}</td></tr>`
  })
  // Not sent is the client's limit, not a server failure: said once, under the table.
  const notes = summaries.flatMap((s) =>
    [notSentLine(s, page.context.lang), statisticMethodNote(s)].flatMap((line) =>
      line === null
        ? []
        : [`<p class="note">${esc(summaries.length > 1 ? `${s.runId}: ${line}` : line)}</p>`],
    ),
  )
  return [table(head, rows), ...notes].join('\n')
}

function errorsTable(page: Page): string {
  const rows = page.summaries.flatMap((s) =>
    s.errors.map(
      (e) =>
        `<tr>${runCell(s, page)}<td class="text">${esc(e.outcome)}</td><td class="text">${esc(e.error_code ?? '—')}</td><td>${e.http_status ?? '—'}</td><td>${e.count}</td><td class="text">${e.examples.map(esc).join('<br>')}</td></tr>`,
    ),
  )
  if (rows.length === 0) return ''
  return `<h3>${esc(page.text.errors)}</h3>\n${table(headRow([page.text.run, ...page.text.errorHeaders]), rows)}`
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
function comparisonTables(page: Page): string {
  const parts: string[] = []
  for (const dimension of groupOrder()) {
    for (const { key, runs } of comparedGroups(page.summaries, dimension)) {
      const others = groupOrder().filter((d) => d !== dimension)
      const heading = page.text.sameGroup(page.text.dimension[dimension], key)
      parts.push(`<h3>${esc(heading)}</h3>\n${comparisonTable(runs, others, page)}`)
    }
  }
  return parts.length === 0 ? `<p class="note">${esc(page.text.nothingToCompare)}</p>` : parts.join('\n')
}

function comparisonTable(members: Summary[], labelDimensions: GroupKey[], page: Page): string {
  const head = headRow([
    labelDimensions.map((d) => page.text.dimension[d]).join(' · '),
    ...page.text.comparisonHeaders,
  ])
  // Best only among complete, healthy runs of the same workload (comparison.ts bestRuns).
  const bests = COMPARISON_COLUMNS.map((column) => bestRuns(members, column))
  const rows = members.map((s, r) => {
    // Runs the group's other dimensions cannot tell apart (a sweep) are named by their settings.
    const plain = labelDimensions.map((d) => s[d]).join(' · ')
    const repeated = members.filter((m) => labelDimensions.map((d) => m[d]).join(' · ') === plain).length > 1
    const named = repeated ? runLabel(s, members, page.context) : plain
    const label =
      s.incomplete !== undefined && !repeated ? `${named} (${page.text.incompleteRun(s.incomplete)})` : named
    const cells = COMPARISON_COLUMNS.map((column, i) => {
      const shown = shownValue(column.value(s), column) ?? '—'
      return bests[i]?.[r] === true ? `<td class="best">${shown}</td>` : `<td>${shown}</td>`
    })
    const rowClass = s.incomplete === undefined ? '' : ' class="incomplete"'
    return `<tr${rowClass}><td>${esc(label)}<br>${runIdSpan(s.runId)}</td>${cells.join('')}</tr>`
  })
  return table(head, rows)
}

function configTable(
  summary: Summary,
  config: Record<string, RunConfigValue> | undefined,
  text: HtmlText,
): string {
  const keys = text.configKeys
  const entries: Array<[string, RunConfigValue]> = [
    [keys.run, summary.runId],
    [text.dimension.target, summary.target],
    [text.dimension.model, summary.model],
    [text.dimension.workload, summary.workload],
    [keys.startedAt, summary.startedAt],
    [keys.window, Number(summary.windowSec.toFixed(3))],
    [keys.offered, summary.offeredRps ?? text.closedLoop],
    [keys.concurrency, summary.concurrency],
  ]
  if (summary.incomplete !== undefined) entries.push([keys.incomplete, summary.incomplete])
  const shown = new Set(['target', 'model', 'workload', 'concurrency', ...entries.map(([key]) => key)])
  for (const [key, value] of Object.entries(config ?? {})) if (!shown.has(key)) entries.push([key, value])
  const rows = entries.map(
    ([key, value]) =>
      `<tr><td>${esc(key)}</td><td class="text">${esc(value === null ? '—' : String(value))}</td></tr>`,
  )
  return `<table>${rows.join('\n')}</table>`
}

function clientWarnings(page: Page): string {
  return page.summaries
    .filter((s) => s.clientHealth?.limited === true)
    .map(
      (s) =>
        `<p class="warning">${esc(page.text.clientLimited(s.runId, (s.clientHealth?.reasons ?? []).join('; ')))}</p>`,
    )
    .join('\n')
}

export { esc } from './html-parts.js'
