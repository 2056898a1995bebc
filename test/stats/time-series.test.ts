import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createTimeSeriesAccumulator, type TimeSeriesBucket } from '../../src/stats/time-series.js'
import type { Outcome, RequestRecord } from '../../src/types.js'

function record(
  endedAtMs: number,
  outcome: Outcome,
  fields: { ttftMs?: number; e2eMs?: number; outputTokens?: number } = {},
): RequestRecord {
  const ok = outcome === 'ok'
  return {
    timestamp: 1_800_000_000 + endedAtMs / 1000,
    model: 'm',
    prompt: 'p',
    ttft: ok ? (fields.ttftMs ?? 0) / 1000 : null,
    total_time: ok ? (fields.e2eMs ?? 0) / 1000 : null,
    input_tokens: 10,
    output_tokens: fields.outputTokens ?? 0,
    tokens_per_sec: null,
    success: ok,
    request_id: 0,
    outcome,
    http_status: outcome === 'http_error' ? 500 : ok ? 200 : null,
    error: ok ? null : 'boom',
    error_code: ok ? null : 'HTTP_500',
    timeout_kind: outcome === 'timeout' ? 'total' : null,
    scheduled_at_ms: null,
    sent_at_ms: endedAtMs - (fields.e2eMs ?? 0),
    ended_at_ms: endedAtMs,
    queue_ms: null,
    ttfb_ms: null,
    ttft_ms: ok ? (fields.ttftMs ?? null) : null,
    ttfo_ms: null,
    e2e_ms: ok ? (fields.e2eMs ?? null) : null,
    tpot_ms: null,
    latency_from_schedule_ms: null,
    itl_ms: [],
    tokens_source: 'usage',
    reasoning_tokens: null,
    finish_reason: ok ? 'stop' : null,
    retries: 0,
    retry_after_s: null,
    litellm_model_id: null,
    litellm_overhead_ms: null,
  }
}

// Buckets by end time (1 s): 0 → A B C, 1 → D E, 2 → empty, 3 → F G H.
// Added out of order: the raw file is in completion order, which is not guaranteed sorted.
const FIXTURE: RequestRecord[] = [
  record(3000, 'ok', { ttftMs: 30, e2eMs: 300, outputTokens: 5 }), // F
  record(200, 'ok', { ttftMs: 50, e2eMs: 200, outputTokens: 10 }), // A
  record(950, 'http_error'), // C
  record(900, 'ok', { ttftMs: 70, e2eMs: 400, outputTokens: 20 }), // B
  record(1500, 'ok', { ttftMs: 100, e2eMs: 600, outputTokens: 30 }), // D
  record(1999.9, 'timeout'), // E
  record(3200, 'ok', { ttftMs: 90, e2eMs: 700, outputTokens: 5 }), // H
  record(3100, 'ok', { ttftMs: 40, e2eMs: 500, outputTokens: 5 }), // G
]

