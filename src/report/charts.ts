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
  MISSING,
  orMissing,
  round,
  secondAxis,
  timeAxis,
  valueAxis,
} from './chart-option.js'
import { DISTRIBUTION_METRICS, TOKENS_PER_SEC } from './metric-catalogue.js'
import { serverCharts } from './server-charts.js'

export { CHART_FONT_STACK, type ChartOption, type JsonValue } from './chart-option.js'

export interface ChartDefinition {
  /** Unique on a report page; made of [A-Za-z0-9_.-] only, so it also names a PNG file. */
  id: string
  title: string
  option: ChartOption
}

/** One run's time series with the label its charts show. */
export interface ChartRun {
  runId: string
  label: string
  series: RunTimeSeries
}

export function chartIdPart(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '-')
}

/** "model · workload", plus " · target" when the runs span more than one target. */
export function runLabel(summary: Summary, summaries: readonly Summary[]): string {
  const manyTargets = new Set(summaries.map((s) => s.target)).size > 1
  return `${summary.model} · ${summary.workload}${manyTargets ? ` · ${summary.target}` : ''}`
}

/**
 * Pairs each summary with its time series (runs without one are left out). Repeated runs of
 * one model and workload get their run id in the label, so legend entries stay distinct.
 */
export function chartRunsOf(
  summaries: readonly Summary[],
  series: Record<string, RunTimeSeries>,
): ChartRun[] {
  const labels = summaries.map((summary) => runLabel(summary, summaries))
  return summaries.flatMap((summary, i) => {
    const runSeries = series[summary.runId]
    if (runSeries === undefined) return []
    const label = labels[i] as string
    const repeated = labels.indexOf(label) !== labels.lastIndexOf(label)
    return [
      { runId: summary.runId, label: repeated ? `${label} · ${summary.runId}` : label, series: runSeries },
    ]
  })
}

export interface ReportCharts {
  /** Charts over all runs: TTFT CDF, throughput vs offered load, tokens/sec by model. */
  overview: ChartDefinition[]
  /** Each run's timelines (latency, throughput, errors over time). */
  runs: Array<{ run: ChartRun; charts: ChartDefinition[] }>
}

/** Every chart of a report, grouped as the page shows them. */
export function reportCharts(
  summaries: readonly Summary[],
  series: Record<string, RunTimeSeries>,
): ReportCharts {
  const runs = chartRunsOf(summaries, series)
  const overview: ChartDefinition[] = []
  if (runs.length > 0) overview.push(ttftCdfChart(runs))
  if (summaries.length > 0) {
    overview.push(throughputVsOfferedLoadChart(summaries), tokensPerSecByModelChart(summaries))
  }
  return {
    overview,
    runs: runs.map((run) => ({
      run,
      charts: [
        latencyOverTimeChart(run),
        throughputOverTimeChart(run),
        errorRateOverTimeChart(run),
        // The server's queue, KV cache and GPU on the same clock, right under the client's timelines.
        ...serverCharts(run.runId, run.label, summaries.find((s) => s.runId === run.runId)?.server),
      ],
    })),
  }
}

/** The charts in page order, e.g. to export each as a PNG named after its id. */
export function allCharts(charts: ReportCharts): ChartDefinition[] {
  return [...charts.overview, ...charts.runs.flatMap((entry) => entry.charts)]
}

export function ttftCdfChart(runs: readonly ChartRun[]): ChartDefinition {
  const title = 'TTFT distribution (CDF, successful requests)'
  return {
    id: 'ttft-cdf',
    title,
    option: {
      ...baseOption(title),
      xAxis: valueAxis(DISTRIBUTION_METRICS.ttft.label),
      yAxis: { ...valueAxis('% of requests ≤ x'), min: 0, max: 100 },
      series: runs.map((run) => ({
        type: 'line',
        name: run.label,
        showSymbol: false,
        data: run.series.ttftCdf.map((point) => [round(point.ttftMs), round(point.fraction * 100)]),
      })),
    },
  }
}

export function latencyOverTimeChart(run: ChartRun): ChartDefinition {
  const title = `Latency over time: ${run.label}`
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
  return {
    id: `latency-over-time-${chartIdPart(run.runId)}`,
    title,
    option: {
      ...baseOption(title),
      xAxis: timeAxis(),
      yAxis: [valueAxis(DISTRIBUTION_METRICS.ttft.label), secondAxis('total time (ms)')],
      series: [
        line('TTFT p50', 0, (b) => b.ttftMs?.p50 ?? null),
        line('TTFT p95', 0, (b) => b.ttftMs?.p95 ?? null),
        line('total time p50', 1, (b) => b.e2eMs?.p50 ?? null),
        line('total time p95', 1, (b) => b.e2eMs?.p95 ?? null),
      ],
    },
  }
}

export function throughputOverTimeChart(run: ChartRun): ChartDefinition {
  const title = `Throughput over time: ${run.label}`
  return {
    id: `throughput-over-time-${chartIdPart(run.runId)}`,
    title,
    option: {
      ...baseOption(title),
      xAxis: timeAxis(),
      yAxis: [valueAxis('completed req/s'), secondAxis('output tok/s')],
      series: [
        {
          type: 'line',
          name: 'completed req/s',
          yAxisIndex: 0,
          ...timelineSymbols(run),
          data: run.series.buckets.map((b) => [b.startSec, round(b.requestsPerSec)]),
        },
        {
          type: 'line',
          name: 'output tok/s',
          yAxisIndex: 1,
          ...timelineSymbols(run),
          data: run.series.buckets.map((b) => [b.startSec, round(b.outputTokensPerSec)]),
        },
      ],
    },
  }
}

