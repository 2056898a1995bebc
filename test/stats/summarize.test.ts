import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { createSummaryAccumulator, type SummaryInfo, summarize } from '../../src/stats/summarize.js'
import type { Distribution, LowTailDistribution, RequestRecord } from '../../src/types.js'

const INFO: SummaryInfo = {
  runId: 'bench_sim_tiny-model_smoke_20251128_132500',
  target: 'sim',
  model: 'tiny-model',
  workload: 'smoke',
  startedAt: '2025-11-28T13:25:00.000Z',
  offeredRps: 2,
  concurrency: 4,
  clientHealth: null,
}

function readFixture(): RequestRecord[] {
  const text = readFileSync(new URL('../fixtures/records/small.jsonl', import.meta.url), 'utf8')
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RequestRecord)
}

function assertDistribution(
  actual: Distribution | LowTailDistribution | null,
  expected: Record<string, number>,
  name: string,
): void {
  assert.ok(actual, `${name} is null`)
  for (const [key, value] of Object.entries(expected)) {
    const got = (actual as unknown as Record<string, number>)[key]
    assert.ok(
      got !== undefined && Math.abs(got - value) < 1e-9,
      `${name}.${key}: expected ${value}, got ${got}`,
    )
  }
}

function okRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    timestamp: 0,
    model: 'm',
    prompt: 'p',
    ttft: 0.01,
    total_time: 0.02,
    input_tokens: 3,
    output_tokens: 3,
    tokens_per_sec: 150,
    success: true,
    request_id: 0,
    outcome: 'ok',
    http_status: null,
    error: null,
    error_code: null,
    timeout_kind: null,
    scheduled_at_ms: 0,
    sent_at_ms: 0,
    ended_at_ms: 20,
    queue_ms: 0,
    ttfb_ms: 5,
    ttft_ms: 10,
    ttfo_ms: 10,
    e2e_ms: 20,
    tpot_ms: 5,
    latency_from_schedule_ms: 20,
    itl_ms: [5, 5],
    tokens_source: 'usage',
    reasoning_tokens: null,
    finish_reason: 'stop',
    retries: 0,
    retry_after_s: null,
    litellm_model_id: null,
    litellm_overhead_ms: null,
    ...overrides,
  }
}

function failedRecord(overrides: Partial<RequestRecord>): RequestRecord {
  return okRecord({
    success: false,
    outcome: 'http_error',
    ttft: null,
    total_time: null,
    output_tokens: 0,
    tokens_per_sec: null,
    ttft_ms: null,
    ttfo_ms: null,
    e2e_ms: null,
    tpot_ms: null,
    itl_ms: [],
    tokens_source: 'chunks',
    ...overrides,
  })
}

