// The shared frame of every chart: plain JSON echarts options (no functions inside), fixed
// font and no animation so exported images are reproducible, and the axis builders.

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }
export type ChartOption = { [key: string]: JsonValue }

/**
 * The PNG export draws every text with one fixed font file (DejaVu Sans, else Liberation
 * Sans); the browser takes the first of these it has. Titles stay at normal weight because
 * only the regular face is loaded for the export.
 */
export const CHART_FONT_STACK = 'DejaVu Sans, Liberation Sans, Arial, sans-serif'

/** echarts' marker for a missing value: the line breaks there instead of dropping to 0. */
export const MISSING = '-'

export function baseOption(title: string): ChartOption {
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
    grid: { left: 70, right: 70, top: 80, bottom: 56 },
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

export function timeAxis(): { [key: string]: JsonValue } {
  return { ...valueAxis('time since start (s), by request end'), nameGap: 28, min: 0 }
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
