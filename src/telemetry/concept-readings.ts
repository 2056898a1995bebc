// Reads samples by concept: gauges as one value per sample (summed over series, or averaged
// for fractions), counters as reset-aware increases per series summed over series, and
// histograms as bucket increases merged over series. Only successful samples count.
import type { Point } from '../types.js'
import { type Concept, catalogueEntry } from './metric-catalogue.js'
import { seriesKey } from './prom-text.js'
import type { TelemetrySample } from './sample.js'
import { type Buckets, counterIncrease, histogramIncrease } from './series-math.js'

export type { Point } from '../types.js'

/** Fractions and rates are averaged over series (GPUs, models); counts and watts are summed. */
const AVERAGED: ReadonlySet<Concept> = new Set([
  'kv_cache_usage',
  'prefix_cache_hit_rate',
  'gpu_util_percent',
  'gpu_temp_c',
  'gpu_sm_clock_mhz',
])

/** One value per sample of one source, for a gauge concept. */
export function gaugePoints(samples: readonly TelemetrySample[], concept: Concept): Point[] {
  const points: Point[] = []
  for (const sample of samples) {
    if (!sample.ok) continue
    let sum = 0
    let n = 0
    for (const series of sample.series) {
      const entry = catalogueEntry(series.name)
      if (entry?.concept !== concept || entry.reading !== 'gauge') continue
      sum += series.value * (entry.scale ?? 1)
      n += 1
    }
    if (n > 0) points.push({ atMs: sample.atMs, value: AVERAGED.has(concept) ? sum / n : sum })
  }
  return points
}

/** Increase of a counter concept over the samples (one source, in time order); null if unseen. */
export function counterConceptIncrease(samples: readonly TelemetrySample[], concept: Concept): number | null {
  const bySeries = new Map<string, { values: number[]; scale: number }>()
  for (const sample of samples) {
    if (!sample.ok) continue
    for (const series of sample.series) {
      const entry = catalogueEntry(series.name)
      if (entry?.concept !== concept || entry.reading !== 'counter') continue
      const key = seriesKey(series.name, series.labels)
      const slot = bySeries.get(key) ?? { values: [], scale: entry.scale ?? 1 }
      slot.values.push(series.value)
      bySeries.set(key, slot)
    }
    for (const histogram of sample.histograms) {
      const entry = catalogueEntry(histogram.name)
      if (entry?.concept !== concept || entry.reading !== 'histogram_sum') continue
      const key = seriesKey(`${histogram.name}_sum`, histogram.labels)
      const slot = bySeries.get(key) ?? { values: [], scale: entry.scale ?? 1 }
      slot.values.push(histogram.sum)
      bySeries.set(key, slot)
    }
  }
  if (bySeries.size === 0) return null
  let total = 0
  for (const { values, scale } of bySeries.values()) total += counterIncrease(values) * scale
  return total
}

/** Bucket increases of a histogram concept, merged over its series (same bounds are added). */
export function histogramConceptIncrease(
  samples: readonly TelemetrySample[],
  concept: Concept,
): Buckets | null {
  const bySeries = new Map<string, Buckets[]>()
  for (const sample of samples) {
    if (!sample.ok) continue
    for (const histogram of sample.histograms) {
      const entry = catalogueEntry(histogram.name)
      if (entry?.concept !== concept || entry.reading !== 'histogram') continue
      const key = seriesKey(histogram.name, histogram.labels)
      const list = bySeries.get(key) ?? []
      list.push(histogram)
      bySeries.set(key, list)
    }
  }
  let merged: Buckets | null = null
  for (const readings of bySeries.values()) {
    const increase = histogramIncrease(readings)
    if (increase === null) continue
    if (merged === null) {
      merged = increase
      continue
    }
    merged.count += increase.count
    merged.sum += increase.sum
    for (const bucket of increase.buckets) {
      const same = merged.buckets.find((b) => b.le === bucket.le)
      if (same) same.count += bucket.count
      else merged.buckets.push({ ...bucket })
    }
    merged.buckets.sort((a, b) => a.le - b.le)
  }
  return merged
}

/** The engines and exporters whose metric names appear in the samples. */
export function detectSources(samples: readonly TelemetrySample[]): string[] {
  const found = new Set<string>()
  for (const sample of samples) {
    for (const series of sample.series) {
      const entry = catalogueEntry(series.name)
      if (entry) found.add(entry.source)
    }
    for (const histogram of sample.histograms) {
      const entry = catalogueEntry(histogram.name)
      if (entry) found.add(entry.source)
    }
  }
  return [...found].sort()
}