// test/fixtures/records/small.jsonl: 7 records.
//   1 ok   sent 0    end 1000  ttfb 80  ttft 100 ttfo 100 e2e 1000 out 10 in 20   tps 10   tpot 100 itl [90,100,110] usage     overhead 5
//   2 ok   sent 500  end 2500  ttfb 150 ttft 200 ttfo 200 e2e 2000 out 37 in 30   tps 18.5 tpot 50  itl [40,50,60]   usage     overhead 7
//   3 ok   sent 1000 end 2500  ttfb 250 ttft 300 ttfo 300 e2e 1500 out 21 in null tps 14   tpot 60  itl [60]          tokenizer
//   4 ok   sched 1950 sent 2000 (queue 50) end 5000 ttfb 350 ttft 400 ttfo 600 e2e 3000 out 66 in 50 tps 22 tpot 40 itl [30,50] usage overhead 9
//   5 http_error 429  sent 2500 end 2520
//   6 timeout         sent 3000 end 5000
//   7 not_sent (never got a slot) sched 4500 sent = end = 5000, queue 500
describe('summarize the small fixture', () => {
  const summary = summarize(readFixture(), INFO)

  test('counts every record; success rate is ok / (ok + failed), not_sent apart', () => {
    assert.deepEqual(summary.requests, { total: 7, ok: 4, failed: 2, aborted: 0, notSent: 1 })
    assert.equal(summary.successRate, 4 / 6)
    // queue_ms > 1: record 4 (50 ms) and record 7 (500 ms)
    assert.equal(summary.queuedRequests, 2)
  })

  test('window is first send → last end over all records; throughput counts successful work', () => {
    // first sent_at 0, last ended_at 5000 → 5 s
    assert.equal(summary.windowSec, 5)
    // 4 successful requests / 5 s
    assert.equal(summary.requestThroughputPerSec, 0.8)
    // (10 + 37 + 21 + 66) = 134 tokens / 5 s
    assert.equal(summary.outputTokenThroughputPerSec, 26.8)
  })

  test('latency metrics cover the 4 successful requests only', () => {
    // TTFT [100, 200, 300, 400]: mean 250; p50 h=1.5 → 250; p90 h=2.7 → 370; p95 → 385; p99 → 397
    assertDistribution(
      summary.ttftMs,
      { count: 4, mean: 250, p50: 250, p90: 370, p95: 385, p99: 397, min: 100, max: 400 },
      'ttft',
    )
    // TTFB [80, 150, 250, 350]: mean 830/4 = 207.5; p50 200; p90 250 + 0.7 × 100 = 320; p99 347
    assertDistribution(summary.ttfbMs, { count: 4, mean: 207.5, p50: 200, p90: 320, p99: 347 }, 'ttfb')
    // TTFO [100, 200, 300, 600]: mean 300; p90 300 + 0.7 × 300 = 510
    assertDistribution(summary.ttfoMs, { mean: 300, p50: 250, p90: 510, max: 600 }, 'ttfo')
    // e2e [1000, 1500, 2000, 3000]: mean 7500/4 = 1875; p50 1750; p90 2700; p95 2850; p99 2970
    assertDistribution(
      summary.e2eMs,
      { count: 4, mean: 1875, p50: 1750, p90: 2700, p95: 2850, p99: 2970 },
      'e2e',
    )
    // tpot [40, 50, 60, 100]: mean 62.5; p50 55; p90 60 + 0.7 × 40 = 88; p99 98.8
    assertDistribution(summary.tpotMs, { mean: 62.5, p50: 55, p90: 88, p99: 98.8 }, 'tpot')
    // queue of the successful ones [0, 0, 0, 50]: mean 12.5; p90 35; p99 48.5 (record 7's 500 ms is not here)
    assertDistribution(
      summary.queueMs,
      { count: 4, mean: 12.5, p50: 0, p90: 35, p99: 48.5, max: 50 },
      'queue',
    )
    // schedule → end [1000, 2000, 1500, 3050]: mean 7550/4 = 1887.5; p90 2000 + 0.7 × 1050 = 2735
    assertDistribution(summary.latencyFromScheduleMs, { mean: 1887.5, p50: 1750, p90: 2735 }, 'from schedule')
    // overhead [5, 7, 9] (record 3 has none): mean 7; p90 h=1.8 → 8.6
    assertDistribution(summary.proxyOverheadMs, { count: 3, mean: 7, p50: 7, p90: 8.6 }, 'overhead')
  })

  test('ITL pools every gap of successful requests', () => {
    // [90,100,110, 40,50,60, 60, 30,50] sorted [30,40,50,50,60,60,90,100,110]: sum 590, mean 590/9;
    // p50 h=4 → 60; p90 h=7.2 → 100 + 0.2 × 10 = 102; p95 h=7.6 → 106; p99 h=7.92 → 109.2
    assertDistribution(
      summary.itlMs,
      { count: 9, mean: 590 / 9, p50: 60, p90: 102, p95: 106, p99: 109.2, min: 30, max: 110 },
      'itl',
    )
  })

  test('token counts and tokens/sec low tail', () => {
    // output [10, 21, 37, 66]: mean 134/4 = 33.5; p50 29
    assertDistribution(summary.outputTokens, { count: 4, mean: 33.5, p50: 29 }, 'output tokens')
    // input [20, 30, 50] (record 3 unknown): mean 100/3
    assertDistribution(summary.inputTokens, { count: 3, mean: 100 / 3, p50: 30 }, 'input tokens')
    // tps [10, 14, 18.5, 22]: mean 16.125; p50 16.25; p10 11.2; p5 10.6; p1 10.12
    assertDistribution(
      summary.tokensPerSec,
      { count: 4, mean: 16.125, p50: 16.25, p10: 11.2, p5: 10.6, p1: 10.12, min: 10, max: 22 },
      'tps',
    )
  })

  test('tokens sources of successful requests, error groups of the rest', () => {
    assert.deepEqual(summary.tokensSources, { usage: 3, tokenizer: 1 })
    assert.deepEqual(summary.errors, [
      {
        outcome: 'http_error',
        error_code: 'HTTP_429',
        http_status: 429,
        count: 1,
        examples: ['HTTP 429: Rate limit exceeded'],
      },
      {
        outcome: 'not_sent',
        error_code: 'NOT_SENT',
        http_status: null,
        count: 1,
        examples: ['Not sent: no concurrency slot was free before the run ended'],
      },
      {
        outcome: 'timeout',
        error_code: 'TIMEOUT_TOTAL',
        http_status: null,
        count: 1,
        examples: ['No response within 2000 ms (total timeout)'],
      },
    ])
  })

  test('carries the run-level facts through', () => {
    assert.equal(summary.runId, INFO.runId)
    assert.equal(summary.offeredRps, 2)
    assert.equal(summary.concurrency, 4)
    assert.equal(summary.clientHealth, null)
  })
})

