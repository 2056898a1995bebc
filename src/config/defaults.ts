// Built-in defaults: the lowest layer of the precedence defaults < YAML < BENCH_* env < flags.

import type { Timeouts, Workload } from '../types.js'

/** Per-request timeouts. `--timeout S` / BENCH_TIMEOUT replace totalMs only. */
export const DEFAULT_TIMEOUTS: Readonly<Timeouts> = Object.freeze({
  connectMs: 10_000,
  firstByteMs: 120_000,
  idleMs: 60_000,
  totalMs: 600_000,
})

export const DEFAULT_SEED = 42
export const DEFAULT_OUTPUT_DIR = 'results'
/** In-flight requests get this long after the run's bounds end, then are recorded as aborted. */
export const DEFAULT_GRACE_MS = 10_000
/** The original tool's "press Enter" workload: 5 minutes, 20 rps, 50 in flight. */
export const DEFAULT_WORKLOAD_NAME = 'high-load-5min'
/**
 * First model of the built-in simulator (sim/options.ts DEFAULT_SIM_OPTIONS.models[0]);
 * repeated here because config/ may not import sim/.
 */
export const DEFAULT_SIM_MODEL = 'sim-llama-8b'

/**
 * Values a workload entry in workloads.yaml may leave out. A workload with neither
 * `duration` nor `requests` runs for DEFAULT_DURATION_SEC.
 */
export const WORKLOAD_FIELD_DEFAULTS: Readonly<
  Pick<
    Workload,
    | 'description'
    | 'arrival'
    | 'concurrency'
    | 'maxTokens'
    | 'temperature'
    | 'promptType'
    | 'api'
    | 'ignoreEos'
  >
> = Object.freeze({
  description: '',
  arrival: 'constant',
  concurrency: 10,
  maxTokens: 512,
  temperature: 0.7,
  promptType: 'medium',
  api: 'chat',
  ignoreEos: false,
})

export const DEFAULT_DURATION_SEC = 300

/** One line for --help: "connect 10 s, first byte 120 s, idle 60 s, total 600 s". */
export function describeTimeoutDefaults(timeouts: Timeouts = DEFAULT_TIMEOUTS): string {
  const seconds = (ms: number) => `${ms / 1000} s`
  return `connect ${seconds(timeouts.connectMs)}, first byte ${seconds(timeouts.firstByteMs)}, idle ${seconds(timeouts.idleMs)}, total ${seconds(timeouts.totalMs)}`
}
