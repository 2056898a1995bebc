// Shared vocabulary of Run Bench: the shapes that flow through the pipeline
// (config → plan → records → summary → reports). No logic lives here. Larger groups live
// in types/ and are re-exported here, so every module keeps importing from types.ts.
// Field names of RequestRecord are the raw JSONL wire format (snake_case, units in the
// name), so one type describes both the in-memory record and the file line.

import type { RequestRecord } from './types/request-record.js'
import type { RunShards, SourceStats } from './types/run-figures.js'
import type { ServerMetricsPointer, TelemetrySummary } from './types/server-side.js'

import type { WorkloadSources } from './types/workload-sources.js'

export type { RequestRecord } from './types/request-record.js'
export type { RunShards, SourceStats } from './types/run-figures.js'
export type {
  EnergyFigure,
  EnergySource,
  MeanMax,
  Point,
  ServerMetricsPointer,
  ServerQuantiles,
  TelemetrySeries,
  TelemetrySummary,
} from './types/server-side.js'
export type { TokenLength, WorkloadSources } from './types/workload-sources.js'

/**
 * How one request ended. `ok` is the only successful outcome; http_error, timeout,
 * network_error and stream_error are failures (the server or the network failed);
 * `aborted` was sent, then cut by the end of the run or Ctrl-C; `not_sent` was scheduled but
 * never sent (no concurrency slot before the run ended, or interrupted). Neither of the last
 * two counts in the success rate.
 */
export type Outcome =
  | 'ok'
  | 'http_error'
  | 'timeout'
  | 'network_error'
  | 'stream_error'
  | 'aborted'
  | 'not_sent'

/** The outcomes that count as failures in the success rate. */
export const FAILURE_OUTCOMES: readonly Outcome[] = ['http_error', 'timeout', 'network_error', 'stream_error']

/** Where a record's output_tokens came from, most to least exact. */
export type TokensSource = 'usage' | 'tokenizer' | 'chunks'

/** Which OpenAI-compatible endpoint a workload calls. */
export type ApiKind = 'chat' | 'completions'

export type PromptType = 'short' | 'medium' | 'long'

/** Open-loop arrival process; a workload without rps is a closed loop. */
export type ArrivalKind = 'constant' | 'poisson'

/** Which timeout fired; each has its own budget (see Timeouts). */
export type TimeoutKind = 'connect' | 'first_byte' | 'idle' | 'total'

export type TargetKind = 'openai' | 'litellm' | 'sim'

/** The built-in simulator's models when its options name none (sim/options.ts, discovery). */
export const DEFAULT_SIM_MODELS: readonly string[] = ['sim-llama-8b', 'sim-qwen3-4b']

/** Options of the built-in simulated server (src/sim). All times in ms. */
export interface SimOptions {
  /** Models listed by GET /v1/models; any other name is still served. */
  models: string[]
  /** Maximum sequences decoded together (continuous batching). */
  maxBatchSize: number
  /** Fixed cost of a prefill step, plus a cost per prompt token. */
  prefillBaseMs: number
  prefillPerTokenMs: number
  /** Decode step time = decodeBaseMs + decodePerSeqMs × (sequences in the batch). */
  decodeBaseMs: number
  decodePerSeqMs: number
  /** Output length when the request gives no max_tokens; otherwise max_tokens is honoured. */
  defaultOutputTokens: number
  /** When set, each request stops at a seeded length in [min, max_tokens] unless ignore_eos. */
  minOutputTokens?: number
  /** Fault injection: fraction of requests (0..1) that fail, and how. */
  errorRate: number
  faults: SimFault[]
  /** Stall before the first byte / mid-stream for this long when the 'stall' fault hits. */
  stallMs: number
  seed: number
  /** Capacity of the waiting queue; beyond it requests get 503 (0 = unbounded). */
  maxQueue: number
  /** Token budget of the simulated prefix cache (LRU of blocks); 0 = no prefix caching. */
  prefixCacheTokens: number
  /** Tokens per prefix-cache block (4 characters = 1 token in the simulator). */
  prefixCacheBlockTokens: number
  /** Simulated GPU power (served as DCGM series on /metrics): idle, plus this per running sequence. */
  idleWatts: number
  wattsPerSequence: number
}