test('error groups: by error_code, most frequent first, at most 3 distinct examples', () => {
  const http = (status: number, error: string | null) =>
    failedRecord({ http_status: status, error_code: `HTTP_${status}`, error })
  const network = (code: string) =>
    failedRecord({ outcome: 'network_error', http_status: null, error_code: code, error: `${code}: connect` })
  const records = [
    http(429, 'slow down'),
    http(429, 'slow down'),
    http(429, 'quota A'),
    http(429, 'quota B'),
    http(429, 'quota C'),
    http(500, 'boom'),
    http(500, null),
    // A refused connection and a reset one are two causes, so two groups.
    network('ECONNRESET'),
    network('ECONNREFUSED'),
    network('ECONNREFUSED'),
    okRecord(),
  ]
  const summary = summarize(records, INFO)
  const group = (
    outcome: string,
    error_code: string,
    http_status: number | null,
    count: number,
    examples: string[],
  ) => ({ outcome, error_code, http_status, count, examples })
  assert.deepEqual(summary.errors, [
    group('http_error', 'HTTP_429', 429, 5, ['slow down', 'quota A', 'quota B']),
    group('http_error', 'HTTP_500', 500, 2, ['boom']),
    group('network_error', 'ECONNREFUSED', null, 2, ['ECONNREFUSED: connect']),
    group('network_error', 'ECONNRESET', null, 1, ['ECONNRESET: connect']),
  ])
  assert.deepEqual(summary.requests, { total: 11, ok: 1, failed: 10, aborted: 0, notSent: 0 })
})

test('success rate is ok / (ok + failures): aborted and not_sent are counted apart', () => {
  const records = [
    okRecord(),
    okRecord(),
    okRecord(),
    failedRecord({ outcome: 'timeout', error_code: 'TIMEOUT_IDLE' }),
    failedRecord({ outcome: 'aborted', error_code: 'ABORTED' }),
    failedRecord({ outcome: 'not_sent', error_code: 'NOT_SENT' }),
    failedRecord({ outcome: 'not_sent', error_code: 'NOT_SENT' }),
  ]
  const summary = summarize(records, INFO)
  assert.deepEqual(summary.requests, { total: 7, ok: 3, failed: 1, aborted: 1, notSent: 2 })
  // 3 ok / (3 ok + 1 timeout) = 0.75, whatever the 3 the client cut or never sent
  assert.equal(summary.successRate, 0.75)
})

test('no records: zero counts and rates, null distributions', () => {
  const summary = summarize([], INFO)
  assert.deepEqual(summary.requests, { total: 0, ok: 0, failed: 0, aborted: 0, notSent: 0 })
  assert.equal(summary.successRate, 0)
  assert.equal(summary.windowSec, 0)
  assert.equal(summary.requestThroughputPerSec, 0)
  assert.equal(summary.ttftMs, null)
  assert.equal(summary.tokensPerSec, null)
  assert.deepEqual(summary.errors, [])
})

