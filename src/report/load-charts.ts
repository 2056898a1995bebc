// The charts over all runs that put each run at one point: achieved throughput against the
// offered load (open loops) or against concurrency (closed loops), and tokens/sec per run.
import type { Summary } from '../types.js'
import {
  baseOption,
  type ChartContext,
  type ChartDefinition,
  type ChartOption,
  groupBy,
  type JsonValue,
  MISSING,
  round,
  valueAxis,
  withLegend,
} from './chart-option.js'
import { chartText } from './chart-text.js'
import { TOKENS_PER_SEC } from './metric-catalogue.js'
import { isIncomplete, runNames } from './run-names.js'

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
  // Slanted 30°, a name of n characters (~7 px each at 12 px) drops n × 7 × sin 30° below the axis.
  const slanted = summaries.length > 3
  const longest = Math.max(0, ...labels.map((label) => [...label].length))
  const labelRoomPx = slanted ? Math.min(320, Math.round(longest * 7 * 0.5)) : 0
  const option: ChartOption = {
    ...baseOption(text.tokensPerSecTitle),
    legend: { show: false },
    tooltip: { trigger: 'axis' },
    // Names are slanted (not cut: their end is what tells runs apart) with room under the axis.
    grid: { left: 70, right: 70, top: 60, bottom: 60 + labelRoomPx },
    xAxis: {
      type: 'category',
      data: labels,
      axisLabel: { interval: 0, rotate: slanted ? 30 : 0 },
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
    ...(labelRoomPx > 0 ? { extraHeightPx: labelRoomPx } : {}),
  }
}
