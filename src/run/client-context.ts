import { performance } from 'node:perf_hooks'
import type { ClientContext } from '../client/send-request.js'
import type { RunPlan } from '../types.js'

/** What every request of a run (and its warm-up) shares: pool, address, headers, clock. */
export function createClientContext(
  plan: RunPlan,
  parts: Pick<ClientContext, 'dispatcher' | 'countTokens' | 'signal'> &
    Partial<Pick<ClientContext, 'timeouts' | 'runStartMs' | 'runStartEpochMs'>>,
): ClientContext {
  return {
    dispatcher: parts.dispatcher,
    baseUrl: plan.target.baseUrl,
    headers: requestHeaders(plan),
    timeouts: parts.timeouts ?? plan.timeouts,
    runStartMs: parts.runStartMs ?? performance.now(),
    runStartEpochMs: parts.runStartEpochMs ?? Date.now(),
    countTokens: parts.countTokens,
    signal: parts.signal,
  }
}

function requestHeaders(plan: RunPlan): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...plan.target.headers }
  if (plan.target.apiKey !== undefined && plan.target.apiKey !== '') {
    headers.authorization = `Bearer ${plan.target.apiKey}`
  }
  return headers
}
