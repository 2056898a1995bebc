// Comparing runs, shared by the Markdown and HTML reports: which runs form a group (same
// workload, model or target), the columns a comparison shows, and which value is "best".

import type { Distribution, Summary } from '../types.js'
import { type BadTail, type DistributionMetric, formatFixed, type ValueMetric } from './metric-catalogue.js'

export type GroupKey = 'workload' | 'model' | 'target'

/** `lead` first, then the others in the usual order. */
export function groupOrder(lead: GroupKey = 'workload'): GroupKey[] {
  return [lead, ...(['workload', 'model', 'target'] as const).filter((key) => key !== lead)]
}

/** The runs that share a value of `dimension`, for values with two or more runs, first seen first. */
export function comparedGroups(
  summaries: readonly Summary[],
  dimension: GroupKey,
): Array<{ key: string; runs: Summary[] }> {
  const groups = new Map<string, Summary[]>()
  for (const s of summaries) groups.set(s[dimension], [...(groups.get(s[dimension]) ?? []), s])
  return [...groups].filter(([, runs]) => runs.length > 1).map(([key, runs]) => ({ key, runs }))
}

/** What a run is called inside a group: the dimensions the group does not share. */
export function groupLabel(summary: Summary, dimension: GroupKey): string {
  if (dimension === 'workload') return `${summary.model} @ ${summary.target}`
  if (dimension === 'model') return `${summary.target} · ${summary.workload}`
  return `${summary.model} · ${summary.workload}`
}

export interface CompareColumn {
  header: string
  value(summary: Summary): number | null
  decimals: number
  /** The bad tail: the best value is the lowest when it is 'high'. */
  badTail: BadTail
  suffix?: string
}

/** A column of one statistic of a distribution metric, scaled for display. */
export function statColumn(
  metric: DistributionMetric,
  header: string,
  stat: (d: Distribution) => number,
): CompareColumn {
  return {
    header,
    decimals: metric.decimals,
    badTail: metric.badTail,
    value: (s) => {
      const d = metric.pick(s)
      return d === null ? null : stat(d) / metric.scale
    },
  }
}

export function valueColumn(metric: ValueMetric, header = metric.label): CompareColumn {
  const column: CompareColumn = {
    header,
    decimals: metric.decimals,
    badTail: metric.badTail,
    value: metric.value,
  }
  if (metric.unit === '%') column.suffix = '%'
  return column
}

/**
 * Which values of a column are best: compared as shown (rounded to the column's decimals),
 * ties all best, and none when every shown value is the same (nothing stands out).
 */
export function bestMarks(values: ReadonlyArray<number | null>, column: CompareColumn): boolean[] {
  const rounded = values.map((v) =>
    v === null || !Number.isFinite(v) ? null : Number(v.toFixed(column.decimals)),
  )
  const present = rounded.filter((v): v is number => v !== null)
  const best = column.badTail === 'high' ? Math.min(...present) : Math.max(...present)
  const differ = present.some((v) => v !== best)
  return rounded.map((v) => differ && v === best)
}

/** A value as a comparison shows it, or undefined for no value. */
export function shownValue(value: number | null, column: CompareColumn): string | undefined {
  if (value === null || !Number.isFinite(value)) return undefined
  return `${formatFixed(Number(value.toFixed(column.decimals)), column.decimals)}${column.suffix ?? ''}`
}
