// One run's telemetry in one object, so the run lifecycle needs four calls: start it before
// the load, windowStart()/windowEnd() around the measurement window (the edge scrapes),
// stop(), then summarize(). Every sample is appended to the raw server-metrics file as it
// is taken. Nothing here throws on a bad endpoint or a missing nvidia-smi: they end up in
// the summary's problems.
import { idleBaselineWatts } from './energy.js'
import { type GpuSampler, startGpuSampler } from './gpu-sampler.js'
import type { TelemetrySample } from './sample.js'
import { type Scraper, startScraper } from './scraper.js'
import { createServerMetricsWriter, type ServerMetricsWriter } from './server-metrics-file.js'
import { type ClientTotals, summarizeTelemetry, type TelemetrySummary } from './telemetry-summary.js'

export interface TelemetrySessionOptions {
  /** Engine /metrics URLs and DCGM exporter URLs (all scraped alike); may be empty. */
  metricsUrls: readonly string[]
  /** Sample local GPUs with nvidia-smi. */
  localGpu: boolean
  /** GPU indices serving the model (local sampler); all when absent. */
  gpus?: readonly number[]
  intervalMs: number
  clock: () => number
  /** `<run>.server-metrics.jsonl`; no file when absent. */
  rawPath?: string
  timeoutMs?: number
  /** nvidia-smi executable (a stand-in in tests). */
  smiCommand?: string
}

export interface TelemetrySession {
  /** Samples GPU power for durationMs before the load; returns the idle watts (null: no power series). */
  measureIdle(durationMs: number): Promise<number | null>
  /** The scrape just before the measurement window; call right before the first request. */
  windowStart(): Promise<void>
  /** The scrape just after it; call right after the window closes. */
  windowEnd(): Promise<void>
  /** Stops scraping and sampling and closes the raw file. */
  stop(): Promise<TelemetrySample[]>
  summarize(client: ClientTotals): TelemetrySummary
  /** The window's edges and idle power on the session's clock, and the GPU sampler's problems. */
  describe(): SessionFacts
}

export interface SessionFacts {
  windowStartMs: number | null
  windowEndMs: number | null
  idleWatts: number | null
  problems: string[]
}

/** The conventional /metrics URL of an OpenAI-compatible base URL (…/v1 → …/metrics). */
export function defaultMetricsUrl(baseUrl: string): string {
  const url = new URL(baseUrl)
  url.pathname = `${url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '')}/metrics`
  return url.toString()
}

export async function startTelemetrySession(options: TelemetrySessionOptions): Promise<TelemetrySession> {
  const writer: ServerMetricsWriter | null = options.rawPath
    ? createServerMetricsWriter(options.rawPath)
    : null
  const samples: TelemetrySample[] = []
  const onSample = (sample: TelemetrySample) => {
    samples.push(sample)
    writer?.write(sample)
  }
  const scraper: Scraper | null =
    options.metricsUrls.length === 0
      ? null
      : startScraper({
          urls: options.metricsUrls,
          intervalMs: options.intervalMs,
          clock: options.clock,
          onSample,
          ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        })
  const gpu: GpuSampler | null = options.localGpu
    ? await startGpuSampler({
        intervalMs: options.intervalMs,
        clock: options.clock,
        onSample,
        ...(options.gpus === undefined ? {} : { gpus: options.gpus }),
        ...(options.smiCommand === undefined ? {} : { command: options.smiCommand }),
      })
    : null
  let windowStartMs: number | null = null
  let windowEndMs: number | null = null
  let idleWatts: number | null = null
  let stopped: Promise<TelemetrySample[]> | null = null

  return {
    async measureIdle(durationMs) {
      const fromMs = options.clock()
      await new Promise((resolve) => setTimeout(resolve, durationMs))
      await scraper?.scrapeNow()
      idleWatts = idleBaselineWatts(samples.filter((s) => s.atMs >= fromMs))
      return idleWatts
    },
    async windowStart() {
      await scraper?.scrapeNow()
      windowStartMs = options.clock()
    },
    async windowEnd() {
      windowEndMs = options.clock()
      await scraper?.scrapeNow()
    },
    stop() {
      stopped ??= (async () => {
        await scraper?.stop()
        await gpu?.stop()
        await writer?.close()
        return [...samples]
      })()
      return stopped
    },
    describe() {
      const problems = (gpu?.problems() ?? []).map((problem) => `nvidia-smi: ${problem}`)
      return { windowStartMs, windowEndMs, idleWatts, problems }
    },
    summarize(client) {
      const sorted = [...samples].sort((a, b) => a.atMs - b.atMs)
      const summary = summarizeTelemetry({
        samples: sorted,
        windowStartMs: windowStartMs ?? sorted[0]?.atMs ?? 0,
        windowEndMs: windowEndMs ?? sorted.at(-1)?.atMs ?? 0,
        client,
        idleWatts,
      })
      // The GPU sampler's own problems (no nvidia-smi, unknown GPU index) belong to the summary.
      for (const problem of gpu?.problems() ?? []) {
        const line = `nvidia-smi: ${problem}`
        if (!summary.problems.includes(line)) summary.problems.push(line)
      }
      if (!summary.available && options.metricsUrls.length === 0 && !options.localGpu) {
        summary.reason = 'server metrics and GPU sampling are off'
      }
      return summary
    },
  }
}
