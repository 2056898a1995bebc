// Typed layer over parse-prometheus-text-format (the maintained parser of the text format).
// The library is lenient in odd ways (a broken sample line may come back with an empty
// value, or throw for the whole body), so every sample line is checked first: a malformed
// line is dropped and named in `problems`, and the rest of the body still counts.
// The reference brings the library's types along wherever this file is compiled from (the
// package's declaration build starts at src/index.ts and would not see the .d.ts otherwise).
/// <reference path="./parse-prometheus-text-format.d.ts" />
import parsePrometheusTextFormat from 'parse-prometheus-text-format'

export type SeriesKind = 'counter' | 'gauge' | 'untyped' | 'summary'

/** One scalar sample: a counter, gauge or untyped value (or a summary quantile). */
export interface PromSeries {
  name: string
  kind: SeriesKind
  labels: Record<string, string>
  value: number
}

/** Cumulative histogram buckets, `le` ascending, the last one +Inf. */
export interface PromHistogram {
  name: string
  labels: Record<string, string>
  buckets: { le: number; count: number }[]
  count: number
  sum: number
}

export interface Exposition {
  series: PromSeries[]
  histograms: PromHistogram[]
  /** Lines dropped and why; empty for a clean body. */
  problems: string[]
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const VALUE = '[-+]?(?:[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?|Inf|inf|NaN|nan)'
// name, optional {labels} (quoted values may hold any escaped text), value, optional timestamp.
const SAMPLE_LINE = new RegExp(
  `^${NAME}(?:\\{(?:[^"}]|"(?:[^"\\\\]|\\\\.)*")*\\})?\\s+${VALUE}(?:\\s+-?[0-9]+)?\\s*$`,
)
const MAX_PROBLEMS = 20

export function parseNumber(text: string): number {
  const lower = text.toLowerCase()
  if (lower === '+inf' || lower === 'inf') return Number.POSITIVE_INFINITY
  if (lower === '-inf') return Number.NEGATIVE_INFINITY
  return Number(text)
}

function cleanBody(text: string, problems: string[]): string {
  const kept: string[] = []
  const lines = text.split('\n')
  lines.forEach((line, index) => {
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#') || SAMPLE_LINE.test(trimmed)) {
      kept.push(line)
      return
    }
    if (problems.length < MAX_PROBLEMS)
      problems.push(`line ${index + 1}: not a Prometheus sample: ${trimmed.slice(0, 80)}`)
  })
  return kept.join('\n')
}

/**
 * Parses a /metrics body. Never throws: what cannot be read is reported in `problems`.
 *
 * Histogram and summary TYPE lines are withheld from the library: it folds every labelled
 * histogram of a family into one unlabelled set of buckets (losing `model_name`, `_count` and
 * `_sum`), so their `_bucket`/`_count`/`_sum` lines come back as untyped families with full
 * labels and are regrouped here.
 */
export function parseExposition(text: string): Exposition {
  const problems: string[] = []
  const grouped = new Map<string, 'histogram' | 'summary'>()
  const withheld = cleanBody(text, problems)
    .split('\n')
    .filter((line) => {
      const match = /^#\s*TYPE\s+(\S+)\s+(histogram|summary)\s*$/.exec(line.trim())
      if (match === null) return true
      grouped.set(match[1] as string, match[2] as 'histogram' | 'summary')
      return false
    })
    .join('\n')
  const exposition: Exposition = { series: [], histograms: [], problems }
  let families: ReturnType<typeof parsePrometheusTextFormat>
  try {
    families = parsePrometheusTextFormat(withheld)
  } catch (error) {
    problems.push(`unparseable body: ${(error as Error).message}`)
    return exposition
  }
  const histograms = new Map<string, PromHistogram>()
  const histogramOf = (name: string, labels: Record<string, string>): PromHistogram => {
    const key = seriesKey(name, labels)
    let histogram = histograms.get(key)
    if (histogram === undefined) {
      histogram = { name, labels, buckets: [], count: Number.NaN, sum: Number.NaN }
      histograms.set(key, histogram)
    }
    return histogram
  }
  for (const family of families) {
    const base = family.name.replace(/_(bucket|count|sum)$/, '')
    const suffix = family.name.slice(base.length)
    const groupKind = grouped.get(base)
    for (const metric of family.metrics) {
      const labels = metric.labels ?? {}
      const value = parseNumber(metric.value ?? '')
      if (
        metric.value === undefined ||
        metric.value === '' ||
        (Number.isNaN(value) && metric.value.toLowerCase() !== 'nan')
      ) {
        problems.push(`${family.name}: no value`)
        continue
      }
      if (groupKind === 'histogram' && suffix !== '') {
        const { le, ...rest } = labels
        const histogram = histogramOf(base, suffix === '_bucket' ? rest : labels)
        if (suffix === '_bucket' && le !== undefined)
          histogram.buckets.push({ le: parseNumber(le), count: value })
        else if (suffix === '_count') histogram.count = value
        else if (suffix === '_sum') histogram.sum = value
        continue
      }
      const kind: SeriesKind =
        groupKind === 'summary'
          ? 'summary'
          : family.type === 'COUNTER'
            ? 'counter'
            : family.type === 'GAUGE'
              ? 'gauge'
              : 'untyped'
      exposition.series.push({ name: family.name, kind, labels, value })
    }
  }
  for (const histogram of histograms.values()) {
    histogram.buckets.sort((a, b) => a.le - b.le)
    exposition.histograms.push(histogram)
  }
  return exposition
}

/** Stable identity of a labelled series, for matching the same series across scrapes. */
export function seriesKey(name: string, labels: Record<string, string>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((key) => `${key}=${JSON.stringify(labels[key])}`)
  return `${name}{${parts.join(',')}}`
}
