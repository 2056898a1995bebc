import { DEFAULT_SIM_MODELS, type SimFault, type SimOptions } from '../types.js'
import type { EngineTiming } from './engine.js'

/**
 * Defaults model one modern GPU server: an 8B model in FP8 on one H100 SXM under vLLM
 * (continuous batching, CUDA graphs, max_num_seqs 256). Assumed figures for the 8B:
 *
 * - Decode step = 3.0 + 0.035 × batch ms: 3.0 ms alone (8 GB of weights read at ~3.35 TB/s
 *   plus launch overhead: ~330 tok/s for one stream), 4.75 ms at 50, 12 ms at 256.
 * - Prefill = 4 + 0.03 × prompt tokens ms, charged to the step that admits the request, so a
 *   ~60-token medium prompt sees a TTFT of ~9 ms at low load.
 * - Max batch 256; at full batch ~21,000 output tok/s of decode. With the shipped workloads'
 *   mix (medium prompts, every answer 512 tokens: the simulator honours max_tokens) the
 *   server sustains ~32 req/s; past that its own queue grows and TTFT climbs to seconds.
 *
 * On the virtual clock (test/sim/capacity.test.ts, 120 s each) the shipped workloads give:
 * low-load (1 rps, c 2) 1.0 req/s, TTFT p50 10 ms, e2e 1.6 s; medium-load (5 rps, c 10)
 * 4.9 req/s, e2e 1.7 s, no slot waits; high-load (20 rps, c 50) the knee: e2e 2.7 s needs
 * ~54 in flight, the cap of 50 holds ~190 requests back; stress-test (50 rps, c 100)
 * saturated: 25 req/s, ~half never sent. The 4B model (SIM_MODEL_SIZES) is ~1.7× faster.
 */
export const DEFAULT_SIM_OPTIONS: Readonly<SimOptions> = Object.freeze({
  models: [...DEFAULT_SIM_MODELS],
  maxBatchSize: 256,
  prefillBaseMs: 4,
  prefillPerTokenMs: 0.03,
  decodeBaseMs: 3,
  decodePerSeqMs: 0.035,
  defaultOutputTokens: 128,
  errorRate: 0,
  faults: [],
  stallMs: 30_000,
  seed: 42,
  maxQueue: 0,
  // Off by default so the capacity figures above stay as measured; turn it on to model
  // vLLM's automatic prefix caching (shared-prefix and multi-turn workloads).
  prefixCacheTokens: 0,
  prefixCacheBlockTokens: 16,
  // An H100-class board: ~90 W idle, ~700 W with a full batch of 256 sequences.
  idleWatts: 90,
  wattsPerSequence: 2.4,
})

/**
 * Cost of each built-in model relative to the configured timing (which describes the 8B).
 * Decode is memory-bound, so it scales with the weight bytes read per step plus a fixed
 * launch overhead: a 4B in FP8 reads 4 GB instead of 8 → 1.2 + 0.6 ms ≈ 0.6 × 3.0 ms.
 * Prefill is compute-bound and scales with the parameter count (0.5×). A model not listed
 * is served with the configured timing unchanged. Each model runs its own engine, as two
 * models behind one endpoint run on their own GPUs.
 */
export const SIM_MODEL_SIZES: Readonly<Record<string, { decodeScale: number; prefillScale: number }>> =
  Object.freeze({
    'sim-llama-8b': { decodeScale: 1, prefillScale: 1 },
    'sim-qwen3-4b': { decodeScale: 0.6, prefillScale: 0.5 },
  })

/** The engine timing for one model: the configured timing scaled by the model's size. */
export function simModelTiming(options: SimOptions, model: string): EngineTiming {
  const size = SIM_MODEL_SIZES[model] ?? { decodeScale: 1, prefillScale: 1 }
  return {
    maxBatchSize: options.maxBatchSize,
    prefillBaseMs: options.prefillBaseMs * size.prefillScale,
    prefillPerTokenMs: options.prefillPerTokenMs * size.prefillScale,
    decodeBaseMs: options.decodeBaseMs * size.decodeScale,
    decodePerSeqMs: options.decodePerSeqMs * size.decodeScale,
  }
}

/** Partial options; an explicit undefined (as a parsed config may hold) means "default". */
export type SimOptionsInput = { [K in keyof SimOptions]?: SimOptions[K] | undefined }

const ALL_FAULTS: readonly SimFault[] = ['http_429', 'http_500', 'error_event', 'stall', 'drop']

/**
 * Fills unset fields with the defaults and checks the result. Invalid values are a bug of
 * the caller (config/ validates user input before it gets here), so they throw RangeError.
 * An errorRate above 0 with no faults listed means "plain server errors" (http_500):
 * otherwise the rate would silently do nothing.
 */
export function resolveSimOptions(partial: SimOptionsInput = {}): SimOptions {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, value]) => value !== undefined))
  const options: SimOptions = { ...DEFAULT_SIM_OPTIONS, ...defined }
  options.models = [...options.models]
  options.faults = options.errorRate > 0 && options.faults.length === 0 ? ['http_500'] : [...options.faults]

  const problems: string[] = []
  const check = (ok: boolean, message: string) => {
    if (!ok) problems.push(message)
  }
  check(
    Number.isInteger(options.maxBatchSize) && options.maxBatchSize >= 1,
    'maxBatchSize must be an integer >= 1',
  )
  for (const key of [
    'prefillBaseMs',
    'prefillPerTokenMs',
    'decodeBaseMs',
    'decodePerSeqMs',
    'stallMs',
    'idleWatts',
    'wattsPerSequence',
  ] as const) {
    check(Number.isFinite(options[key]) && options[key] >= 0, `${key} must be a number >= 0`)
  }
  check(
    options.decodeBaseMs + options.decodePerSeqMs > 0,
    'decodeBaseMs + decodePerSeqMs must be > 0 (a decode step cannot take no time)',
  )
  check(
    Number.isInteger(options.defaultOutputTokens) && options.defaultOutputTokens >= 1,
    'defaultOutputTokens must be an integer >= 1',
  )
  if (options.minOutputTokens !== undefined) {
    check(
      Number.isInteger(options.minOutputTokens) && options.minOutputTokens >= 1,
      'minOutputTokens must be an integer >= 1',
    )
  }
  check(options.errorRate >= 0 && options.errorRate <= 1, 'errorRate must be within 0..1')
  for (const fault of options.faults) {
    check(
      ALL_FAULTS.includes(fault),
      `unknown fault ${JSON.stringify(fault)} (known: ${ALL_FAULTS.join(', ')})`,
    )
  }
  check(Number.isInteger(options.maxQueue) && options.maxQueue >= 0, 'maxQueue must be an integer >= 0')
  check(Number.isInteger(options.seed), 'seed must be an integer')
  check(
    Number.isInteger(options.prefixCacheTokens) && options.prefixCacheTokens >= 0,
    'prefixCacheTokens must be an integer >= 0',
  )
  check(
    Number.isInteger(options.prefixCacheBlockTokens) && options.prefixCacheBlockTokens >= 1,
    'prefixCacheBlockTokens must be an integer >= 1',
  )
  if (problems.length > 0) throw new RangeError(`Invalid simulator options: ${problems.join('; ')}`)
  return options
}
