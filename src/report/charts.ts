// The report's charts as plain JSON echarts options (built on chart-option.ts), so one definition
// serves both the HTML page (inlined and initialised in the browser) and the server-side PNG
// export. Animation is off and the font is fixed so that exported images are reproducible.
import type { RunTimeSeries, TimeSeriesBucket } from '../stats/time-series.js'
import type { Summary } from '../types.js'
import {
  baseOption,
  type ChartOption,
  groupBy,
  type JsonValue,
  legendLayout,
  MISSING,
  orMissing,
  round,
  secondAxis,
  timeAxis,
  valueAxis,
} from './chart-option.js'
import { type ChartText, chartText, type ReportLang } from './chart-text.js'
import { DISTRIBUTION_METRICS, TOKENS_PER_SEC } from './metric-catalogue.js'
import { isIncomplete, type RunSettingsById, runName, runNames } from './run-names.js'

export { CHART_FONT_STACK, type ChartOption, type JsonValue } from './chart-option.js'

export interface ChartDefinition {
  /** Unique on a report page; letters, digits and [_.-] only, so it also names a PNG file. */
  id: string
  title: string
  option: ChartOption
  /** Height added to the chart's usual height for a legend of several rows (0: one row). */
  extraHeightPx?: number
}

/** One run's time series with the label its charts show. */
export interface ChartRun {
  runId: string
  label: string
  series: RunTimeSeries
}

/** What the charts know beyond the summaries: each run's settings and the report's language. */
export interface ChartContext {
  settings?: RunSettingsById
  lang?: ReportLang
}

export function chartIdPart(text: string): string {
  // Letters of any script stay (a workload named 짧은테스트 keeps its name in PNG file names).
  return text.replace(/[^\p{L}\p{N}_.-]/gu, '-')
}

/** A run's name among the runs of the report: by what distinguishes it (see run-names.ts). */
export function runLabel(
  summary: Summary,
  summaries: readonly Summary[],
  context: ChartContext = {},
): string {
  return runName(summary, summaries, context.settings, chartText(context.lang))
}

/** Pairs each summary with its time series (runs without one are left out), named as in the tables. */
export function chartRunsOf(
  summaries: readonly Summary[],
  series: Record<string, RunTimeSeries>,
  context: ChartContext = {},
): ChartRun[] {
  const labels = runNames(summaries, context.settings, chartText(context.lang))
  return summaries.flatMap((summary, i) => {
    const runSeries = series[summary.runId]
    if (runSeries === undefined) return []
    return [{ runId: summary.runId, label: labels[i] as string, series: runSeries }]
  })
}

export interface ReportCharts {
  /** Charts over all runs: TTFT CDF, throughput vs offered load / concurrency, tokens/sec per run. */
  overview: ChartDefinition[]
  /** Each run's timelines (latency, throughput, failures over time). */
  runs: Array<{ run: ChartRun; charts: ChartDefinition[] }>
}

/** Every chart of a report, grouped as the page shows them. */
export function reportCharts(
  summaries: readonly Summary[],
  series: Record<string, RunTimeSeries>,
  context: ChartContext = {},
): ReportCharts {
  const text = chartText(context.lang)
  const runs = chartRunsOf(summaries, series, context)
  const overview: ChartDefinition[] = []
  if (runs.length > 0) overview.push(ttftCdfChart(runs, text))
  if (summaries.some((s) => s.offeredRps !== null))
    overview.push(throughputVsOfferedLoadChart(summaries, context))
  if (summaries.some((s) => s.offeredRps === null))
    overview.push(throughputVsConcurrencyChart(summaries, context))
  if (summaries.length > 0) overview.push(tokensPerSecByRunChart(summaries, context))
  return {
    overview,
    runs: runs.map((run) => ({
      run,
      charts: [
        latencyOverTimeChart(run, text),
        throughputOverTimeChart(run, text),
        errorRateOverTimeChart(run, text),
      ],
    })),
  }
}

/** The charts in page order, e.g. to export each as a PNG named after its id. */
export function allCharts(charts: ReportCharts): ChartDefinition[] {
  return [...charts.overview, ...charts.runs.flatMap((entry) => entry.charts)]
}

