// Everything before the clock starts that would otherwise land on the first measured
// requests (issue 13): the connections the load will hold (a closed loop's whole cap, an
// open loop's 0.25 s of arrivals), opened with one cheap GET each instead of a connect
// storm inside the window, and real streamed requests, as
// many as the load needs, so that the request path (body, SSE parsing, record building, and
// through `rehearse` the record's serialization and summary) is compiled by the JIT before
// the window; an open loop then rehearses its own schedule, so that its executor is
// compiled too (open-loop-rehearsal.ts). Nothing here is recorded.
import { setMaxListeners } from 'node:events'
import type { ConnectionSet } from '../client/pool.js'
import type { ClientContext, RequestSpec } from '../client/send-request.js'
import type { RequestRecord, RunPlan } from '../types.js'
import { createClientContext } from './client-context.js'
import { rehearseOpenLoop } from './open-loop-rehearsal.js'
import type { PreciseClock } from './precise-clock.js'

/** Warm-up is bounded: a hanging server costs at most WARMUP_TIMEOUT_MS before the run. */
const WARMUP_TIMEOUT_MS = 10_000
/**
 * The streamed requests after the first round stop being sent after this long, whatever
 * their count: against a slow server the JIT is warm long before 2,000 requests are done,
 * and an open-loop shard gives its whole warm-up 5 s before the common start (docs/shards.md).
 */
const JIT_WARMUP_BUDGET_MS = 2000
/**
 * Streamed warm-up requests: 3 rounds of up to 16 in flight (as many as the cap allows).
 * V8 optimises a function after it ran a while; until then the request path is several
 * times slower, so a heavy load met it cold and queued behind it: at 5,000 arrivals/s the
 * first 600 ms of a run read 20–85 ms of TTFT error against 1.5 ms after (bench `cli`, open
 * loop 5,000/s). A heavier load gets a warm-up of 0.3 s of its own arrivals (a closed loop:
 * 3 rounds of its cap), at most 2,000 requests of ≤ 4 tokens, with up to 64 in flight.
 * An open loop then rehearses its own schedule (open-loop-rehearsal.ts).
 */
const JIT_WARMUP_ROUNDS = 3
const JIT_WARMUP_MAX_REQUESTS = 2000
const JIT_WARMUP_LOAD_SEC = 0.3
const JIT_WARMUP_MIN_PARALLEL = 16
const JIT_WARMUP_MAX_PARALLEL = 64
/**
 * An open loop opens this many seconds of its arrivals' connections before the window:
 * enough to absorb a stall that long without opening connections at the arrival rate
 * (which slows client and server alike until they collapse: with 0.05 s, 3 runs in 4 at
 * 5,000/s ended with 3,500 connections and TTFT in the hundreds of ms). It was 1 s: at
 * 5,000/s the 5,000 connections (~10 busy at once) cost 1.5–3.1 s more CPU per 6 s run
 * (8 A/B pairs), 70–95 MiB more RSS (2), and a TTFT p99 of 15–101 ms against 7–33 ms
 * with 0.25 s (12; none of the 12 collapsed). Same setup as bench `cli`.
 */
const OPEN_LOOP_WARM_SEC = 0.25
/** Tokens per warm-up answer: enough chunks to run the stream parser's loop. */
const WARMUP_MAX_TOKENS = 4

