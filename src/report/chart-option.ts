// The shared frame of every chart: plain JSON echarts options (no functions inside), fixed
// font and no animation so exported images are reproducible, and the axis builders.

import type { ReportLang } from './chart-text.js'
import type { RunSettingsById } from './run-names.js'

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }
export type ChartOption = { [key: string]: JsonValue }

export interface ChartDefinition {
  /** Unique on a report page; letters, digits and [_.-] only, so it also names a PNG file. */
  id: string
  title: string
  option: ChartOption
  /** Height added to the chart's usual height for a legend of several rows (0: one row). */
  extraHeightPx?: number
}

/** What the charts know beyond the summaries: each run's settings and the report's language. */
export interface ChartContext {
  settings?: RunSettingsById
  lang?: ReportLang
}

/**
 * The PNG export draws every text with one fixed font file (DejaVu Sans, else Liberation
 * Sans); the browser takes the first of these it has. NanumBarunGothic, bundled and embedded
 * in HTML reports that hold Hangul, draws the Hangul those fonts lack. Titles stay at normal
 * weight because only the regular face is loaded for the export.
 */
export const CHART_FONT_STACK = 'DejaVu Sans, Liberation Sans, Arial, NanumBarunGothic, sans-serif'

/** echarts' marker for a missing value: the line breaks there instead of dropping to 0. */
export const MISSING = '-'

/** The width the legend's rows are laid out for: narrower than the 1000 px PNG, as on a laptop. */
const LEGEND_LAYOUT_WIDTH_PX = 900
const LEGEND_TOP_PX = 34
const LEGEND_ROW_PX = 24

/**
 * A legend that shows every series: 'plain' (echarts wraps it onto more rows) instead of
 * 'scroll', whose "1/2 ▶" pager hides series in a PDF or PNG. The plot starts below the last
 * row; `extraHeightPx` is what the chart grows by so the plot keeps its height.
 */
export function legendLayout(names: readonly string[]): {
  legend: { [key: string]: JsonValue }
  gridTop: number
  extraHeightPx: number
} {
  const usable = LEGEND_LAYOUT_WIDTH_PX - 20
  let rows = 1
  let rowWidth = 0
  for (const name of names) {
    // Icon 25 px + 5 px to the text + 10 px to the next item; text estimated at 12 px:
    // 7 px for a Latin character, 12 px for a wide one (Hangul, CJK).
    let text = 0
    for (const char of name) text += (char.codePointAt(0) ?? 0) < 0x1100 ? 7 : 12
    const item = 25 + 5 + text + 10
    if (rowWidth > 0 && rowWidth + item > usable) {
      rows += 1
      rowWidth = 0
    }
    rowWidth += item
  }
  return {
    legend: {
      type: 'plain',
      top: LEGEND_TOP_PX,
      left: 'center',
      textStyle: { fontFamily: CHART_FONT_STACK },
    },
    gridTop: LEGEND_TOP_PX + rows * LEGEND_ROW_PX + 22,
    extraHeightPx: (rows - 1) * LEGEND_ROW_PX,
  }
}

/** The frame of a chart whose legend lists `legendNames` (every name shown, on as many rows as needed). */
export function baseOption(title: string, legendNames: readonly string[] = []): ChartOption {
  const layout = legendLayout(legendNames)
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
    legend: layout.legend,
    tooltip: { trigger: 'axis' },
    grid: { left: 70, right: 70, top: layout.gridTop, bottom: 56 },
  }
}

export function valueAxis(name: string): { [key: string]: JsonValue } {
  return {
    type: 'value',
    name,
    nameLocation: 'middle',
    nameGap: 48,
    nameTextStyle: { fontFamily: CHART_FONT_STACK },
  }
}

/** The right-hand axis: its ticks follow the left axis so the grid lines do not double. */
export function secondAxis(name: string): { [key: string]: JsonValue } {
  return { ...valueAxis(name), alignTicks: true }
}

export function timeAxis(name = 'time since start (s), by request end'): { [key: string]: JsonValue } {
  return { ...valueAxis(name), nameGap: 28, min: 0 }
}

export function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const key = keyOf(item)
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [item])
    else group.push(item)
  }
  return groups
}

export function orMissing(value: number | null): number | string {
  return value === null ? MISSING : round(value)
}

/** Three decimals: finer than any chart shows, and it keeps the inlined page small. */
export function round(value: number): number {
  return Math.round(value * 1000) / 1000
}

/** A chart whose legend lists `names`: every name shown, the chart taller by the extra rows. */
export function withLegend(
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
