import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { buildRecord } from '../client/build-record.js'
import { httpErrorCode } from '../http/error-code.js'
import type { RequestRecord } from '../types.js'

export interface RawReadReport {
  lines: number
  records: number
  /** Lines that were not valid records: 1-based line number and why. */
  skipped: Array<{ line: number; reason: string }>
}

/**
 * Streams a raw JSONL file record by record (a million-line file is never held in
 * memory). A torn or invalid line, typically the last one of a killed run, is reported
 * and skipped rather than failing the whole file.
 */
export async function readRawRecords(
  path: string,
  onRecord: (record: RequestRecord) => void,
): Promise<RawReadReport> {
  const report: RawReadReport = { lines: 0, records: 0, skipped: [] }
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY })
  for await (const line of lines) {
    report.lines++
    if (line.trim() === '') continue
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch {
      report.skipped.push({ line: report.lines, reason: 'not valid JSON (torn or corrupted line)' })
      continue
    }
    if (!isRecordLike(value)) {
      report.skipped.push({
        line: report.lines,
        reason: 'not a request record (missing success/model/total_time)',
      })
      continue
    }
    report.records++
    onRecord(normalizeRecord(value))
  }
  return report
}

export function isRecordLike(value: unknown): value is Partial<RequestRecord> & { success: boolean } {
  return typeof value === 'object' && value !== null && 'success' in value && 'model' in value
}

/**
 * Files written by the original Python tool carry only its nine documented fields; the
 * rest is derived by the one record builder (seconds → ms, TPOT) so both kinds summarize
 * the same way. Fields a file does carry are kept as written: a raw file is evidence.
 */
export function normalizeRecord(value: Partial<RequestRecord> & { success: boolean }): RequestRecord {
  const ttftMs = value.ttft_ms ?? (typeof value.ttft === 'number' ? value.ttft * 1000 : null)
  const e2eMs = value.e2e_ms ?? (typeof value.total_time === 'number' ? value.total_time * 1000 : null)
  const sentAtMs = value.sent_at_ms ?? (typeof value.timestamp === 'number' ? value.timestamp * 1000 : 0)
  const outcome = value.outcome ?? (value.success ? 'ok' : 'http_error')
  const httpStatus = value.http_status ?? null
  // Times relative to the send (sentAtMs 0), so no precision is lost to epoch-sized offsets.
  const built = buildRecord(
    {
      requestId: value.request_id ?? 0,
      model: value.model ?? '',
      prompt: value.prompt ?? '',
      scheduledAtMs: null,
    },
    {
      runStartEpochMs: 0,
      outcome,
      errorCode: outcome === 'http_error' ? httpErrorCode(httpStatus) : outcome.toUpperCase(),
      error: value.error ?? null,
      timeoutKind: value.timeout_kind ?? null,
      httpStatus,
      sentAtMs: 0,
      endedAtMs: e2eMs ?? 0,
      ttfbAtMs: value.ttfb_ms ?? null,
      firstTokenAtMs: ttftMs,
      firstAnswerAtMs: value.ttfo_ms ?? ttftMs,
      outputTokens: value.output_tokens ?? 0,
      tokensSource: value.tokens_source ?? 'chunks',
      inputTokens: value.input_tokens ?? null,
      reasoningTokens: value.reasoning_tokens ?? null,
      finishReason: value.finish_reason ?? null,
      itlMs: value.itl_ms ?? [],
      retries: value.retries ?? 0,
      retryAfterS: value.retry_after_s ?? null,
      litellmModelId: value.litellm_model_id ?? null,
      litellmOverheadMs: value.litellm_overhead_ms ?? null,
    },
  )
  const written = Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined))
  return {
    ...built,
    timestamp: value.timestamp ?? 0,
    ttft: value.ttft ?? null,
    total_time: value.total_time ?? null,
    tokens_per_sec: value.tokens_per_sec ?? null,
    sent_at_ms: sentAtMs,
    ended_at_ms: value.ended_at_ms ?? sentAtMs + (e2eMs ?? 0),
    queue_ms: value.queue_ms ?? null,
    e2e_ms: e2eMs,
    latency_from_schedule_ms: value.latency_from_schedule_ms ?? null,
    ...written,
    outcome,
  }
}
