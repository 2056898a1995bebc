import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
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

function isRecordLike(value: unknown): value is Partial<RequestRecord> & { success: boolean } {
  return typeof value === 'object' && value !== null && 'success' in value && 'model' in value
}

/**
 * Files written by the original Python tool carry only its nine documented fields; fill
 * the rest from them (seconds → ms) so both kinds summarize the same way.
 */
function normalizeRecord(value: Partial<RequestRecord> & { success: boolean }): RequestRecord {
  const ttftMs = value.ttft_ms ?? (typeof value.ttft === 'number' ? value.ttft * 1000 : null)
  const e2eMs = value.e2e_ms ?? (typeof value.total_time === 'number' ? value.total_time * 1000 : null)
  const outputTokens = value.output_tokens ?? 0
  const tpotMs =
    value.tpot_ms !== undefined
      ? value.tpot_ms
      : ttftMs !== null && e2eMs !== null && outputTokens > 1
        ? (e2eMs - ttftMs) / (outputTokens - 1)
        : null
  const sentAtMs = value.sent_at_ms ?? (typeof value.timestamp === 'number' ? value.timestamp * 1000 : 0)
  return {
    timestamp: value.timestamp ?? 0,
    model: value.model ?? '',
    prompt: value.prompt ?? '',
    ttft: value.ttft ?? null,
    total_time: value.total_time ?? null,
    input_tokens: value.input_tokens ?? null,
    output_tokens: outputTokens,
    tokens_per_sec: value.tokens_per_sec ?? null,
    success: value.success,
    request_id: value.request_id ?? 0,
    outcome: value.outcome ?? (value.success ? 'ok' : 'http_error'),
    http_status: value.http_status ?? null,
    error: value.error ?? null,
    timeout_kind: value.timeout_kind ?? null,
    scheduled_at_ms: value.scheduled_at_ms ?? null,
    sent_at_ms: sentAtMs,
    ended_at_ms: value.ended_at_ms ?? sentAtMs + (e2eMs ?? 0),
    queue_ms: value.queue_ms ?? null,
    ttfb_ms: value.ttfb_ms ?? null,
    ttft_ms: ttftMs,
    ttfo_ms: value.ttfo_ms ?? ttftMs,
    e2e_ms: e2eMs,
    tpot_ms: tpotMs,
    latency_from_schedule_ms: value.latency_from_schedule_ms ?? null,
    itl_ms: value.itl_ms ?? [],
    tokens_source: value.tokens_source ?? 'chunks',
    reasoning_tokens: value.reasoning_tokens ?? null,
    finish_reason: value.finish_reason ?? null,
    retries: value.retries ?? 0,
    retry_after_s: value.retry_after_s ?? null,
    litellm_model_id: value.litellm_model_id ?? null,
    litellm_overhead_ms: value.litellm_overhead_ms ?? null,
  }
}
