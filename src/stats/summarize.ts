import type {
  ClientHealth,
  Distribution,
  ErrorGroup,
  Outcome,
  RequestRecord,
  Summary,
  TokensSource,
} from '../types.js'
import { distribution, lowTailDistribution } from './distribution.js'
import { FloatColumn } from './float-column.js'
import { SampledColumn } from './sampled-column.js'
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
 * Inter-token gaps kept exactly per run; beyond this many, ITL percentiles come from a
 * uniform sample of this size (count, mean, min and max stay exact). 5,000,000 gaps is
 * 40 MB; a sample that large puts p99 within about ±0.005 percentile points of exact.
 */
export const ITL_EXACT_LIMIT = 5_000_000

/** A request counts as queued (or late) when it waited more than this for a slot (or the client). */
const QUEUED_THRESHOLD_MS = 1

const MAX_ERROR_EXAMPLES = 3

/**
 * Accumulates a run's records into numeric columns, one per metric, so no record object is
 * retained: a 1,000,000-request run summarizes from a stream. Latency and token metrics
 * take successful requests only (a 429 answered in 2 ms must not improve the TTFT); every
 * record counts towards the totals, the success rate, the error groups and the window.
 */
export function createSummaryAccumulator(options: { itlExactLimit?: number } = {}): SummaryAccumulator {
  const columns = {
    ttftMs: new FloatColumn(),
    ttfbMs: new FloatColumn(),
    ttfoMs: new FloatColumn(),
    e2eMs: new FloatColumn(),
    tpotMs: new FloatColumn(),
    queueMs: new FloatColumn(),
    latencyFromScheduleMs: new FloatColumn(),
    outputTokens: new FloatColumn(),
    inputTokens: new FloatColumn(),
    tokensPerSec: new FloatColumn(),
    proxyOverheadMs: new FloatColumn(),
  }
  const itlMs = new SampledColumn(options.itlExactLimit ?? ITL_EXACT_LIMIT)
  const requests = { total: 0, ok: 0, failed: 0, aborted: 0, notSent: 0 }
  const tokensSources: Partial<Record<TokensSource, number>> = {}
  const errors = new Map<string, GroupTally>()
  let outputTokensOk = 0
  let queuedRequests = 0
  let lateRequests = 0
  let firstSentAtMs = Number.POSITIVE_INFINITY
  let lastEndedAtMs = Number.NEGATIVE_INFINITY
  const sources = createSourceStats()

  function pushIfNumber(column: FloatColumn, value: number | null): void {
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
    for (const gapMs of record.itl_ms) if (Number.isFinite(gapMs)) itlMs.push(gapMs)
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
      ttftMs: distribution(columns.ttftMs.view()),
      ttfbMs: distribution(columns.ttfbMs.view()),
      ttfoMs: distribution(columns.ttfoMs.view()),
      e2eMs: distribution(columns.e2eMs.view()),
      tpotMs: distribution(columns.tpotMs.view()),
      itlMs: itlDistribution(itlMs),
      queueMs: distribution(columns.queueMs.view()),
      latencyFromScheduleMs: distribution(columns.latencyFromScheduleMs.view()),
      outputTokens: distribution(columns.outputTokens.view()),
      inputTokens: distribution(columns.inputTokens.view()),
      tokensPerSec: lowTailDistribution(columns.tokensPerSec.view()),
      // "Completed" means completed successfully, as in vLLM's benchmark: a server that
      // answers 429 quickly must not look faster.
      requestThroughputPerSec: perSec(requests.ok),
      outputTokenThroughputPerSec: perSec(outputTokensOk),
      queuedRequests,
      lateRequests,
      tokensSources: { ...tokensSources },
      errors: errorGroups(errors),
      proxyOverheadMs: distribution(columns.proxyOverheadMs.view()),
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

function itlDistribution(column: SampledColumn): Distribution | null {
  const fromValues = distribution(column.values())
  if (fromValues === null || !column.sampled) return fromValues
  // Percentiles from the sample; count, mean and extremes exact over every gap.
  return {
    ...fromValues,
    count: column.count,
    mean: column.sum / column.count,
    min: column.min,
    max: column.max,
  }
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
