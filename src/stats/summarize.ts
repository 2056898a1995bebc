import type { ClientHealth, ErrorGroup, Outcome, RequestRecord, Summary, TokensSource } from '../types.js'
import { BoundedColumn, EXACT_SAMPLE_LIMIT } from './bounded-column.js'
import { createSourceStats } from './source-stats.js'

/** Run-level facts a summary carries that the records themselves do not. */
export interface SummaryInfo {
  runId: string
  target: string
  model: string
  workload: string
  startedAt: string
  offeredRps: number | null
  concurrency: number
  clientHealth: ClientHealth | null
}

export interface SummaryAccumulator {
  add(record: RequestRecord): void
  /** The summary of every record added so far; may be called again after more adds. */
  finish(info: SummaryInfo): Summary
}

/**
 * Inter-token gaps kept exactly per run, like every other metric; beyond this many, ITL
 * percentiles come from the metric's HdrHistogram (within 0.1 %), count, mean, min and max
 * stay exact. The distribution's `method` says which.
 */
export const ITL_EXACT_LIMIT = EXACT_SAMPLE_LIMIT

export interface SummaryAccumulatorOptions {
  /** Values kept exactly per metric before its percentiles come from a histogram (tests: small). */
  exactLimit?: number
  /** The same for inter-token gaps (many per request); default ITL_EXACT_LIMIT. */
  itlExactLimit?: number
}

/** A request counts as queued (or late) when it waited more than this for a slot (or the client). */
const QUEUED_THRESHOLD_MS = 1

const MAX_ERROR_EXAMPLES = 3

/**
 * Accumulates a run's records into numeric columns, one per metric, so no record object is
 * retained: a run summarizes from a stream. Each column is exact up to `exactLimit` values
 * and then an HdrHistogram (bounded-column.ts), so memory stays flat however long the run:
 * about 8 MB per metric at most, a few tens of KB once a histogram. Latency and token metrics
 * take successful requests only (a 429 answered in 2 ms must not improve the TTFT); every
 * record counts towards the totals, the success rate, the error groups and the window.
 */
