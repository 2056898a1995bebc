// The server side of a run as a lifecycle hook: before the load it picks the endpoints
// (the target's own /metrics only when it answers), starts scraping and sampling into
// `<run>.server-metrics.jsonl`, and takes the idle baseline; the window opens after the
// warm-up and closes after the last record; the summary and meta get the server section
// and the pointer to the file. Nothing here fails a run: an endpoint that never answers
// becomes a line in the report.
import { basename } from 'node:path'
import { maskUrl } from '../http/mask.js'
import { SMI_SOURCE } from '../telemetry/gpu-sampler.js'
import { startScraper } from '../telemetry/scraper.js'
import { clientTotalsOf, serverMetricsPathOf, summarizeServerSide } from '../telemetry/server-side.js'
import {
  defaultMetricsUrl,
  startTelemetrySession,
  type TelemetrySession,
} from '../telemetry/telemetry-session.js'
import type { ServerMetricsPointer, Target } from '../types.js'
import type { RunHook } from './run-hooks.js'

export interface TelemetryHookOptions {
  /**
   * Endpoints to scrape: 'off', or URLs where the word 'auto' stands for the target's own
   * /metrics (kept only when it answers). The target's metrics_urls are added unless off.
   */
  serverMetrics: 'off' | readonly string[]
  /** 'off', 'local' (nvidia-smi here) or a DCGM exporter URL; default: the target's `gpu`, else off. */
  gpu?: string
  /** GPU indices serving the model; default: the target's `gpus`, else all. */
  gpus?: readonly number[]
  intervalMs: number
  /** Power sampled before the load, 0 for none. */
  idleBaselineMs: number
  /** Bound on one scrape; default the scraper's (2 s). */
  timeoutMs?: number
  /** nvidia-smi executable (a stand-in in tests). */
  smiCommand?: string
}

/** The sampler's clock: epoch ms at performance.now()'s resolution, monotonic within a run. */
const epochClock = () => performance.timeOrigin + performance.now()

interface Endpoints {
  urls: string[]
  localGpu: boolean
  notes: string[]
}

/** Which endpoints this run scrapes; the target's own /metrics is tried once first. */
async function chooseEndpoints(options: TelemetryHookOptions, target: Target): Promise<Endpoints> {
  const gpu = options.gpu ?? target.gpu ?? 'off'
  const notes: string[] = []
  const urls: string[] = []
  if (options.serverMetrics !== 'off') {
    for (const url of options.serverMetrics) {
      if (url !== 'auto') urls.push(url)
      else if (target.baseUrl !== '') {
        const own = defaultMetricsUrl(target.baseUrl)
        const probe = startScraper({ urls: [own], intervalMs: 0, clock: epochClock, timeoutMs: 2_000 })
        const [sample] = await probe.scrapeNow()
        await probe.stop()
        if (sample?.ok) urls.push(own)
        else
          notes.push(
            `${maskUrl(own)}: ${sample?.error ?? 'no answer'}; the target serves no Prometheus metrics there (give --server-metrics URL where it does)`,
          )
      }
    }
    urls.push(...(target.metricsUrls ?? []))
  }
  if (gpu !== 'off' && gpu !== 'local') urls.push(gpu)
  return { urls: [...new Set(urls)], localGpu: gpu === 'local', notes }
}

export function createTelemetryHook(options: TelemetryHookOptions): RunHook {
  let session: TelemetrySession | null = null
  let pointer: ServerMetricsPointer | null = null
  let runStartAtMs: number | null = null
  return {
    name: 'telemetry',
    async beforeLoad(ctx) {
      const endpoints = await chooseEndpoints(options, ctx.plan.target)
      const gpus = options.gpus ?? ctx.plan.target.gpus ?? null
      const sources = [
        ...endpoints.urls.map((url) => maskUrl(url)),
        ...(endpoints.localGpu ? [SMI_SOURCE] : []),
      ]
      const nothing = endpoints.urls.length === 0 && !endpoints.localGpu
      const off =
        nothing && options.serverMetrics === 'off'
          ? 'server metrics and GPU sampling are off (--server-metrics off, --gpu off)'
          : null
      const rawPath = serverMetricsPathOf(ctx.paths.raw)
      pointer = {
        file: nothing ? null : basename(rawPath),
        off,
        sources,
        intervalMs: options.intervalMs,
        runStartAtMs: null,
        windowStartAtMs: null,
        windowEndAtMs: null,
        idleWatts: null,
        gpus: gpus === null ? null : [...gpus],
        notes: endpoints.notes,
      }
      if (nothing) return
      session = await startTelemetrySession({
        metricsUrls: endpoints.urls,
        localGpu: endpoints.localGpu,
        intervalMs: options.intervalMs,
        clock: epochClock,
        rawPath,
        ...(gpus === null ? {} : { gpus }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.smiCommand === undefined ? {} : { smiCommand: options.smiCommand }),
      })
      if (options.idleBaselineMs > 0) {
        const idleWatts = await session.measureIdle(options.idleBaselineMs)
        if (idleWatts === null) pointer.notes.push('Idle baseline: no GPU power series was sampled')
      }
    },
    async windowStart() {
      await session?.windowStart()
      runStartAtMs = epochClock()
    },
    async afterLoad(ctx) {
      if (pointer === null) return
      if (session !== null) {
        await session.windowEnd()
        const samples = await session.stop()
        const facts = session.describe()
        pointer = {
          ...pointer,
          runStartAtMs,
          windowStartAtMs: facts.windowStartMs,
          windowEndAtMs: facts.windowEndMs,
          idleWatts: facts.idleWatts,
          notes: [...pointer.notes, ...facts.problems],
        }
        ctx.summary.server = summarizeServerSide(samples, pointer, clientTotalsOf(ctx.summary))
      } else {
        ctx.summary.server = summarizeServerSide([], pointer, clientTotalsOf(ctx.summary))
      }
      ctx.meta.serverMetrics = pointer
    },
    async close() {
      await session?.stop()
    },
  }
}
