// The report's charts as plain JSON echarts options (built on chart-option.ts), so one definition
// serves both the HTML page (inlined and initialised in the browser) and the server-side PNG
// export. Animation is off and the font is fixed so that exported images are reproducible.
import type { RunTimeSeries, TimeSeriesBucket } from '../stats/time-series.js'
import type { Summary } from '../types.js'
import {
  type ChartContext,
  type ChartDefinition,
  type JsonValue,
  MISSING,
  orMissing,
  round,
  secondAxis,
  timeAxis,
  valueAxis,
  withLegend,
} from './chart-option.js'
import { type ChartText, chartText } from './chart-text.js'
import {
  throughputVsConcurrencyChart,
  throughputVsOfferedLoadChart,
  tokensPerSecByRunChart,
} from './load-charts.js'
import { DISTRIBUTION_METRICS } from './metric-catalogue.js'
import { runName, runNames } from './run-names.js'

export {
  CHART_FONT_STACK,
  type ChartContext,
  type ChartDefinition,
  type ChartOption,
  type JsonValue,
} from './chart-option.js'
export { throughputVsConcurrencyChart, throughputVsOfferedLoadChart, tokensPerSecByRunChart }

/** One run's time series with the label its charts show. */
export interface ChartRun {
  runId: string
  label: string
  series: RunTimeSeries
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

/** Point markers only while they stay readable (up to two minutes of one-second buckets). */
function timelineSymbols(run: ChartRun): { showSymbol: boolean; symbolSize: number } {
  return { showSymbol: run.series.buckets.length <= 120, symbolSize: 4 }
}
