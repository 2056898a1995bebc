import type { PromHistogram, PromSeries } from './prom-text.js'

/**
 * What one source (a /metrics URL, or the local GPU sampler) said at one moment. `atMs` is the
 * client's clock (the run's performance.now() offsets) when the answer was read, so server
 * samples line up with request records.
 */
export interface TelemetrySample {
  /** The scraped URL, or `nvidia-smi` for the local GPU sampler. */
  source: string
  atMs: number
  /** Time the scrape took (request sent → body read); 0 for nvidia-smi lines. */
  durationMs: number
  ok: boolean
  /** Why the sample holds nothing (timeout, refused, not Prometheus…); null when ok. */
  error: string | null
  series: PromSeries[]
  histograms: PromHistogram[]
  /** Lines or GPUs that were dropped and why. */
  problems: string[]
}

/**
 * The samples that cover a window: the last one at or before its start (the scrape taken
 * just before the window), every one inside, and the first at or after its end.
 */
export function bracketWindow<T extends { atMs: number }>(
  samples: readonly T[],
  startMs: number,
  endMs: number,
): T[] {
  const sorted = [...samples].sort((a, b) => a.atMs - b.atMs)
  let first = sorted.findLastIndex((sample) => sample.atMs <= startMs)
  if (first < 0) first = 0
  let last = sorted.findIndex((sample) => sample.atMs >= endMs)
  if (last < 0) last = sorted.length - 1
  return sorted.slice(first, last + 1)
}