/** A chart whose legend lists `names`: every name shown, the chart taller by the extra rows. */
function withLegend(
  id: string,
  title: string,
  names: readonly string[],
  option: ChartOption,
): ChartDefinition {
  const { extraHeightPx } = legendLayout(names)
  return {
    id,
    title,
    option: { ...baseOption(title, names), ...option },
    ...(extraHeightPx > 0 ? { extraHeightPx } : {}),
  }
}

/**
 * TTFT CDF per run on a log x-axis: one overloaded run (seconds) would otherwise squeeze the
 * others (milliseconds) against the left edge. A log axis cannot show 0, so a TTFT of 0 ms
 * (none is that fast in practice) is left out.
 */
export function ttftCdfChart(runs: readonly ChartRun[], text: ChartText = chartText()): ChartDefinition {
  const names = runs.map((run) => run.label)
  return withLegend('ttft-cdf', text.ttftCdfTitle, names, {
    xAxis: { ...valueAxis(DISTRIBUTION_METRICS.ttft.label), type: 'log', logBase: 10 },
    yAxis: { ...valueAxis(text.shareOfRequests), min: 0, max: 100 },
    series: runs.map((run) => ({
      type: 'line',
      name: run.label,
      showSymbol: false,
      data: run.series.ttftCdf
        .filter((point) => point.ttftMs > 0)
        .map((point) => [round(point.ttftMs), round(point.fraction * 100)]),
    })),
  })
}

export function latencyOverTimeChart(run: ChartRun, text: ChartText = chartText()): ChartDefinition {
  const title = text.latencyTitle(run.label)
  const line = (name: string, axis: number, pick: (b: TimeSeriesBucket) => number | null): JsonValue => ({
    type: 'line',
    name,
    yAxisIndex: axis,
    ...timelineSymbols(run),
    // A second in which no request succeeded has no latency: bridge it rather than drop a
    // lone point between two gaps (the throughput chart shows the hole).
    connectNulls: true,
    data: run.series.buckets.map((b) => [b.startSec, orMissing(pick(b))]),
  })
  const names = ['TTFT p50', 'TTFT p95', `${text.totalTimeMs} p50`, `${text.totalTimeMs} p95`]
  return withLegend(`latency-over-time-${chartIdPart(run.runId)}`, title, names, {
    xAxis: timeAxis(text.timeAxis),
    yAxis: [valueAxis(DISTRIBUTION_METRICS.ttft.label), secondAxis(text.totalTimeMs)],
    series: [
      line(names[0] as string, 0, (b) => b.ttftMs?.p50 ?? null),
      line(names[1] as string, 0, (b) => b.ttftMs?.p95 ?? null),
      line(names[2] as string, 1, (b) => b.e2eMs?.p50 ?? null),
      line(names[3] as string, 1, (b) => b.e2eMs?.p95 ?? null),
    ],
  })
}

/**
 * Successful requests and their output tokens per second: what the summary's throughput
 * counts. Aborted and never-sent requests are no throughput (they are on the failures chart).
 */
export function throughputOverTimeChart(run: ChartRun, text: ChartText = chartText()): ChartDefinition {
  const title = text.throughputTitle(run.label)
  const names = [text.successfulReqPerSec, text.outputTokPerSec]
  return withLegend(`throughput-over-time-${chartIdPart(run.runId)}`, title, names, {
    xAxis: timeAxis(text.timeAxis),
    yAxis: [valueAxis(text.successfulReqPerSec), secondAxis(text.outputTokPerSec)],
    series: [
      {
        type: 'line',
        name: text.successfulReqPerSec,
        yAxisIndex: 0,
        ...timelineSymbols(run),
        data: run.series.buckets.map((b) => [b.startSec, round(b.requestsPerSec)]),
      },
      {
        type: 'line',
        name: text.outputTokPerSec,
        yAxisIndex: 1,
        ...timelineSymbols(run),
        data: run.series.buckets.map((b) => [b.startSec, round(b.outputTokensPerSec)]),
      },
    ],
  })
}

/**
 * Failures as the tables count them: the failure rate over ok + failed, and the failed
 * count. Aborted and never-sent requests are the client's doing: each has its own line,
 * drawn only when the run had some, and never counted as failed.
 */
