// One run's server-side summary over the client's measurement window. Pure: samples and the
// client's totals in, plain numbers out. With several sources (replicas behind LiteLLM) the
// counts (waiting, running, tokens) are summed over sources and fractions averaged; the max
// of a sum is taken as the sum of per-source maxima, an upper bound.
import type { MeanMax, ServerQuantiles, TelemetrySummary } from '../types.js'
import {
  counterConceptIncrease,
  detectSources,
  gaugePoints,
  histogramConceptIncrease,
} from './concept-readings.js'
import { estimateEnergy } from './energy.js'

export type { MeanMax, Point, ServerQuantiles, TelemetrySeries, TelemetrySummary } from '../types.js'

import type { Concept } from './metric-catalogue.js'
import { bracketWindow, type TelemetrySample } from './sample.js'
import { bucketQuantile, gaugeStats } from './series-math.js'

export interface ClientTotals {
  /** Σ output tokens of successful requests (the client's count). */
  outputTokens: number
  /** Σ input tokens of successful requests. */
  inputTokens: number
  okRequests: number
}

export interface SummarizeTelemetryInput {
  samples: readonly TelemetrySample[]
  windowStartMs: number
  windowEndMs: number
  client: ClientTotals
  /** From idleBaselineWatts() over samples taken before the load. */
  idleWatts?: number | null
}

function agreement(server: number | null, client: number): number | null {
  if (server === null) return null
  const high = Math.max(server, client)
  return high === 0 ? 100 : (100 * Math.min(server, client)) / high
}

function quantiles(
  samplesBySource: Map<string, TelemetrySample[]>,
  concept: Concept,
): ServerQuantiles | null {
  let count = 0
  let sum = 0
  const merged = new Map<number, number>()
  for (const samples of samplesBySource.values()) {
    const increase = histogramConceptIncrease(samples, concept)
    if (increase === null) continue
    count += increase.count
    sum += increase.sum
    for (const bucket of increase.buckets) merged.set(bucket.le, (merged.get(bucket.le) ?? 0) + bucket.count)
  }
  if (merged.size === 0) return null
  const buckets = [...merged.entries()].sort((a, b) => a[0] - b[0]).map(([le, n]) => ({ le, count: n }))
  const ms = (q: number) => {
    const seconds = bucketQuantile(q, buckets)
    return seconds === null ? null : seconds * 1000
  }
  return { count, p50: ms(0.5), p90: ms(0.9), p99: ms(0.99), meanMs: count > 0 ? (sum / count) * 1000 : null }
}

function describeFailures(samplesBySource: Map<string, TelemetrySample[]>): string[] {
  const notes: string[] = []
  for (const [source, samples] of samplesBySource) {
    const failed = samples.filter((s) => !s.ok)
    if (failed.length > 0) {
      const reasons = [...new Set(failed.map((s) => s.error))].slice(0, 3).join('; ')
      notes.push(`${source}: ${failed.length} of ${samples.length} scrapes failed (${reasons})`)
    }
    const lineProblems = [...new Set(samples.flatMap((s) => s.problems))].slice(0, 5)
    for (const problem of lineProblems) notes.push(`${source}: ${problem}`)
  }
  return notes
}

export function summarizeTelemetry(input: SummarizeTelemetryInput): TelemetrySummary {
  const { windowStartMs, windowEndMs, client } = input
  const bySource = new Map<string, TelemetrySample[]>()
  for (const sample of input.samples) {
    const list = bySource.get(sample.source) ?? []
    list.push(sample)
    bySource.set(sample.source, list)
  }
  for (const [source, samples] of bySource)
    bySource.set(source, bracketWindow(samples, windowStartMs, windowEndMs))
  const all = [...bySource.values()].flat()
  const problems = describeFailures(bySource)
  const recognised = detectSources(all.filter((s) => s.ok))

  const gaugeOf = (concept: Concept, combine: 'sum' | 'mean') => {
    const perSource = [...bySource.values()].map((samples) =>
      gaugeStats(gaugePoints(samples, concept).map((p) => p.value)),
    )
    const present = perSource.filter((stats): stats is MeanMax => stats !== null)
    if (present.length === 0) return null
    const mean = present.reduce((s, x) => s + x.mean, 0)
    const max = present.reduce((s, x) => s + x.max, 0)
    return combine === 'sum'
      ? { mean, max }
      : { mean: mean / present.length, max: Math.max(...present.map((x) => x.max)) }
  }
  const counterOf = (concept: Concept) => {
    const parts = [...bySource.values()].map((samples) => counterConceptIncrease(samples, concept))
    const present = parts.filter((x): x is number => x !== null)
    return present.length === 0 ? null : present.reduce((s, x) => s + x, 0)
  }
  const pointsOf = (concept: Concept) =>
    [...bySource.values()].flatMap((samples) => gaugePoints(samples, concept)).sort((a, b) => a.atMs - b.atMs)

  const hits = counterOf('prefix_cache_hits')
  const queries = counterOf('prefix_cache_queries')
  const hitRateGauge = gaugeOf('prefix_cache_hit_rate', 'mean')
  const prefixCacheHitRate =
    hits !== null && queries !== null && queries > 0 ? hits / queries : (hitRateGauge?.mean ?? null)
  const generation = counterOf('generation_tokens')
  const prompt = counterOf('prompt_tokens')
  const energy = estimateEnergy(bySource, windowStartMs, windowEndMs, input.idleWatts ?? null)
  const joules = energy.joules

  const available = recognised.length > 0
  let reason: string | null = null
  if (!available) {
    const okSeries = all.filter((s) => s.ok).reduce((n, s) => n + s.series.length + s.histograms.length, 0)
    if (bySource.size === 0) reason = 'no metrics endpoint was scraped'
    else if (okSeries > 0)
      reason = `the metrics endpoint answered ${okSeries} series but none of a known engine or GPU exporter`
    else reason = problems[0] ?? 'no sample was taken'
  }

  return {
    available,
    reason,
    recognised,
    windowMs: windowEndMs - windowStartMs,
    waiting: gaugeOf('waiting', 'sum'),
    running: gaugeOf('running', 'sum'),
    kvCacheUsage: gaugeOf('kv_cache_usage', 'mean'),
    prefixCacheHitRate,
    serverGenerationTokens: generation,
    serverPromptTokens: prompt,
    generationAgreementPercent: agreement(generation, client.outputTokens),
    promptAgreementPercent: agreement(prompt, client.inputTokens),
    serverTtft: quantiles(bySource, 'ttft_seconds'),
    serverE2e: quantiles(bySource, 'e2e_seconds'),
    serverQueue: quantiles(bySource, 'queue_seconds'),
    gpuUtilPercent: gaugeOf('gpu_util_percent', 'mean'),
    gpuPowerWatts: gaugeOf('gpu_power_watts', 'sum'),
    energy,
    tokensPerJoule: joules !== null && joules > 0 ? client.outputTokens / joules : null,
    joulesPerRequest: joules !== null && client.okRequests > 0 ? joules / client.okRequests : null,
    averagePowerWatts: energy.averageWatts,
    problems,
    series: {
      waiting: pointsOf('waiting'),
      running: pointsOf('running'),
      kvCacheUsage: pointsOf('kv_cache_usage'),
      gpuUtilPercent: pointsOf('gpu_util_percent'),
      gpuPowerWatts: pointsOf('gpu_power_watts'),
    },
  }
}