test('only failures: latency metrics are null, not zero; window still spans them', () => {
  const summary = summarize(
    [
      failedRecord({ sent_at_ms: 100, ended_at_ms: 300 }),
      failedRecord({ sent_at_ms: 200, ended_at_ms: 1100 }),
    ],
    INFO,
  )
  assert.equal(summary.windowSec, 1)
  assert.equal(summary.successRate, 0)
  assert.equal(summary.ttftMs, null)
  assert.equal(summary.itlMs, null)
  assert.equal(summary.outputTokenThroughputPerSec, 0)
})

test('finish can be called again after more records', () => {
  const accumulator = createSummaryAccumulator()
  accumulator.add(okRecord({ ttft_ms: 10 }))
  assert.equal(accumulator.finish(INFO).ttftMs?.mean, 10)
  accumulator.add(okRecord({ ttft_ms: 30 }))
  assert.equal(accumulator.finish(INFO).ttftMs?.mean, 20)
})

test('200,000 records summarize from columns: one reused record object gives exact results', () => {
  // The same object is mutated and added 200,000 times: an accumulator that kept record
  // references would see 200,000 copies of the last values.
  const accumulator = createSummaryAccumulator()
  const record = okRecord()
  for (let i = 0; i < 200_000; i++) {
    record.request_id = i
    record.ttft_ms = (i % 1000) + 1 // 1..1000, each 200 times
    record.sent_at_ms = i * 5
    record.ended_at_ms = i * 5 + 5 // last end 1,000,000 ms
    record.tokens_per_sec = (i % 100) + 1 // 1..100, each 2,000 times
    record.itl_ms[0] = i % 2
    record.itl_ms[1] = 10
    accumulator.add(record)
  }
  const failure = failedRecord({ outcome: 'timeout', sent_at_ms: 0, ended_at_ms: 10, error: 'idle' })
  for (let i = 0; i < 1000; i++) accumulator.add(failure)
  const summary = accumulator.finish(INFO)
  assert.deepEqual(summary.requests, { total: 201_000, ok: 200_000, failed: 1000, aborted: 0, notSent: 0 })
  assert.equal(summary.successRate, 200_000 / 201_000)
  // window 0 → 1,000,000 ms = 1000 s; 200,000 ok / 1000 s; 3 tokens each → 600 tokens/s
  assert.equal(summary.windowSec, 1000)
  assert.equal(summary.requestThroughputPerSec, 200)
  assert.equal(summary.outputTokenThroughputPerSec, 600)
  // Value k (1..1000) fills sorted positions 200(k−1) .. 200k−1. p50: h = 0.5 × 199,999 = 99,999.5
  // between 500 and 501 → 500.5; p90: h = 179,999.1 → 900 + 0.1 = 900.1; p99: h = 197,999.01 → 990.01
  assertDistribution(
    summary.ttftMs,
    { count: 200_000, mean: 500.5, p50: 500.5, p90: 900.1, p99: 990.01, min: 1, max: 1000 },
    'ttft',
  )
  // tps value k (1..100) fills positions 2000(k−1) .. 2000k−1. p10: h = 19,999.9 → 10 + 0.9 = 10.9;
  // p1: h = 1,999.99 → 1 + 0.99 = 1.99
  assertDistribution(summary.tokensPerSec, { count: 200_000, mean: 50.5, p10: 10.9, p1: 1.99 }, 'tps')
  // 400,000 gaps: 100,000 zeros, 100,000 ones, 200,000 tens → mean (100,000 + 2,000,000) / 400,000 = 5.25
  assertDistribution(summary.itlMs, { count: 400_000, mean: 5.25, min: 0, max: 10, p50: 5.5, p90: 10 }, 'itl')
  assert.deepEqual(summary.errors, [
    { outcome: 'timeout', error_code: null, http_status: null, count: 1000, examples: ['idle'] },
  ])
})