export async function warmUp(
  plan: RunPlan,
  options: {
    send: (spec: RequestSpec, ctx: ClientContext) => Promise<RequestRecord>
    /** The main thread's connections; null when worker threads send (they own theirs). */
    pool: ConnectionSet | null
    dispatcher: ClientContext['dispatcher']
    countTokens: ClientContext['countTokens']
    includeUsage: boolean
    signal: AbortSignal
    /** Runs each warm-up record through what a measured one goes through (serialization, summary). */
    rehearse?: (record: RequestRecord) => void
    /** An open loop's rate (per process) and clock, for its rehearsal; null for a closed loop. */
    openLoop?: { ratePerSec: number; clock: PreciseClock | null } | null
  },
): Promise<void> {
  const prompt = plan.prompts[0]
  if (prompt === undefined) return
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(WARMUP_TIMEOUT_MS)])
  // Every parallel warm-up request listens to it: more than Node's default warning bound of 10.
  setMaxListeners(0, signal)
  const ctx = createClientContext(plan, {
    dispatcher: options.dispatcher,
    countTokens: options.countTokens,
    signal,
    timeouts: { ...plan.timeouts, totalMs: Math.min(plan.timeouts.totalMs, WARMUP_TIMEOUT_MS) },
  })
  // A target that closes every connection after its response keeps nothing warm.
  if (options.pool !== null && plan.target.keepalive) {
    const modelsPath = `${new URL(plan.target.baseUrl).pathname.replace(/\/+$/, '')}/models`
    await options.pool.warm(
      modelsPath,
      ctx.headers,
      signal,
      warmConnections(plan.workload, plan.shard?.count ?? 1),
    )
  }
  const spec: RequestSpec = {
    requestId: -1,
    model: plan.model.fullName,
    prompt,
    api: plan.workload.api,
    maxTokens: Math.min(plan.workload.maxTokens, WARMUP_MAX_TOKENS),
    temperature: plan.workload.temperature,
    ignoreEos: false,
    includeUsage: options.includeUsage,
    scheduledAtMs: null,
  }
  const { total, parallel } = jitWarmupSize(plan.workload)
  // The records are discarded on purpose: they are not part of the measured load. A
  // failing first round (a server that refuses) ends the warm-up: the run will say why.
  const first = await Promise.all(Array.from({ length: parallel }, () => options.send(spec, ctx)))
  if (first.every((record) => !record.success)) return
  for (const record of first) options.rehearse?.(record)
  let sent = first.length
  const stopAtMs = performance.now() + JIT_WARMUP_BUDGET_MS
  const worker = async () => {
    while (sent < total && !signal.aborted && performance.now() < stopAtMs) {
      sent++
      const record = await options.send(spec, ctx)
      options.rehearse?.(record)
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker))
  const openLoop = options.openLoop ?? null
  if (openLoop !== null && !signal.aborted) {
    await rehearseOpenLoop(plan, {
      ...openLoop,
      // The same load as the rounds: 0.3 s of its arrivals, at most 2,000 requests.
      durationSec: Math.min(JIT_WARMUP_LOAD_SEC, JIT_WARMUP_MAX_REQUESTS / openLoop.ratePerSec),
      ctx,
      send: options.send,
      maxTokens: spec.maxTokens,
      includeUsage: options.includeUsage,
      rehearse: options.rehearse ?? (() => {}),
    })
  }
}

/**
 * The connections opened before the window, sized to the load: a closed loop keeps its
 * whole cap busy; an open loop's cap may be far above what it uses ("no cap"), so it gets
 * OPEN_LOOP_WARM_SEC of its own arrivals (this process's share of a sharded rate).
 */
export function warmConnections(
  workload: Pick<RunPlan['workload'], 'rps' | 'concurrency'>,
  shards: number,
): number {
  const { rps, concurrency } = workload
  if (rps === undefined) return concurrency
  return Math.max(1, Math.min(concurrency, Math.ceil((rps / shards) * OPEN_LOOP_WARM_SEC)))
}

/** How many warm-up requests, and how many in flight: sized to the load (see the constants). */
export function jitWarmupSize(workload: Pick<RunPlan['workload'], 'rps' | 'concurrency'>): {
  total: number
  parallel: number
} {
  const { rps, concurrency } = workload
  const load = rps === undefined ? concurrency * JIT_WARMUP_ROUNDS : Math.ceil(rps * JIT_WARMUP_LOAD_SEC)
  const inFlight = rps === undefined ? concurrency : Math.ceil(load / 10)
  const parallel = Math.max(
    1,
    Math.min(concurrency, JIT_WARMUP_MAX_PARALLEL, Math.max(JIT_WARMUP_MIN_PARALLEL, inFlight)),
  )
  const total = Math.min(JIT_WARMUP_MAX_REQUESTS, Math.max(parallel * JIT_WARMUP_ROUNDS, load))
  return { total, parallel }
}
