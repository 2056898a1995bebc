// Server-side time series as echarts options, on the same x axis as the client's latency
// charts (seconds since run start, from the run's performance.now() clock), so a TTFT climb
// can be read against the queue, the KV cache and the GPU at the same moment.
import type { Point, TelemetrySummary } from '../types.js'
import {
  type ChartDefinition,
  type JsonValue,
  secondAxis,
  timeAxis,
  valueAxis,
  withLegend,
} from './chart-option.js'
import { chartIdPart } from './charts.js'

/**
 * A server chart in the frame every chart shares: a plain legend that wraps onto more rows
 * (never 'scroll', whose pager hides series in a PDF or PNG), the client charts' x axis.
 */
function chart(id: string, title: string, yAxis: JsonValue[], series: Line[]): ChartDefinition {
  return withLegend(
    id,
    title,
    series.map((s) => s.name),
    {
      xAxis: timeAxis('time since start (s), server samples'),
      yAxis,
      series,
    },
  )
}

type Line = { [key: string]: JsonValue; name: string }

const percentAxis = (name: string): JsonValue => ({ ...secondAxis(name), min: 0, max: 100 })

function line(name: string, axisIndex: number, points: readonly Point[], scale = 1): Line {
  return {
    type: 'line',
    name,
    yAxisIndex: axisIndex,
    showSymbol: points.length < 60,
    data: points.map((p) => [Math.round(p.atMs) / 1000, p.value * scale]),
  }
}

/** The server section's charts; empty when the summary has no series to draw. */
export function serverCharts(
  runId: string,
  label: string,
  summary: TelemetrySummary | null | undefined,
): ChartDefinition[] {
  if (summary === null || summary === undefined || !summary.available) return []
  const charts: ChartDefinition[] = []
  const { series } = summary
  if (series.waiting.length + series.running.length + series.kvCacheUsage.length > 0) {
    const title = `Server queue and KV cache: ${label}`
    charts.push(
      chart(
        `server-queue-${chartIdPart(runId)}`,
        title,
        [valueAxis('requests'), percentAxis('KV cache used (%)')],
        [
          line('waiting', 0, series.waiting),
          line('running', 0, series.running),
          line('KV cache %', 1, series.kvCacheUsage, 100),
        ],
      ),
    )
  }
  if (series.gpuPowerWatts.length + series.gpuUtilPercent.length > 0) {
    const title = `GPU power and utilization: ${label}`
    charts.push(
      chart(
        `server-gpu-${chartIdPart(runId)}`,
        title,
        [valueAxis('power (W)'), percentAxis('utilization (%)')],
        [line('power W', 0, series.gpuPowerWatts), line('utilization %', 1, series.gpuUtilPercent)],
      ),
    )
  }
  return charts
}
