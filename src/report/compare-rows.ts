// The cells of an A/B comparison, shared by the terminal, Markdown and HTML renderers so the
// three never disagree on a number or a word.
import type { CompareVerdict, Comparison, MetricComparison } from '../stats/compare.js'

export const VERDICT_TEXT: Record<CompareVerdict, string> = {
  better: 'better',
  worse: 'worse',
  no_difference: 'no detectable difference',
  cannot_compare: 'cannot compare (too few samples)',
}

export const COMPARE_HEADER = ['metric', 'A', 'B', 'B − A', '95% CI', 'change', 'verdict'] as const

function number(value: number | null, unit: string): string {
  if (value === null) return '—'
  const digits = unit === 'ms' ? 1 : 2
  return `${value.toFixed(digits)} ${unit}`
}

function signed(value: number | null, unit: string): string {
  if (value === null) return '—'
  return `${value >= 0 ? '+' : ''}${number(value, unit)}`
}

export function compareCells(metric: MetricComparison): string[] {
  const ci =
    metric.ciLow === null || metric.ciHigh === null
      ? '—'
      : `[${signed(metric.ciLow, '').trim()}, ${signed(metric.ciHigh, '').trim()}]`
  const change =
    metric.relative === null
      ? '—'
      : `${metric.relative >= 0 ? '+' : ''}${(metric.relative * 100).toFixed(1)}%`
  return [
    metric.label,
    number(metric.a, metric.unit),
    number(metric.b, metric.unit),
    signed(metric.diff, metric.unit),
    ci,
    change,
    VERDICT_TEXT[metric.verdict],
  ]
}

/** The lines above and below the table: refusal, warning, method. */
export function compareNotes(comparison: Comparison): { before: string[]; after: string[] } {
  const before: string[] = []
  if (comparison.refused !== null)
    before.push(`${comparison.refused}; not compared (use --force to compare anyway)`)
  if (comparison.warning !== null) before.push(`Warning: ${comparison.warning}; compared because of --force`)
  return { before, after: [`Method: ${comparison.blockNote}.`] }
}
