import type { SimFault, SimOptions } from '../types.js'

/**
 * Defaults model a small GPU server for an 8B model, sized so the four stock workloads
 * (low-load 1 rps/c1, medium-load 5 rps/c10, high-load 20 rps/c50, stress-test 50 rps/c100,
 * max_tokens 128) fall on both sides of its capacity:
 *
 * - One sequence alone: a decode step is 5 + 0.5×1 = 5.5 ms, so 128 tokens take ~0.70 s plus
 *   a ~15-25 ms prefill. low-load (one request a second, one at a time) never queues.
 * - Full batch of 16: a step is 5 + 0.5×16 = 13 ms and yields 16 tokens → ~1230 tok/s of
 *   decode. One 128-token request costs 128 × 13 / 16 = 104 ms of engine time, plus its
 *   prefill (10 + 0.05 × ~300 prompt tokens = 25 ms) which stalls the whole batch: ~129 ms,
 *   so capacity is ~7.7 req/s (~1000 output tok/s).
 * - medium-load (5 rps) sits at ~65 % of that: ~5 sequences in flight, e2e ~1 s, no queue.
 * - high-load (20 rps) and stress-test (50 rps) exceed it: the batch fills at 16, the rest
 *   wait in the FIFO, TTFT grows with the queue and throughput flattens near ~7.7 req/s.
 *   That is the knee between medium and high.
 *
 * Checked by driving the engine on a virtual clock for 60 s of each workload with
 * 300-token prompts: low 1.0 req/s, TTFT p50 31 ms; medium 4.9 req/s, TTFT p50 37 ms;
 * high and stress both flat at 7.7 req/s / ~990 output tok/s with TTFT p50 4.3 s and 10.5 s.
 */
export const DEFAULT_SIM_OPTIONS: Readonly<SimOptions> = Object.freeze({
  models: ['sim-llama-8b', 'sim-qwen3-4b'],
  maxBatchSize: 16,
  prefillBaseMs: 10,
  prefillPerTokenMs: 0.05,
  decodeBaseMs: 5,
  decodePerSeqMs: 0.5,
  defaultOutputTokens: 128,
  errorRate: 0,
  faults: [],
  stallMs: 30_000,
  seed: 42,
  maxQueue: 0,
  // An H100-class board: ~90 W idle, ~490 W with a full batch of 16.
  idleWatts: 90,
  wattsPerSequence: 25,
})

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
  if (problems.length > 0) throw new RangeError(`Invalid simulator options: ${problems.join('; ')}`)
  return options
}
