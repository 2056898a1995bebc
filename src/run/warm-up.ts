// Everything before the clock starts that would otherwise land on the first measured
// requests (issue 13): the connections of the whole concurrency cap, opened with one cheap
// GET each instead of a connect storm inside the window, and a few rounds of real streamed
// requests so the request path (body, SSE parsing, record building) is compiled by the JIT
// before the first `concurrency` requests are timed. Nothing here is recorded.
import type { ConnectionSet } from '../client/pool.js'
import type { ClientContext, RequestSpec } from '../client/send-request.js'
import type { RequestRecord, RunPlan } from '../types.js'
import { createClientContext } from './client-context.js'

/** Warm-up is bounded: a hanging server costs at most WARMUP_TIMEOUT_MS before the run. */
const WARMUP_TIMEOUT_MS = 10_000
/** Streamed warm-up requests in flight at once, and rounds of them (≤ 48 short requests). */
const JIT_WARMUP_PARALLEL = 16
const JIT_WARMUP_ROUNDS = 3
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
  },
): Promise<void> {
  const prompt = plan.prompts[0]
  if (prompt === undefined) return
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(WARMUP_TIMEOUT_MS)])
  const ctx = createClientContext(plan, {
    dispatcher: options.dispatcher,
    countTokens: options.countTokens,
    signal,
    timeouts: { ...plan.timeouts, totalMs: Math.min(plan.timeouts.totalMs, WARMUP_TIMEOUT_MS) },
  })
  // A target that closes every connection after its response keeps nothing warm.
  if (options.pool !== null && plan.target.keepalive) {
    const modelsPath = `${new URL(plan.target.baseUrl).pathname.replace(/\/+$/, '')}/models`
    // Sized to the load: a closed loop keeps its whole cap busy; an open loop's cap may be
    // far above what it uses ("no cap"), so it gets one second of arrivals' worth.
    const { rps, concurrency } = plan.workload
    const count = rps === undefined ? concurrency : Math.min(concurrency, Math.ceil(rps))
    await options.pool.warm(modelsPath, ctx.headers, signal, count)
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
  const parallel = Math.max(1, Math.min(plan.workload.concurrency, JIT_WARMUP_PARALLEL))
  for (let round = 0; round < JIT_WARMUP_ROUNDS && !signal.aborted; round++) {
    // The records are discarded on purpose: they are not part of the measured load. A
    // failing first round (a server that refuses) ends the warm-up: the run will say why.
    const records = await Promise.all(Array.from({ length: parallel }, () => options.send(spec, ctx)))
    if (records.every((record) => !record.success)) return
  }
}