function close(actual: number | undefined, expected: number, label: string): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${label}: ${actual} ≠ ${expected}`)
}

function seriesOf(records: RequestRecord[], bucketMs?: number) {
  const accumulator = createTimeSeriesAccumulator(bucketMs)
  for (const r of records) accumulator.add(r)
  return accumulator.finish()
}

describe('createTimeSeriesAccumulator', () => {
  test('counts completed, ok, failed and output tokens per second of end time, empty seconds included', () => {
    const series = seriesOf(FIXTURE)
    assert.equal(series.bucketSec, 1)
    const counts = series.buckets.map((b: TimeSeriesBucket) => [
      b.startSec,
      b.completed,
      b.ok,
      b.failed,
      b.outputTokens,
    ])
    assert.deepEqual(counts, [
      [0, 3, 2, 1, 30],
      [1, 2, 1, 1, 30],
      [2, 0, 0, 0, 0],
      [3, 3, 3, 0, 15],
    ])
    close(series.buckets[0]?.errorRate, 1 / 3, 'error rate 0')
    assert.equal(series.buckets[1]?.errorRate, 0.5)
    assert.equal(series.buckets[2]?.errorRate, 0)
    assert.equal(series.buckets[3]?.requestsPerSec, 3)
    assert.equal(series.buckets[0]?.outputTokensPerSec, 30)
  })

  test('latency per bucket is the mean and exact linear p50/p95 of ok requests ending in it', () => {
    const [b0, b1, b2, b3] = seriesOf(FIXTURE).buckets
    // Bucket 0: TTFT {50, 70}: p95 = 50 + 0.95 × 20 = 69; e2e {200, 400}: p95 = 390.
    close(b0?.ttftMs?.mean, 60, 'b0 ttft mean')
    close(b0?.ttftMs?.p50, 60, 'b0 ttft p50')
    close(b0?.ttftMs?.p95, 69, 'b0 ttft p95')
    close(b0?.e2eMs?.mean, 300, 'b0 e2e mean')
    close(b0?.e2eMs?.p95, 390, 'b0 e2e p95')
    // Bucket 1: only D is ok.
    assert.deepEqual(b1?.ttftMs, { mean: 100, p50: 100, p95: 100 })
    assert.deepEqual(b1?.e2eMs, { mean: 600, p50: 600, p95: 600 })
    assert.equal(b2?.ttftMs, null)
    assert.equal(b2?.e2eMs, null)
    // Bucket 3: TTFT {30, 40, 90}: mean 160/3, p50 40, p95 at index 1.9 = 40 + 0.9 × 50 = 85.
    close(b3?.ttftMs?.mean, 160 / 3, 'b3 ttft mean')
    close(b3?.ttftMs?.p50, 40, 'b3 ttft p50')
    close(b3?.ttftMs?.p95, 85, 'b3 ttft p95')
    // e2e {300, 500, 700}: p95 = 500 + 0.9 × 200 = 680.
    close(b3?.e2eMs?.mean, 500, 'b3 e2e mean')
    close(b3?.e2eMs?.p95, 680, 'b3 e2e p95')
  })

  test('the TTFT CDF of a small run is every sorted sample at k / (n − 1)', () => {
    const { ttftCdf } = seriesOf(FIXTURE)
    const expected = [
      [30, 0],
      [40, 0.2],
      [50, 0.4],
      [70, 0.6],
      [90, 0.8],
      [100, 1],
    ]
    assert.equal(ttftCdf.length, expected.length)
    ttftCdf.forEach((point, i) => {
      close(point.ttftMs, expected[i]?.[0] ?? Number.NaN, `cdf ${i} ms`)
      close(point.fraction, expected[i]?.[1] ?? Number.NaN, `cdf ${i} fraction`)
    })
  })

  test('the TTFT CDF of a large run is capped at 200 sample quantiles', () => {
    // TTFT 1..1000 ms, all ending in the first second.
    const records = Array.from({ length: 1000 }, (_, i) => record(500, 'ok', { ttftMs: i + 1, e2eMs: 900 }))
    const { ttftCdf, buckets } = seriesOf(records)
    assert.equal(ttftCdf.length, 200)
    assert.deepEqual(ttftCdf[0], { ttftMs: 1, fraction: 0 })
    assert.deepEqual(ttftCdf[199], { ttftMs: 1000, fraction: 1 })
    // k = 100: fraction 100/199, index 999 × 100/199 = 502.0100502…, value 1 + that.
    close(ttftCdf[100]?.fraction, 100 / 199, 'fraction 100')
    close(ttftCdf[100]?.ttftMs, 1 + 99_900 / 199, 'ttft 100')
    // p50 of 1..1000 = 500.5; p95 at index 949.05 → 950.05.
    close(buckets[0]?.ttftMs?.p50, 500.5, 'p50')
    close(buckets[0]?.ttftMs?.p95, 950.05, 'p95')
  })

  test('half-second buckets report per-second rates', () => {
    const series = seriesOf(FIXTURE, 500)
    assert.equal(series.bucketSec, 0.5)
    // Buckets of 500 ms: [0,500) A; [500,1000) B C; [1000,1500) none; [1500,2000) D E; ... [3000,3500) F G H.
    // Rates count successful requests only (the summary's request throughput): C and E failed.
    assert.deepEqual(
      series.buckets.map((b) => [b.startSec, b.completed, b.requestsPerSec]),
      [
        [0, 1, 2],
        [0.5, 2, 2],
        [1, 0, 0],
        [1.5, 2, 2],
        [2, 0, 0],
        [2.5, 0, 0],
        [3, 3, 6],
      ],
    )
    assert.equal(series.buckets[0]?.outputTokensPerSec, 20)
  })

  test('a run with no records gives no buckets and an empty CDF', () => {
    assert.deepEqual(seriesOf([]), { bucketSec: 1, buckets: [], ttftCdf: [] })
  })

  test('aborted and never-sent requests are counted apart: not throughput, not failures', () => {
    // The high-load shape: 2 ok per second, then at the end (t = 10.x s) the grace cuts 3
    // in-flight requests and 40 queued ones are recorded as never sent.
    const records = [
      record(9100, 'ok', { outputTokens: 10 }),
      record(9600, 'ok', { outputTokens: 10 }),
      record(10_050, 'ok', { outputTokens: 10 }),
      record(10_060, 'http_error'),
      ...Array.from({ length: 3 }, () => record(10_100, 'aborted')),
      ...Array.from({ length: 40 }, () => record(10_100, 'not_sent')),
    ]
    const last = seriesOf(records).buckets.at(-1)
    assert.equal(last?.startSec, 10)
    assert.equal(last?.completed, 45)
    assert.equal(last?.ok, 1)
    assert.equal(last?.failed, 1)
    assert.equal(last?.aborted, 3)
    assert.equal(last?.notSent, 40)
    // 1 ok per second, not 45: the spike of the old chart was made of unsent requests.
    assert.equal(last?.requestsPerSec, 1)
    // 1 failure of 2 attempted (ok + failed): 50 %, not 44/45.
    assert.equal(last?.errorRate, 0.5)
  })

  test('a run where nothing succeeded has error rate 1 and no latency', () => {
    const series = seriesOf([record(100, 'timeout'), record(400, 'aborted')])
    assert.deepEqual(series.buckets, [
      {
        startSec: 0,
        completed: 2,
        ok: 0,
        failed: 1,
        aborted: 1,
        notSent: 0,
        errorRate: 1,
        outputTokens: 0,
        requestsPerSec: 0,
        outputTokensPerSec: 0,
        ttftMs: null,
        e2eMs: null,
      },
    ])
    assert.deepEqual(series.ttftCdf, [])
  })
})
