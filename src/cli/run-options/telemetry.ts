// `run` flags of the server side (issue 14): --server-metrics, --metrics-interval, --gpu,
// --gpus, --idle-baseline, --prometheus-port, --pushgateway. They become two lifecycle
// hooks: telemetry (scrape, sample, summarize into the server section) and live metrics
// (serve and push Run Bench's own counters).
import type { Command, OptionValues } from '@commander-js/extra-typings'
import { UsageError } from '../../errors.js'
import type { Io } from '../io.js'
import type { RunExtension } from '../run-extension.js'

export interface TelemetryFlags {
  serverMetrics?: string
  metricsInterval?: string
  gpu?: string
  gpus?: string
  idleBaseline?: string
  prometheusPort?: string
  pushgateway?: string
}

export const DEFAULT_METRICS_INTERVAL_MS = 1_000
/** Below this, scraping a large vLLM /metrics body would start to cost the client real CPU. */
const MIN_METRICS_INTERVAL_MS = 10

export function addTelemetryOptions<Args extends unknown[], Opts extends OptionValues>(
  command: Command<Args, Opts>,
) {
  return command
    .option(
      '--server-metrics <list>',
      "Prometheus endpoints to scrape during the run: 'off', or a comma list of URLs ('auto' = the target's /metrics next to /v1, the default, kept when it answers); targets.yaml metrics_urls are added",
    )
    .option('--metrics-interval <dur>', 'time between scrapes, e.g. 500ms or 2s (default 1s)')
    .option(
      '--gpu <source>',
      "GPU telemetry: 'local' (nvidia-smi on this machine), a DCGM exporter URL, or 'off' (default: the target's gpu, else off)",
    )
    .option('--gpus <list>', "GPU indices serving the model, e.g. 0,1 (default: the target's gpus, else all)")
    .option(
      '--idle-baseline <dur>',
      'sample GPU power this long before the load, e.g. 10s, to report dynamic energy',
    )
    .option(
      '--prometheus-port <port>',
      "serve Run Bench's live metrics on GET /metrics at this port (or host:port; default host 127.0.0.1) during the run",
    )
    .option('--pushgateway <url>', 'push the final metrics to this Prometheus Pushgateway when the run ends')
}

/** "500ms", "2s", "1.5s", "1m" → ms. */
export function parseDurationMs(flag: string, value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)\s*$/.exec(value)
  if (match === null) {
    throw new UsageError(`${flag} must be a duration with a unit (got "${value}")`, {
      hint: `e.g. ${flag} 500ms, ${flag} 2s or ${flag} 1m`,
    })
  }
  const unitMs = { ms: 1, s: 1_000, m: 60_000 }[match[2] as 'ms' | 's' | 'm']
  return Number(match[1]) * unitMs
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol)
  } catch {
    return false
  }
}

function requireUrl(flag: string, value: string, words: string): string {
  if (isHttpUrl(value)) return value
  throw new UsageError(`${flag} takes ${words} or an http:// URL (got "${value}")`, {
    hint: `e.g. ${flag} http://127.0.0.1:9400/metrics`,
  })
}

/** --server-metrics: 'off' alone, else URLs and 'auto'. */
export function parseServerMetrics(list: string | undefined): 'off' | string[] {
  if (list === undefined) return ['auto']
  const words = list
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean)
  if (words.includes('off')) {
    if (words.length > 1) {
      throw new UsageError(`--server-metrics off cannot be combined with URLs (got ${words.join(' ')})`, {
        hint: 'give either off or the URLs to scrape',
      })
    }
    return 'off'
  }
  return words.map((word) => (word === 'auto' ? word : requireUrl('--server-metrics', word, "'off', 'auto'")))
}

export function parseGpuIndices(value: string): number[] {
  const parts = value.split(',').map((part) => part.trim())
  if (parts.some((part) => !/^\d+$/.test(part))) {
    throw new UsageError(`--gpus must be GPU indices separated by commas (got "${value}")`, {
      hint: 'e.g. --gpus 0,1 (nvidia-smi -L lists them)',
    })
  }
  return [...new Set(parts.map(Number))]
}

/** --prometheus-port: "9464" (on 127.0.0.1) or "0.0.0.0:9464". */
export function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:(.+):)?(\d+)$/.exec(value.trim())
  const port = Number(match?.[2])
  if (match === null || !Number.isInteger(port) || port > 65_535) {
    throw new UsageError(`--prometheus-port must be a port or host:port (got "${value}")`, {
      hint: 'e.g. --prometheus-port 9464, or 0.0.0.0:9464 for a Prometheus on another machine',
    })
  }
  return { host: (match[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1'), port }
}

export async function telemetryExtension(flags: TelemetryFlags, io: Io): Promise<RunExtension | null> {
  // Loaded when a run is built, not when the program is (`--version` and `--help` stay light).
  const [{ createTelemetryHook }, { createLiveMetricsHook }] = await Promise.all([
    import('../../run/telemetry-hook.js'),
    import('../../run/live-metrics-hook.js'),
  ])
  const serverMetrics = parseServerMetrics(flags.serverMetrics)
  const intervalMs =
    flags.metricsInterval === undefined
      ? DEFAULT_METRICS_INTERVAL_MS
      : parseDurationMs('--metrics-interval', flags.metricsInterval)
  if (intervalMs < MIN_METRICS_INTERVAL_MS) {
    throw new UsageError(
      `--metrics-interval must be at least ${MIN_METRICS_INTERVAL_MS}ms (got ${flags.metricsInterval})`,
    )
  }
  const gpu = flags.gpu?.trim()
  if (gpu !== undefined && gpu !== 'local' && gpu !== 'off') requireUrl('--gpu', gpu, "'local', 'off'")
  const gpus = flags.gpus === undefined ? undefined : parseGpuIndices(flags.gpus)
  const idleBaselineMs =
    flags.idleBaseline === undefined ? 0 : parseDurationMs('--idle-baseline', flags.idleBaseline)
  const listen = flags.prometheusPort === undefined ? null : parseListen(flags.prometheusPort)
  const pushgatewayUrl =
    flags.pushgateway === undefined ? null : requireUrl('--pushgateway', flags.pushgateway, 'a Pushgateway')
  const note = (line: string) => io.stderr.write(`${line}\n`)
  return {
    name: 'telemetry',
    hooks: () => [
      createTelemetryHook({
        serverMetrics,
        intervalMs,
        idleBaselineMs,
        ...(gpu === undefined ? {} : { gpu }),
        ...(gpus === undefined ? {} : { gpus }),
        ...(io.env.RUN_BENCH_NVIDIA_SMI === undefined ? {} : { smiCommand: io.env.RUN_BENCH_NVIDIA_SMI }),
      }),
      ...(listen === null && pushgatewayUrl === null
        ? []
        : [createLiveMetricsHook({ listen, pushgatewayUrl, note })]),
    ],
  }
}
