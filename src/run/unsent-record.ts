import type { Outcome, RequestRecord } from '../types.js'

/**
 * The record of a request that got no response at all: one the schedule asked for but
 * that never got a concurrency slot before the run ended (aborted), or one whose worker
 * thread died (network_error). It is data, never silently dropped.
 */
export function unsentRecord(args: {
  requestId: number
  model: string
  prompt: string
  scheduledAtMs: number | null
  endedAtMs: number
  runStartEpochMs: number
  reason: string
  outcome?: Outcome
}): RequestRecord {
  const waitedMs = args.scheduledAtMs === null ? null : args.endedAtMs - args.scheduledAtMs
  return {
    timestamp: (args.runStartEpochMs + args.endedAtMs) / 1000,
    model: args.model,
    prompt: args.prompt,
    ttft: null,
    total_time: null,
    input_tokens: null,
    output_tokens: 0,
    tokens_per_sec: null,
    success: false,
    request_id: args.requestId,
    outcome: args.outcome ?? 'aborted',
    http_status: null,
    error: args.reason,
    timeout_kind: null,
    scheduled_at_ms: args.scheduledAtMs,
    sent_at_ms: args.endedAtMs,
    ended_at_ms: args.endedAtMs,
    queue_ms: waitedMs,
    ttfb_ms: null,
    ttft_ms: null,
    ttfo_ms: null,
    e2e_ms: null,
    tpot_ms: null,
    latency_from_schedule_ms: null,
    itl_ms: [],
    tokens_source: 'chunks',
    reasoning_tokens: null,
    finish_reason: null,
    retries: 0,
    retry_after_s: null,
    litellm_model_id: null,
    litellm_overhead_ms: null,
  }
}