export function errorRateOverTimeChart(run: ChartRun, text: ChartText = chartText()): ChartDefinition {
  const title = text.failuresTitle(run.label)
  const buckets = run.series.buckets
  const countLine = (name: string, pick: (b: TimeSeriesBucket) => number, lineType: string): JsonValue => ({
    // A line, not bars: bars on a value axis are as wide as a bucket and pad the axis.
    type: 'line',
    name,
    yAxisIndex: 1,
    ...timelineSymbols(run),
    lineStyle: { type: lineType },
    data: buckets.map((b) => [b.startSec, pick(b)]),
  })
  const series: JsonValue[] = [
    {
      type: 'line',
      name: text.failureRate,
      yAxisIndex: 0,
      ...timelineSymbols(run),
      connectNulls: true,
      // A second in which nothing was attempted (no ok, no failure) has no rate, not 0.
      data: buckets.map((b) => [b.startSec, b.ok + b.failed === 0 ? MISSING : round(b.errorRate * 100)]),
    },
    countLine(text.failedRequests, (b) => b.failed, 'dashed'),
  ]
  if (buckets.some((b) => b.aborted > 0))
    series.push(countLine(text.abortedRequests, (b) => b.aborted, 'dotted'))
  if (buckets.some((b) => b.notSent > 0))
    series.push(countLine(text.notSentRequests, (b) => b.notSent, 'dotted'))
  const names = series.map((s) => (s as { name: string }).name)
  return withLegend(`error-rate-over-time-${chartIdPart(run.runId)}`, title, names, {
    xAxis: timeAxis(text.timeAxis),
    yAxis: [
      { ...valueAxis(text.failureRate), min: 0, max: 100 },
      // Whole requests: integer ticks, so this axis cannot follow the percent axis' grid.
      { ...valueAxis(text.requests), minInterval: 1, splitLine: { show: false } },
    ],
    series,
  })
}

/**
 * The runs one line may join: the same target, model, max_tokens and prompt set. Runs that
 * differ in any of these measure different things, so their points are never connected.
 */
function lineKey(summary: Summary, context: ChartContext): string {
  const settings = context.settings?.[summary.runId] ?? {}
  return JSON.stringify([
    summary.target,
    summary.model,
    settings.maxTokens ?? null,
    settings.promptSet ?? null,
  ])
}

/** A line's name: the model, plus what tells it from the other lines (target, max_tokens, prompts). */
function lineNames(summaries: readonly Summary[], context: ChartContext): Map<string, string> {
  const settings = (s: Summary) => context.settings?.[s.runId] ?? {}
  const differ = (value: (s: Summary) => unknown) => new Set(summaries.map(value)).size > 1
  const manyTargets = differ((s) => s.target)
  const manyMaxTokens = differ((s) => settings(s).maxTokens)
  const manyPromptSets = differ((s) => settings(s).promptSet)
  const names = new Map<string, string>()
  for (const s of summaries) {
    const parts = [manyTargets ? `${s.model} @ ${s.target}` : s.model]
    if (manyMaxTokens && settings(s).maxTokens !== undefined)
      parts.push(`max_tokens ${settings(s).maxTokens}`)
    if (manyPromptSets && settings(s).promptSet !== undefined) parts.push(`prompts ${settings(s).promptSet}`)
    names.set(lineKey(s, context), parts.join(' · '))
  }
  return names
}

/** Points of one line, sorted by x; an incomplete run's point is hollow and named so. */
function pointLines(
  summaries: readonly Summary[],
  context: ChartContext,
  x: (s: Summary) => number,
): { series: JsonValue[]; names: string[]; maxX: number } {
  const text = chartText(context.lang)
  const lineNameOf = lineNames(summaries, context)
  const labels = runNames(summaries, context.settings, text)
  const series: JsonValue[] = []
  const names: string[] = []
  let maxX = 0
  for (const [key, members] of groupBy(summaries, (s) => lineKey(s, context))) {
    const name = lineNameOf.get(key) ?? key
    const points = members.map((s) => ({ x: x(s), summary: s })).sort((a, b) => a.x - b.x)
    for (const point of points) maxX = Math.max(maxX, point.x)
    names.push(name)
    series.push({
      type: 'line',
      name,
      data: points.map((p) => ({
        name: labels[summaries.indexOf(p.summary)] as string,
        value: [round(p.x), round(p.summary.requestThroughputPerSec)],
        ...(isIncomplete(p.summary) ? { symbol: 'emptyTriangle', symbolSize: 10 } : {}),
      })),
    })
  }
  return { series, names, maxX }
}

