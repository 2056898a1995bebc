// The raw telemetry file, `<run>.server-metrics.jsonl` beside the raw records: one JSON
// object per sample, appended as it is taken. JSON has no Infinity, so a bucket bound is
// written as Prometheus writes it (`"+Inf"`), and read back the same way.
import { createWriteStream } from 'node:fs'
import { maskUrl } from '../http/mask.js'
import { parseNumber } from './prom-text.js'
import type { TelemetrySample } from './sample.js'

/** One sample as a JSONL line (newline included); field names carry units like the raw records. */
export function sampleToJsonLine(sample: TelemetrySample): string {
  // The source is an endpoint URL, which may carry credentials (userinfo, a key in the
  // query): the file keeps it masked, like every other file a run writes.
  const masked = sample.source.includes('://') ? maskUrl(sample.source) : sample.source
  const mask = (text: string) => text.split(sample.source).join(masked)
  return `${JSON.stringify({
    source: masked,
    at_ms: Math.round(sample.atMs * 1000) / 1000,
    duration_ms: Math.round(sample.durationMs * 1000) / 1000,
    ok: sample.ok,
    error: sample.error === null ? null : mask(sample.error),
    series: sample.series,
    histograms: sample.histograms.map((h) => ({
      ...h,
      buckets: h.buckets.map((b) => ({
        le: b.le === Number.POSITIVE_INFINITY ? '+Inf' : String(b.le),
        count: b.count,
      })),
    })),
    problems: sample.problems.map(mask),
  })}\n`
}

interface SampleLine {
  source: string
  at_ms: number
  duration_ms: number
  ok: boolean
  error: string | null
  series: TelemetrySample['series']
  histograms: {
    name: string
    labels: Record<string, string>
    buckets: { le: string; count: number }[]
    count: number
    sum: number
  }[]
  problems: string[]
}

/** Reads one line written by sampleToJsonLine back into a sample. */
export function sampleFromJsonLine(line: string): TelemetrySample {
  const raw = JSON.parse(line) as SampleLine
  return {
    source: raw.source,
    atMs: raw.at_ms,
    durationMs: raw.duration_ms,
    ok: raw.ok,
    error: raw.error,
    series: raw.series,
    histograms: raw.histograms.map((h) => ({
      ...h,
      buckets: h.buckets.map((b) => ({ le: parseNumber(b.le), count: b.count })),
    })),
    problems: raw.problems,
  }
}

export interface ServerMetricsWriter {
  write(sample: TelemetrySample): void
  /** Flushes and closes the file. */
  close(): Promise<void>
}

/** Appends samples to `path` as they come (pass `write` as the scraper's onSample). */
export function createServerMetricsWriter(path: string): ServerMetricsWriter {
  const stream = createWriteStream(path, { flags: 'a' })
  let failure: Error | null = null
  // A full disk must not stop the run; close() reports it.
  stream.on('error', (error) => {
    failure = error
  })
  return {
    write(sample) {
      if (failure === null) stream.write(sampleToJsonLine(sample))
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        stream.end(() => (failure === null ? resolve() : reject(failure)))
      })
    },
  }
}