export function createSummaryAccumulator(options: SummaryAccumulatorOptions = {}): SummaryAccumulator {
  const column = () => new BoundedColumn(options.exactLimit ?? EXACT_SAMPLE_LIMIT)
  const columns = {
    ttftMs: column(),
    ttfbMs: column(),
    ttfoMs: column(),
    e2eMs: column(),
    tpotMs: column(),
    queueMs: column(),
    latencyFromScheduleMs: column(),
    outputTokens: column(),
    inputTokens: column(),
    tokensPerSec: column(),
    proxyOverheadMs: column(),
  }
  const itlMs = new BoundedColumn(options.itlExactLimit ?? ITL_EXACT_LIMIT)
  const requests = { total: 0, ok: 0, failed: 0, aborted: 0, notSent: 0 }
  const tokensSources: Partial<Record<TokensSource, number>> = {}
  const errors = new Map<string, GroupTally>()
  let outputTokensOk = 0
  let queuedRequests = 0
  let lateRequests = 0
  let firstSentAtMs = Number.POSITIVE_INFINITY
  let lastEndedAtMs = Number.NEGATIVE_INFINITY
  const sources = createSourceStats()

  function pushIfNumber(column: BoundedColumn, value: number | null): void {
    if (value !== null && Number.isFinite(value)) column.push(value)
  }

  function add(record: RequestRecord): void {
    sources.add(record)
    requests.total++
    if (record.sent_at_ms < firstSentAtMs) firstSentAtMs = record.sent_at_ms
    if (record.ended_at_ms > lastEndedAtMs) lastEndedAtMs = record.ended_at_ms
    // Slot wait and the client's own lateness apart (issue 12); files written before the
    // split have only queue_ms, which stands for the slot wait as it did then.
    const slotWaitMs = record.slot_wait_ms === undefined ? record.queue_ms : record.slot_wait_ms
    if (slotWaitMs !== null && slotWaitMs > QUEUED_THRESHOLD_MS) queuedRequests++
    const scheduleLagMs = record.schedule_lag_ms ?? null
    if (scheduleLagMs !== null && scheduleLagMs > QUEUED_THRESHOLD_MS) lateRequests++

    if (record.outcome !== 'ok') {
      if (record.outcome === 'aborted') requests.aborted++
      else if (record.outcome === 'not_sent') requests.notSent++
      else requests.failed++
      // Records of older files carry no error_code: their status stands in for it.
      const errorCode = record.error_code ?? null
      const key = `${record.outcome} ${errorCode ?? record.http_status ?? ''}`
      let group = errors.get(key)
      if (group === undefined) {
        group = {
          outcome: record.outcome,
          errorCode,
          httpStatus: record.http_status,
          count: 0,
          examples: new Set(),
        }
        errors.set(key, group)
      }
      group.count++
      if (record.error !== null && record.error !== '' && group.examples.size < MAX_ERROR_EXAMPLES) {
        group.examples.add(record.error)
      }
      return
    }

    requests.ok++
    outputTokensOk += record.output_tokens
    tokensSources[record.tokens_source] = (tokensSources[record.tokens_source] ?? 0) + 1
    pushIfNumber(columns.ttftMs, record.ttft_ms)
    pushIfNumber(columns.ttfbMs, record.ttfb_ms)
    pushIfNumber(columns.ttfoMs, record.ttfo_ms)
    pushIfNumber(columns.e2eMs, record.e2e_ms)
    pushIfNumber(columns.tpotMs, record.tpot_ms)
    pushIfNumber(columns.queueMs, record.slot_wait_ms === undefined ? record.queue_ms : record.slot_wait_ms)
    pushIfNumber(columns.latencyFromScheduleMs, record.latency_from_schedule_ms)
    pushIfNumber(columns.outputTokens, record.output_tokens)
    pushIfNumber(columns.inputTokens, record.input_tokens)
    pushIfNumber(columns.tokensPerSec, record.tokens_per_sec)
    pushIfNumber(columns.proxyOverheadMs, record.litellm_overhead_ms)
    itlMs.pushAll(record.itl_ms)
  }

  function finish(info: SummaryInfo): Summary {
    const windowSec = requests.total === 0 ? 0 : Math.max(0, lastEndedAtMs - firstSentAtMs) / 1000
    const perSec = (amount: number) => (windowSec > 0 ? amount / windowSec : 0)
    return {
      runId: info.runId,
      target: info.target,
      model: info.model,
      workload: info.workload,
      startedAt: info.startedAt,
      windowSec,
      requests: { ...requests },
      // Over what the server was asked to do: aborted and never-sent requests are the
      // client's limit (k6's dropped iterations), never the server's failure.
      successRate: requests.ok + requests.failed === 0 ? 0 : requests.ok / (requests.ok + requests.failed),
      offeredRps: info.offeredRps,
      concurrency: info.concurrency,
      ttftMs: columns.ttftMs.distribution(),
      ttfbMs: columns.ttfbMs.distribution(),
      ttfoMs: columns.ttfoMs.distribution(),
      e2eMs: columns.e2eMs.distribution(),
      tpotMs: columns.tpotMs.distribution(),
      itlMs: itlMs.distribution(),
      queueMs: columns.queueMs.distribution(),
      latencyFromScheduleMs: columns.latencyFromScheduleMs.distribution(),
      outputTokens: columns.outputTokens.distribution(),
      inputTokens: columns.inputTokens.distribution(),
      tokensPerSec: columns.tokensPerSec.lowTailDistribution(),
      // "Completed" means completed successfully, as in vLLM's benchmark: a server that
      // answers 429 quickly must not look faster.
      requestThroughputPerSec: perSec(requests.ok),
      outputTokenThroughputPerSec: perSec(outputTokensOk),
      queuedRequests,
      lateRequests,
      tokensSources: { ...tokensSources },
      errors: errorGroups(errors),
      proxyOverheadMs: columns.proxyOverheadMs.distribution(),
      clientHealth: info.clientHealth,
      ...sources.finish(),
    }
  }

  return { add, finish }
}

/** Summarizes records from any iterable (an array, or a generator streaming a file). */
export function summarize(records: Iterable<RequestRecord>, info: SummaryInfo): Summary {
  const accumulator = createSummaryAccumulator()
  for (const record of records) accumulator.add(record)
  return accumulator.finish(info)
}

interface GroupTally {
  outcome: Outcome
  errorCode: string | null
  httpStatus: number | null
  count: number
  examples: Set<string>
}

// Most frequent first; ties in a stable order (outcome, status, code) so reports do not churn.
function errorGroups(groups: Map<string, GroupTally>): ErrorGroup[] {
  return [...groups.values()]
    .map((group) => ({
      outcome: group.outcome,
      error_code: group.errorCode,
      http_status: group.httpStatus,
      count: group.count,
      examples: [...group.examples],
    }))
    .sort(
      (a, b) =>
        b.count - a.count ||
        a.outcome.localeCompare(b.outcome) ||
        (a.http_status ?? -1) - (b.http_status ?? -1) ||
        (a.error_code ?? '').localeCompare(b.error_code ?? ''),
    )
}
