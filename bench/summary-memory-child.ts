// One side of the summary-memory section, in its own process so that its peak RSS is its
// own: `--mode summary` adds synthetic records through createSummaryAccumulator (the
// product's summary path, every column a BoundedColumn), `--mode bounded` pushes synthetic records through BoundedColumn (exact up to 1 M
// values per metric, then HdrHistogram), `--mode exact` through the FloatColumns the summary
// kept before every column was bounded (the reference: one float per metric per record).
import { BoundedColumn } from '../src/stats/bounded-column.js'
import { FloatColumn } from '../src/stats/float-column.js'
import { createSummaryAccumulator, type SummaryInfo } from '../src/stats/summarize.js'
import type { RequestRecord } from '../src/types.js'
import { readMemory, retainedBytes } from './process-stats.js'
import { argValue } from './servers/sse-chunks.js'

/** The per-request metrics summarize() keeps a column for (ttft, ttfb, ttfo, e2e, tpot, …). */
export const METRICS_PER_RECORD = 11

export interface SummaryMemoryResult {
  records: number
  retainedBytes: number
  peakRssBytes: number
  baseRssBytes: number
  seconds: number
  /** p99 of the first metric (TTFT-like), and how it was computed. */
  p99: number
  method: string
}

// A full GC frees large typed arrays' memory on a background thread, after gc() returns: read
// memory after a second GC a moment later, or the exact phase's dropped columns still count.
async function settledMemory() {
  readMemory(true)
  await new Promise((resolve) => setTimeout(resolve, 200))
  return readMemory(true)
}

async function main(): Promise<void> {
  const mode = argValue('--mode') ?? 'bounded'
  const records = Number(argValue('--records') ?? 20_000_000)
  const before = await settledMemory()
  const baseRss = process.resourceUsage().maxRSS * 1024
  const startMs = performance.now()
  let seed = 12345
  // A fixed LCG: the same synthetic values in both modes, no allocation per value.
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    return seed / 4294967296
  }
  let p99 = Number.NaN
  let method = 'exact'
  if (mode === 'exact') {
    const columns = Array.from({ length: METRICS_PER_RECORD }, () => new FloatColumn())
    for (let r = 0; r < records; r++) {
      for (let m = 0; m < METRICS_PER_RECORD; m++)
        (columns[m] as FloatColumn).push(20 + 200 * next() * next())
    }
    const after = await settledMemory()
    const sorted = (columns[0] as FloatColumn).view().slice().sort()
    p99 = sorted[Math.floor(0.99 * (sorted.length - 1))] as number
    send(records, retainedBytes(after) - retainedBytes(before), baseRss, startMs, p99, method)
  } else if (mode === 'summary') {
    // The product's path: one record object, mutated and added, as a stream of records is.
    const accumulator = createSummaryAccumulator()
    const record = syntheticRecord()
    for (let r = 0; r < records; r++) {
      record.request_id = r
      record.ttft_ms = 20 + 200 * next() * next()
      record.ttfb_ms = 20 + 200 * next() * next()
      record.ttfo_ms = 20 + 200 * next() * next()
      record.e2e_ms = 20 + 200 * next() * next()
      record.tpot_ms = 20 + 200 * next() * next()
      record.queue_ms = 20 + 200 * next() * next()
      record.latency_from_schedule_ms = 20 + 200 * next() * next()
      record.output_tokens = 20 + 200 * next() * next()
      record.input_tokens = 20 + 200 * next() * next()
      record.tokens_per_sec = 20 + 200 * next() * next()
      record.litellm_overhead_ms = 20 + 200 * next() * next()
      accumulator.add(record)
    }
    const after = await settledMemory()
    const d = accumulator.finish(SUMMARY_INFO).ttftMs
    p99 = d?.p99 ?? Number.NaN
    method = d?.method ?? 'exact'
    send(records, retainedBytes(after) - retainedBytes(before), baseRss, startMs, p99, method)
  } else {
    const columns = Array.from({ length: METRICS_PER_RECORD }, () => new BoundedColumn())
    for (let r = 0; r < records; r++) {
      for (let m = 0; m < METRICS_PER_RECORD; m++)
        (columns[m] as BoundedColumn).push(20 + 200 * next() * next())
    }
    const after = await settledMemory()
    const d = (columns[0] as BoundedColumn).distribution()
    p99 = d?.p99 ?? Number.NaN
    method = d?.method ?? 'exact'
    send(records, retainedBytes(after) - retainedBytes(before), baseRss, startMs, p99, method)
  }
}

const SUMMARY_INFO: SummaryInfo = {
  runId: 'bench_soak',
  target: 'bench',
  model: 'bench',
  workload: 'soak',
  startedAt: '2026-01-01T00:00:00.000Z',
  offeredRps: 1000,
  concurrency: 64,
  clientHealth: null,
}

/** A successful record; the summary-memory loop overwrites its 11 metrics each time. */
function syntheticRecord(): RequestRecord {
  return {
    timestamp: 0,
    model: 'bench',
    prompt: 'p',
    ttft: null,
    total_time: null,
    input_tokens: 0,
    output_tokens: 0,
    tokens_per_sec: 0,
    success: true,
    request_id: 0,
    outcome: 'ok',
    http_status: 200,
    error: null,
    error_code: null,
    timeout_kind: null,
    scheduled_at_ms: 0,
    sent_at_ms: 0,
    ended_at_ms: 1,
    queue_ms: 0,
    ttfb_ms: 0,
    ttft_ms: 0,
    ttfo_ms: 0,
    e2e_ms: 0,
    tpot_ms: 0,
    latency_from_schedule_ms: 0,
    itl_ms: [],
    tokens_source: 'usage',
    reasoning_tokens: null,
    finish_reason: 'stop',
    retries: 0,
    retry_after_s: null,
    litellm_model_id: null,
    litellm_overhead_ms: null,
  }
}

function send(
  records: number,
  retained: number,
  baseRss: number,
  startMs: number,
  p99: number,
  method: string,
): void {
  const result: SummaryMemoryResult = {
    records,
    retainedBytes: retained,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    baseRssBytes: baseRss,
    seconds: (performance.now() - startMs) / 1000,
    p99,
    method,
  }
  process.send?.({ type: 'result', result })
}

await main()
