import { buildRecord, emptyObservation } from '../client/build-record.js'
import type { SourceRecordFields } from '../client/request-spec.js'
import type { ClientErrorCode } from '../http/error-code.js'
import type { Outcome, RequestRecord } from '../types.js'

/**
 * The record of a request that got no response at all: one the schedule asked for but
 * that never got a concurrency slot before the run ended (not_sent), or one whose worker
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
  errorCode?: ClientErrorCode
  /** Open loop: the wait for a slot that never came, and the executor's lateness before it. */
  slotWaitMs?: number
  scheduleLagMs?: number
  /** A prompt source's fields (session and turn), so a turn never sent still names its session. */
  sourceFields?: SourceRecordFields
}): RequestRecord {
  const outcome = args.outcome ?? 'not_sent'
  // Never sent: "sent" is when it was given up, so queue_ms is the whole wait.
  return buildRecord(
    {
      requestId: args.requestId,
      model: args.model,
      prompt: args.prompt,
      scheduledAtMs: args.scheduledAtMs,
      slotWaitMs: args.slotWaitMs ?? null,
      scheduleLagMs: args.scheduleLagMs ?? null,
      ...(args.sourceFields === undefined ? {} : { sourceFields: args.sourceFields }),
    },
    emptyObservation({
      runStartEpochMs: args.runStartEpochMs,
      outcome,
      errorCode: args.errorCode ?? (outcome === 'not_sent' ? 'NOT_SENT' : 'NETWORK_ERROR'),
      error: args.reason,
      sentAtMs: args.endedAtMs,
      endedAtMs: args.endedAtMs,
    }),
  )
}
