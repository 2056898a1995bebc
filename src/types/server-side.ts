// Server side (telemetry/): the shapes stored in summaries and meta. Here, below
// telemetry/, because types.ts may import no feature folder.
/** One reading of a series at a time on the run's clock (ms since the run's start). */
export interface Point {
  atMs: number
  value: number
}

export interface MeanMax {
  mean: number
  max: number
}

/** Server-side latency quantiles from histogram bucket deltas, in ms. */
export interface ServerQuantiles {
  count: number
  p50: number | null
  p90: number | null
  p99: number | null
  meanMs: number | null
}

export interface TelemetrySeries {
  waiting: Point[]
  running: Point[]
  kvCacheUsage: Point[]
  gpuUtilPercent: Point[]
  gpuPowerWatts: Point[]
}

export type EnergySource = 'energy_counter' | 'power_integral' | 'none'

export interface EnergyFigure {
  joules: number | null
  source: EnergySource
  sampleCount: number
  /** Largest time between consecutive GPU samples around the window. */
  largestGapMs: number | null
  windowMs: number
  averageWatts: number | null
  /** Idle power measured before the load, when a baseline was taken. */
  idleWatts: number | null
  /** joules − idleWatts × window: what the load itself cost. */
  dynamicJoules: number | null
  warning: string | null
}

export interface TelemetrySummary {
  available: boolean
  /** Why there is nothing (set when not available), e.g. "http://h/metrics: HTTP 404". */
  reason: string | null
  /** Engines/exporters recognised by their metric names: vllm, sglang, tgi, llamacpp, litellm, dcgm. */
  recognised: string[]
  windowMs: number
  waiting: MeanMax | null
  running: MeanMax | null
  /** 0..1 */
  kvCacheUsage: MeanMax | null
  /** 0..1: Δhits / Δqueries, or the engine's own rate gauge (SGLang) averaged. */
  prefixCacheHitRate: number | null
  serverGenerationTokens: number | null
  serverPromptTokens: number | null
  /** 100 × min(server, client) / max(server, client): 100 when both counted the same. */
  generationAgreementPercent: number | null
  promptAgreementPercent: number | null
  serverTtft: ServerQuantiles | null
  serverE2e: ServerQuantiles | null
  serverQueue: ServerQuantiles | null
  gpuUtilPercent: MeanMax | null
  gpuPowerWatts: MeanMax | null
  energy: EnergyFigure
  tokensPerJoule: number | null
  joulesPerRequest: number | null
  averagePowerWatts: number | null
  /** Per-source notes: failed scrapes and dropped lines. */
  problems: string[]
  series: TelemetrySeries
}

/**
 * meta.json's pointer to `<run>.server-metrics.jsonl` and what summarizing it needs, so a
 * report rebuilt from the raw files gets the same server section as the run printed. Times
 * are on the sampler's clock (epoch ms, from performance.timeOrigin + performance.now()).
 */
export interface ServerMetricsPointer {
  /** File name beside the raw records; null when nothing was sampled. */
  file: string | null
  /** Why nothing was sampled (telemetry off), or null. */
  off: string | null
  /** What was sampled: metrics URLs (masked) and 'nvidia-smi'. */
  sources: string[]
  intervalMs: number
  /** The run's clock zero (records' *_at_ms are offsets from it). */
  runStartAtMs: number | null
  windowStartAtMs: number | null
  windowEndAtMs: number | null
  idleWatts: number | null
  /** GPU indices kept (DCGM series of other GPUs are dropped); null: all. */
  gpus: number[] | null
  /** Notes found while sampling that the samples do not hold (an endpoint left out, nvidia-smi missing). */
  notes: string[]
}
