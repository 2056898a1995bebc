import type { ClientContext, RequestSpec } from '../client/send-request.js'
import type { RequestRecord, RunPlan } from '../types.js'
import { createClientContext } from './client-context.js'

/** Warm-up is bounded: a hanging server costs at most WARMUP_TIMEOUT_MS before the run. */
const WARMUP_TIMEOUT_MS = 10_000

/**
 * One unrecorded request before the clock starts: it opens a connection and compiles the
 * request path, so the first scheduled requests are not sent late.
 */
export async function warmUp(
  plan: RunPlan,
  options: {
    send: (spec: RequestSpec, ctx: ClientContext) => Promise<RequestRecord>
    dispatcher: ClientContext['dispatcher']
    countTokens: ClientContext['countTokens']
    includeUsage: boolean
    signal: AbortSignal
  },
): Promise<void> {
  const prompt = plan.prompts[0]
  if (prompt === undefined) return
  // The result is discarded on purpose: it is not part of the measured load.
  await options.send(
    {
      requestId: -1,
      model: plan.model.fullName,
      prompt,
      api: plan.workload.api,
      maxTokens: Math.min(plan.workload.maxTokens, 4),
      temperature: plan.workload.temperature,
      ignoreEos: false,
      includeUsage: options.includeUsage,
      scheduledAtMs: null,
    },
    createClientContext(plan, {
      dispatcher: options.dispatcher,
      countTokens: options.countTokens,
      signal: AbortSignal.any([options.signal, AbortSignal.timeout(WARMUP_TIMEOUT_MS)]),
      timeouts: { ...plan.timeouts, totalMs: Math.min(plan.timeouts.totalMs, WARMUP_TIMEOUT_MS) },
    }),
  )
}