export function errorRateOverTimeChart(run: ChartRun): ChartDefinition {
  const title = `Errors over time: ${run.label}`
  return {
    id: `error-rate-over-time-${chartIdPart(run.runId)}`,
    title,
    option: {
      ...baseOption(title),
      xAxis: timeAxis(),
      yAxis: [
        { ...valueAxis('error rate (%)'), min: 0, max: 100 },
        // Whole requests: integer ticks, so this axis cannot follow the percent axis' grid.
        { ...valueAxis('failed requests'), minInterval: 1, splitLine: { show: false } },
      ],
      series: [
        {
          type: 'line',
          name: 'error rate (%)',
          yAxisIndex: 0,
          ...timelineSymbols(run),
          connectNulls: true,
          // A second with no completed request has no error rate, not a rate of 0.
          data: run.series.buckets.map((b) => [
            b.startSec,
            b.completed === 0 ? MISSING : round(b.errorRate * 100),
          ]),
        },
        {
          // A line, not bars: bars on a value axis are as wide as a bucket and pad the axis.
          type: 'line',
          name: 'failed requests',
          yAxisIndex: 1,
          ...timelineSymbols(run),
          lineStyle: { type: 'dashed' },
          data: run.series.buckets.map((b) => [b.startSec, b.failed]),
        },
      ],
    },
  }
}

/**
 * Achieved throughput against offered load, one line per model (and target): where the
 * achieved rate stops following the offered one is the knee. A closed-loop workload has no
 * offered rate, so its point sits at its achieved request rate (on the diagonal).
 */
export function throughputVsOfferedLoadChart(summaries: readonly Summary[]): ChartDefinition {
  const title = 'Achieved throughput vs offered load'
  const groups = groupBy(summaries, (s) => seriesName(s, summaries))
  const series: JsonValue[] = []
  let maxX = 0
  for (const [name, members] of groups) {
    const points = members
      .map((s) => ({ x: s.offeredRps ?? s.requestThroughputPerSec, summary: s }))
      .sort((a, b) => a.x - b.x)
    for (const point of points) maxX = Math.max(maxX, point.x)
    series.push(
      {
        type: 'line',
        name: `${name} req/s`,
        yAxisIndex: 0,
        data: points.map((p) => ({
          name: p.summary.workload,
          value: [round(p.x), round(p.summary.requestThroughputPerSec)],
        })),
      },
      {
        type: 'line',
        name: `${name} tok/s`,
        yAxisIndex: 1,
        lineStyle: { type: 'dashed' },
        data: points.map((p) => ({
          name: p.summary.workload,
          value: [round(p.x), round(p.summary.outputTokenThroughputPerSec)],
        })),
      },
    )
  }
  series.push({
    type: 'line',
    name: 'achieved = offered',
    yAxisIndex: 0,
    showSymbol: false,
    lineStyle: { type: 'dotted', color: '#999999' },
    itemStyle: { color: '#999999' },
    data: [
      [0, 0],
      [round(maxX), round(maxX)],
    ],
  })
  return {
    id: 'throughput-vs-offered-load',
    title,
    option: {
      ...baseOption(title),
      tooltip: { trigger: 'item' },
      xAxis: valueAxis('offered req/s (closed loop: achieved)'),
      yAxis: [valueAxis('achieved req/s'), secondAxis('output tok/s')],
      series,
    },
  }
}

/** Mean per-request tokens/sec, one bar per model side by side within each workload. */
export function tokensPerSecByModelChart(summaries: readonly Summary[]): ChartDefinition {
  const title = 'Tokens/sec per request (mean) by model'
  const workloads = [...new Set(summaries.map((s) => s.workload))]
  const groups = groupBy(summaries, (s) => seriesName(s, summaries))
  const series: JsonValue[] = []
  for (const [name, members] of groups) {
    series.push({
      type: 'bar',
      name,
      data: workloads.map((workload) => {
        // Several runs of one model on one workload: the last one listed (the newest) wins.
        const run = members.filter((s) => s.workload === workload).at(-1)
        const mean = run?.tokensPerSec?.mean
        return mean === undefined ? MISSING : round(mean)
      }),
    })
  }
  return {
    id: 'tokens-per-sec-by-model',
    title,
    option: {
      ...baseOption(title),
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', name: 'workload', nameLocation: 'middle', nameGap: 28, data: workloads },
      yAxis: valueAxis(TOKENS_PER_SEC.unit),
      series,
    },
  }
}

/** The model, with the target when the summaries span more than one. */
function seriesName(summary: Summary, summaries: readonly Summary[]): string {
  const manyTargets = new Set(summaries.map((s) => s.target)).size > 1
  return manyTargets ? `${summary.model} @ ${summary.target}` : summary.model
}

/** Point markers only while they stay readable (up to two minutes of one-second buckets). */
function timelineSymbols(run: ChartRun): { showSymbol: boolean; symbolSize: number } {
  return { showSymbol: run.series.buckets.length <= 120, symbolSize: 4 }
}
