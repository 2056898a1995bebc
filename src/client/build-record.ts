// The one place a request's metrics are derived and its record's field list lives: the
// transport observes raw times and counts; this pure function turns them into a
// RequestRecord (the MEASUREMENT CONTRACT in ARCHITECTURE.md). The unsent-request records
// and the raw reader's normalization of older files go through it too.
import type { Outcome, RequestRecord, TimeoutKind, TokensSource } from '../types.js'
import type { SourceRecordFields } from './request-spec.js'

/** What the request was: known before it is sent. */
export interface RecordSpec {
  requestId: number
  model: string
  prompt: string
  /** When the schedule wanted it sent (ms from run start); null in a closed loop. */
  scheduledAtMs: number | null
  /** Open loop: the two parts of the delay before sending (see RequestRecord). */
  slotWaitMs?: number | null
  scheduleLagMs?: number | null
  /** A prompt source's fields (requested lengths, session, turn), copied onto the record. */
  sourceFields?: SourceRecordFields
}

/**
 * What the transport saw, raw. Every `*AtMs` is a performance.now() offset from the run
 * start; null when the event never happened. `error` is already masked.
 */
export interface Observation {
  runStartEpochMs: number
  outcome: Outcome
  errorCode: string | null
  error: string | null
  timeoutKind: TimeoutKind | null
  httpStatus: number | null
  sentAtMs: number
  endedAtMs: number
  ttfbAtMs: number | null
  firstTokenAtMs: number | null
  firstAnswerAtMs: number | null
  outputTokens: number
  tokensSource: TokensSource
  inputTokens: number | null
  reasoningTokens: number | null
  finishReason: string | null
  itlMs: number[]
  retries: number
  retryAfterS: number | null
  litellmModelId: string | null
  litellmOverheadMs: number | null
}

/**
 * An observation of a request that got no response: nothing but its outcome and times.
 * Every field is written out: in Node 20, an object spread followed by many properties costs
 * ~25 µs per object (V8 leaves the fast path), and an overloaded run builds one per arrival.
 */
export function emptyObservation(
  fields: Pick<Observation, 'runStartEpochMs' | 'outcome' | 'errorCode' | 'error' | 'sentAtMs' | 'endedAtMs'>,
): Observation {
  return {
    runStartEpochMs: fields.runStartEpochMs,
    outcome: fields.outcome,
    errorCode: fields.errorCode,
    error: fields.error,
    timeoutKind: null,
    httpStatus: null,
    sentAtMs: fields.sentAtMs,
    endedAtMs: fields.endedAtMs,
    ttfbAtMs: null,
    firstTokenAtMs: null,
    firstAnswerAtMs: null,
    outputTokens: 0,
    tokensSource: 'chunks',
    inputTokens: null,
    reasoningTokens: null,
    finishReason: null,
    itlMs: [],
    retries: 0,
    retryAfterS: null,
    litellmModelId: null,
    litellmOverheadMs: null,
  }
}

/** TPOT: (e2e − ttft) / (output_tokens − 1); null when output_tokens ≤ 1. */
export function tpotMs(e2eMs: number | null, ttftMs: number | null, outputTokens: number): number | null {
  return ttftMs !== null && e2eMs !== null && outputTokens > 1 ? (e2eMs - ttftMs) / (outputTokens - 1) : null
}

/** Tokens per second of one request: output_tokens / total time. */
export function tokensPerSec(outputTokens: number, e2eMs: number | null): number | null {
  return e2eMs !== null && e2eMs > 0 ? outputTokens / (e2eMs / 1000) : null
}

export function buildRecord(spec: RecordSpec, obs: Observation): RequestRecord {
  const ok = obs.outcome === 'ok'
  const since = (atMs: number | null) => (atMs === null ? null : atMs - obs.sentAtMs)
  const ttftMs = since(obs.firstTokenAtMs)
  // Latency exists only for a request that ended properly.
  const e2eMs = ok ? obs.endedAtMs - obs.sentAtMs : null
  const scheduled = spec.scheduledAtMs
  const record: RequestRecord = {
    timestamp: (obs.runStartEpochMs + obs.sentAtMs) / 1000,
    model: spec.model,
    prompt: spec.prompt,
    ttft: ttftMs === null ? null : ttftMs / 1000,
    total_time: e2eMs === null ? null : e2eMs / 1000,
    input_tokens: obs.inputTokens,
    output_tokens: obs.outputTokens,
    tokens_per_sec: tokensPerSec(obs.outputTokens, e2eMs),
    success: ok,
    request_id: spec.requestId,
    outcome: obs.outcome,
    http_status: obs.httpStatus,
    error: obs.error,
    error_code: ok ? null : obs.errorCode,
    timeout_kind: obs.timeoutKind,
    scheduled_at_ms: scheduled,
    sent_at_ms: obs.sentAtMs,
    ended_at_ms: obs.endedAtMs,
    queue_ms: scheduled === null ? null : obs.sentAtMs - scheduled,
    ttfb_ms: since(obs.ttfbAtMs),
    ttft_ms: ttftMs,
    ttfo_ms: since(obs.firstAnswerAtMs),
    e2e_ms: e2eMs,
    tpot_ms: tpotMs(e2eMs, ttftMs, obs.outputTokens),
    latency_from_schedule_ms: scheduled === null ? null : obs.endedAtMs - scheduled,
    itl_ms: obs.itlMs,
    tokens_source: obs.tokensSource,
    reasoning_tokens: obs.reasoningTokens,
    finish_reason: obs.finishReason,
    retries: obs.retries,
    retry_after_s: obs.retryAfterS,
    litellm_model_id: obs.litellmModelId,
    litellm_overhead_ms: obs.litellmOverheadMs,
  }
  // The two parts of queue_ms, when the spec knows them. A spec without them (a raw file
  // read back) leaves the fields out, so a file written before the split stays "unknown".
  // Set afterwards, not spread into the literal above (a spread there costs ~25 µs a record).
  if (spec.slotWaitMs !== undefined || spec.scheduleLagMs !== undefined) {
    record.slot_wait_ms = scheduled === null ? null : (spec.slotWaitMs ?? null)
    record.schedule_lag_ms = scheduled === null ? null : (spec.scheduleLagMs ?? null)
  }
  if (spec.sourceFields === undefined) return record
  Object.assign(record, spec.sourceFields)
  const requested = spec.sourceFields.requested_output_tokens
  // "Did the server honour the exact output length" (asked for only with exact_output); only
  // a completed answer can tell.
  if (requested !== undefined && spec.sourceFields.exact_output !== undefined)
    record.requested_output_met = ok ? obs.outputTokens === requested : null
  return record
}