/**
 * Achieved (successful) req/s against offered req/s, open-loop runs only, one line per
 * target, model, max_tokens and prompt set, on one y-axis: where the line leaves the
 * diagonal is the knee. Closed loops have no offered rate: see throughputVsConcurrencyChart.
 */
export function throughputVsOfferedLoadChart(
  summaries: readonly Summary[],
  context: ChartContext = {},
): ChartDefinition {
  const text = chartText(context.lang)
  const open = summaries.filter((s) => s.offeredRps !== null)
  const { series, names, maxX } = pointLines(open, context, (s) => s.offeredRps ?? 0)
  series.push({
    type: 'line',
    name: text.achievedEqualsOffered,
    showSymbol: false,
    lineStyle: { type: 'dotted', color: '#999999' },
    itemStyle: { color: '#999999' },
    data: [
      [0, 0],
      [round(maxX), round(maxX)],
    ],
  })
  return withLegend(
    'throughput-vs-offered-load',
    text.vsOfferedTitle,
    [...names, text.achievedEqualsOffered],
    {
      tooltip: { trigger: 'item' },
      xAxis: valueAxis(text.offeredReqPerSec),
      yAxis: valueAxis(text.achievedReqPerSec),
      series,
    },
  )
}

/**
 * Closed loops (a concurrency sweep): achieved req/s against the number of workers, one line
 * per target, model, max_tokens and prompt set. Plotting achieved against achieved would put
 * every point on the diagonal by construction.
 */
export function throughputVsConcurrencyChart(
  summaries: readonly Summary[],
  context: ChartContext = {},
): ChartDefinition {
  const text = chartText(context.lang)
  const closed = summaries.filter((s) => s.offeredRps === null)
  const { series, names } = pointLines(closed, context, (s) => s.concurrency)
  return withLegend('throughput-vs-concurrency', text.vsConcurrencyTitle, names, {
    tooltip: { trigger: 'item' },
    xAxis: { ...valueAxis(text.concurrency), minInterval: 1 },
    yAxis: valueAxis(text.achievedReqPerSec),
    series,
  })
}

/**
 * Mean per-request tokens/sec, one bar per run (named as in the tables), in the report's
 * order: several runs of one model are all shown, none silently dropped.
 */
export function tokensPerSecByRunChart(
  summaries: readonly Summary[],
  context: ChartContext = {},
): ChartDefinition {
  const text = chartText(context.lang)
  const labels = runNames(summaries, context.settings, text)
  const option: ChartOption = {
    ...baseOption(text.tokensPerSecTitle),
    legend: { show: false },
    tooltip: { trigger: 'axis' },
    // Room under the axis for slanted run names.
    grid: { left: 70, right: 70, top: 60, bottom: summaries.length > 3 ? 150 : 60, containLabel: false },
    xAxis: {
      type: 'category',
      data: labels,
      axisLabel: { interval: 0, rotate: summaries.length > 3 ? 25 : 0, width: 220, overflow: 'truncate' },
    },
    yAxis: valueAxis(TOKENS_PER_SEC.unit),
    series: [
      {
        type: 'bar',
        name: text.tokensPerSecMean,
        data: summaries.map((s) => {
          const mean = s.tokensPerSec?.mean
          return mean === undefined ? MISSING : round(mean)
        }),
      },
    ],
  }
  return {
    id: 'tokens-per-sec-by-run',
    title: text.tokensPerSecTitle,
    option,
    ...(summaries.length > 3 ? { extraHeightPx: 90 } : {}),
  }
}

/** Point markers only while they stay readable (up to two minutes of one-second buckets). */
function timelineSymbols(run: ChartRun): { showSymbol: boolean; symbolSize: number } {
  return { showSymbol: run.series.buckets.length <= 120, symbolSize: 4 }
}