export type SimFault = 'http_429' | 'http_500' | 'error_event' | 'stall' | 'drop'

export interface Target {
  name: string
  description: string
  kind: TargetKind
  /** Base URL including the /v1 prefix, e.g. http://127.0.0.1:8000/v1. Empty for an in-process sim. */
  baseUrl: string
  /** Resolved key (from api_key or api_key_env); never written to results unmasked. */
  apiKey?: string
  /** Name of the env var the key came from, for messages. */
  apiKeyEnv?: string
  headers: Record<string, string>
  /** false for servers that close the connection after every streamed response. */
  keepalive: boolean
  /** A LiteLLM config.yaml to read the served models from. */
  litellmConfig?: string
  /** Settings for the in-process simulator when kind is 'sim'. */
  sim?: Partial<SimOptions>
  /** Extra Prometheus endpoints scraped during a run (replicas behind a proxy, a DCGM exporter). */
  metricsUrls?: string[]
  /** GPU telemetry: 'local' (nvidia-smi here), a DCGM exporter URL, or 'off' (default). */
  gpu?: string
  /** GPU indices serving the model; all when absent. */
  gpus?: number[]
}

export interface Model {
  /** Short config name (alias), e.g. qwen3-coder-30b. */
  name: string
  /** Name the server serves it under, sent as the request's `model`. */
  fullName: string
  description: string
  /** Where this entry came from. */
  source: 'models.yaml' | 'proxy API' | 'config file' | 'server' | 'command line'
}

export interface Workload {
  name: string
  description: string
  /** Bounds: at least one of durationSec / requests is set. */
  durationSec?: number
  requests?: number
  /** Requests per second (open loop). Absent → closed loop with `concurrency` workers. */
  rps?: number
  arrival: ArrivalKind
  concurrency: number
  maxTokens: number
  temperature: number
  promptType: PromptType
  /** JSONL prompt file; overrides promptType when set. */
  promptFile?: string
  api: ApiKind
  /** Ask the server to ignore EOS so every answer is max_tokens long (where supported). */
  ignoreEos: boolean
  /** SLOs the run is judged by when no --slo is given (workloads.yaml `slo:`), e.g. ttft_p99<=500ms. */
  slo?: string[]
  /** Where prompts come from instead of promptType/promptFile (issue 16; docs/workload-sources.md). */
  sources?: WorkloadSources
}

export interface Timeouts {
  connectMs: number
  /** sent → first response byte (headers). */
  firstByteMs: number
  /** Longest silence between two body reads once streaming. */
  idleMs: number
  /** Whole request, sent → end. */
  totalMs: number
}

export interface Prompt {
  text: string
  /** Free-form label (code, general, …) from the prompt set. */
  category: string
}

/** Everything a run needs, resolved and validated. Readonly after loadConfig/planRun. */
export interface RunPlan {
  target: Target
  model: Model
  workload: Workload
  prompts: Prompt[]
  seed: number
  timeouts: Timeouts
  /** Folder holding raw/, summary/ and reports/. */
  outputDir: string
  /** In-flight requests get this long after the bounds end, then are recorded as aborted. */
  graceMs: number
  toolVersion: string
  /** The tokenizer.json that counts tokens (--tokenizer); absent: the bundled o200k_base (approximate). */
  tokenizer?: string
  /**
   * Set when this process runs one shard of a larger plan (issue 17): it sends the requests
   * k of the global schedule with k mod count = index, timed from the shared start.
   */
  shard?: RunPlanShard
}

export interface RunPlanShard {
  index: number
  count: number
  /** Shared by all shards of one run; their file names carry it. */
  runId: string
  /** The shared start on the wall clock, or null when each shard starts on its own. */
  startAtEpochMs: number | null
}

/**
 * How a distribution's percentiles were computed: 'exact' sorts every value; 'hdr' reads an
 * HdrHistogram (3 significant digits: within 0.1 %) once a metric had more values than the
 * exact bound. count, mean, min and max are exact either way.
 */
export type StatisticMethod = 'exact' | 'hdr'

