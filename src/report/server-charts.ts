// Server-side time series as echarts options, on the same x axis as the client's latency
// charts (seconds since run start, from the run's performance.now() clock), so a TTFT climb
// can be read against the queue, the KV cache and the GPU at the same moment.
import type { Point, TelemetrySummary } from '../types.js'
import {
  CHART_FONT_STACK,
  type ChartDefinition,
  type ChartOption,
  chartIdPart,
  type JsonValue,
} from './charts.js'

const axis = (name: string, extra: Record<string, JsonValue> = {}): Record<string, JsonValue> => ({
  type: 'value',
  name,
  nameLocation: 'middle',
  nameGap: 48,
  nameTextStyle: { fontFamily: CHART_FONT_STACK },
  ...extra,
})

function option(title: string, yAxis: JsonValue[], series: JsonValue[]): ChartOption {
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: CHART_FONT_STACK, fontSize: 12 },
    title: {
      text: title,
      left: 'center',
      top: 8,
      textStyle: { fontFamily: CHART_FONT_STACK, fontSize: 15, fontWeight: 'normal' },
    },
    legend: { type: 'scroll', top: 34, textStyle: { fontFamily: CHART_FONT_STACK } },
    tooltip: { trigger: 'axis' },
    grid: { left: 70, right: 70, top: 70, bottom: 50 },
    xAxis: axis('time since start (s), server samples', { nameGap: 28, min: 0 }),
    yAxis,
    series,
  }
}

function line(name: string, axisIndex: number, points: readonly Point[], scale = 1): JsonValue {
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
    charts.push({
      id: `server-queue-${chartIdPart(runId)}`,
      title,
      option: option(
        title,
        [axis('requests'), axis('KV cache used (%)', { alignTicks: true, min: 0, max: 100 })],
        [
          line('waiting', 0, series.waiting),
          line('running', 0, series.running),
          line('KV cache %', 1, series.kvCacheUsage, 100),
        ],
      ),
    })
  }
  if (series.gpuPowerWatts.length + series.gpuUtilPercent.length > 0) {
    const title = `GPU power and utilization: ${label}`
    charts.push({
      id: `server-gpu-${chartIdPart(runId)}`,
      title,
      option: option(
        title,
        [axis('power (W)'), axis('utilization (%)', { alignTicks: true, min: 0, max: 100 })],
        [line('power W', 0, series.gpuPowerWatts), line('utilization %', 1, series.gpuUtilPercent)],
      ),
    })
  }
  return charts
}
