// Comparing runs, shared by the Markdown and HTML reports: which runs form a group (same
// workload, model or target), the columns a comparison shows, and which value is "best".

import type { Distribution, Summary } from '../types.js'
import { type BadTail, type DistributionMetric, formatFixed, type ValueMetric } from './metric-catalogue.js'
import { isIncomplete } from './run-names.js'

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
  const mark = isIncomplete(summary) ? ' (incomplete)' : ''
  if (dimension === 'workload') return `${summary.model} @ ${summary.target}${mark}`
  if (dimension === 'model') return `${summary.target} · ${summary.workload}${mark}`
  return `${summary.model} · ${summary.workload}${mark}`
}

/**
 * A run whose failures are above this share of ok + failed, or whose aborted and never-sent
 * requests are above this share of all its requests, is never marked best: its latency
 * covers only what got through (an overloaded run can look fast).
 */
export const BEST_MAX_LOSS_SHARE = 0.05

/** Whether a run may be marked best: complete, at least one success, losses within the share. */
export function canBeBest(summary: Summary): boolean {
  const r = summary.requests
  if (isIncomplete(summary) || r.ok === 0) return false
  const failureShare = r.failed / (r.ok + r.failed)
  const unfinishedShare = r.total === 0 ? 0 : (r.aborted + r.notSent) / r.total
  return failureShare <= BEST_MAX_LOSS_SHARE && unfinishedShare <= BEST_MAX_LOSS_SHARE
}

/** The rule the reports print under their comparison tables. */
export const BEST_RULE =
  'Bold: the best value of its column (lowest latency, highest throughput and success), ' +
  'only among complete runs of the same workload whose failures stay within ' +
  `${BEST_MAX_LOSS_SHARE * 100}% of ok + failed and whose aborted and unsent requests stay within ` +
  `${BEST_MAX_LOSS_SHARE * 100}% of all requests.`

/**
 * Which runs of a comparison hold the best value of a column: compared only with runs of
 * the same workload (a different workload is a different question), and only among runs
 * that canBeBest. An incomplete or lossy run is never marked.
 */
export function bestRuns(runs: readonly Summary[], column: CompareColumn): boolean[] {
  const marks = runs.map(() => false)
  const byWorkload = new Map<string, number[]>()
  runs.forEach((s, i) => {
    if (canBeBest(s)) byWorkload.set(s.workload, [...(byWorkload.get(s.workload) ?? []), i])
  })
  for (const indexes of byWorkload.values()) {
    if (indexes.length < 2) continue
    const best = bestMarks(
      indexes.map((i) => column.value(runs[i] as Summary)),
      column,
    )
    indexes.forEach((runIndex, k) => {
      if (best[k] === true) marks[runIndex] = true
    })
  }
  return marks
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