export interface Distribution {
  count: number
  mean: number
  min: number
  max: number
  p50: number
  p90: number
  p95: number
  p99: number
  /** Absent: exact (summaries written before the field existed). */
  method?: StatisticMethod
}

/** For throughput-type metrics the bad tail is the low one: p5/p1 stand in for p95/p99. */
export interface LowTailDistribution {
  count: number
  mean: number
  min: number
  max: number
  p50: number
  p10: number
  p5: number
  p1: number
  /** Absent: exact. */
  method?: StatisticMethod
}

export interface ErrorGroup {
  outcome: Outcome
  /** Groups are per error_code: a refused connection and a reset one are two groups. */
  error_code: string | null
  http_status: number | null
  count: number
  /** Up to three distinct example messages. */
  examples: string[]
}

export interface ClientHealth {
  eventLoopLagP99Ms: number | null
  scheduleLagP99Ms: number | null
  limited: boolean
  reasons: string[]
}

/** What a run measured, computed from its records alone (plus run-level facts). */
export interface Summary {
  /** Basename of the raw file without .jsonl, e.g. bench_sim_tiny_smoke_20261128_134501. */
  runId: string
  target: string
  model: string
  workload: string
  startedAt: string
  /** Measurement window: first send → last end, in seconds. */
  windowSec: number
  /** failed = http_error + timeout + network_error + stream_error. */
  requests: { total: number; ok: number; failed: number; aborted: number; notSent: number }
  /** ok / (ok + failed), in 0..1; aborted and not_sent requests are counted apart, never as failures. */
  successRate: number
  /** The workload's asked rate (null for a closed loop) and concurrency cap. */
  offeredRps: number | null
  concurrency: number
  /** Latency metrics over successful requests only (stated in every report). */
  ttftMs: Distribution | null
  ttfbMs: Distribution | null
  ttfoMs: Distribution | null
  e2eMs: Distribution | null
  tpotMs: Distribution | null
  itlMs: Distribution | null
  queueMs: Distribution | null
  latencyFromScheduleMs: Distribution | null
  outputTokens: Distribution | null
  inputTokens: Distribution | null
  tokensPerSec: LowTailDistribution | null
  requestThroughputPerSec: number
  outputTokenThroughputPerSec: number
  /** Requests that waited more than 1 ms for a concurrency slot (slot_wait_ms; queue_ms in older files). */
  queuedRequests: number
  /** Requests the client itself sent more than 1 ms after their schedule (schedule_lag_ms); absent in older summaries. */
  lateRequests?: number
  tokensSources: Partial<Record<TokensSource, number>>
  errors: ErrorGroup[]
  proxyOverheadMs: Distribution | null
  clientHealth: ClientHealth | null
  /**
   * Set when the run's meta says complete: false (why it ended early, e.g. "interrupted by
   * SIGINT"); absent for a complete run. Reports mark such a run and never call it best.
   */
  incomplete?: string
  /** Prompt-source figures (stats/source-stats.ts); absent when no record carries source fields. */
  sources?: SourceStats
  /** Server side over the same window (telemetry/); null: not collected; absent: older runs. */
  server?: TelemetrySummary | null
  /** The shards of a run merged from shards (issue 17), as its merge found them; absent otherwise. */
  shards?: RunShards
}

/** Capabilities found by one probe request before the load (issue 5). */
export interface ServerCapabilities {
  includeUsage: boolean
  ignoreEos: boolean
  minTokens: boolean
  reasoningField: 'reasoning_content' | 'reasoning' | null
  roleOnlyFirstChunk: boolean
  keepAlive: boolean
}

/** The sibling results/raw/<run>.meta.json. Secrets are masked before it is written. */
export interface RunMeta {
  runId: string
  toolVersion: string
  seed: number
  host: { hostname: string; platform: string; nodeVersion: string; cpus: number }
  startedAt: string
  endedAt: string | null
  complete: boolean
  /** Why the run ended early, when it did (e.g. "interrupted by SIGINT"). */
  incompleteReason: string | null
  plan: RunPlan
  capabilities: ServerCapabilities | null
  clientHealth: ClientHealth | null
  /** Where the run's server-side samples are and how to read them (absent: none recorded). */
  serverMetrics?: ServerMetricsPointer
}
