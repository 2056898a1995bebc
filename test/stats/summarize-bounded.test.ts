import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { renderHtmlReport } from '../../src/report/html.js'
import { renderMarkdownReport } from '../../src/report/markdown.js'
import { BoundedColumn, HDR_RELATIVE_ERROR } from '../../src/stats/bounded-column.js'
import { histogramMetrics, statisticMethodNote } from '../../src/stats/method-note.js'
import { createSummaryAccumulator, type SummaryInfo } from '../../src/stats/summarize.js'
import type { Distribution, LowTailDistribution, Summary } from '../../src/types.js'
import { sloRecord } from '../support/slo-record.js'

const INFO: SummaryInfo = {
  runId: 'bench_sim_m_smoke_20260101_000000',
  target: 'sim',
  model: 'm',
  workload: 'smoke',
  startedAt: '2026-01-01T00:00:00.000Z',
  offeredRps: null,
  concurrency: 4,
  clientHealth: null,
}

/**
 * 1,000 requests whose TTFT is 10 ms ×600, 20 ms ×360, 50 ms ×35, 100 ms ×5 and whose
 * tokens/sec is 100 ×600, 80 ×360, 40 ×35, 5 ×5 (the same requests, fast ones first).
 * Chosen so that every percentile falls inside a run of equal values, where numpy's linear
 * interpolation and a histogram's nearest rank agree on the exact value:
 *   TTFT sorted: 0–599 → 10, 600–959 → 20, 960–994 → 50, 995–999 → 100.
 *     p50 h = 499.5 → 10; p90 h = 899.1 → 20; p95 h = 949.05 → 20; p99 h = 989.01 → 50.
 *     mean (6,000 + 7,200 + 1,750 + 500) / 1,000 = 15.45.
 *   tokens/sec sorted: 0–4 → 5, 5–39 → 40, 40–399 → 80, 400–999 → 100.
 *     p50 h = 499.5 → 100; p10 h = 99.9 → 80; p5 h = 49.95 → 80; p1 h = 9.99 → 40.
 *     mean (25 + 1,400 + 28,800 + 60,000) / 1,000 = 90.225.
 */
function summaryWithBound(exactLimit: number): Summary {
  const accumulator = createSummaryAccumulator({ exactLimit })
  const groups: Array<[ttftMs: number, tokensPerSec: number, count: number]> = [
    [10, 100, 600],
    [20, 80, 360],
    [50, 40, 35],
    [100, 5, 5],
  ]
  let id = 0
  for (const [ttftMs, tokensPerSec, count] of groups) {
    for (let i = 0; i < count; i++) {
      // Half the requests went through a proxy: 500 overhead values stay under a 999 bound.
      const overhead = id % 2 === 0 ? 1 : null
      accumulator.add(
        sloRecord({
          request_id: id++,
          ttft_ms: ttftMs,
          tokens_per_sec: tokensPerSec,
          litellm_overhead_ms: overhead,
        }),
      )
    }
  }
  return accumulator.finish(INFO)
}

const EXACT_TTFT = { count: 1000, mean: 15.45, min: 10, max: 100, p50: 10, p90: 20, p95: 20, p99: 50 }
const EXACT_TPS = { count: 1000, mean: 90.225, min: 5, max: 100, p50: 100, p10: 80, p5: 80, p1: 40 }

function assertWithin(
  actual: Distribution | LowTailDistribution | null,
  expected: Record<string, number>,
  relativeError: number,
  name: string,
): void {
  assert.ok(actual, `${name} is null`)
  for (const [key, value] of Object.entries(expected)) {
    const got = (actual as unknown as Record<string, number>)[key] as number
    const error = Math.abs(got - value) / value
    assert.ok(error <= relativeError + 1e-12, `${name}.${key}: ${got} vs exact ${value} (error ${error})`)
  }
}

describe('summarize: every metric column is bounded, and says how it was computed', () => {
  test('at or under the bound: exact figures, method exact, no note', () => {
    const summary = summaryWithBound(1000)
    assertWithin(summary.ttftMs, EXACT_TTFT, 0, 'ttft')
    assertWithin(summary.tokensPerSec, EXACT_TPS, 0, 'tokens/sec')
    assert.equal(summary.ttftMs?.method, 'exact')
    assert.equal(summary.tokensPerSec?.method, 'exact')
    assert.deepEqual(histogramMetrics(summary), [])
    assert.equal(statisticMethodNote(summary), null)
  })

  test('past the bound: histogram within 0.1 % of the exact values; count, mean, min, max exact', () => {
    const summary = summaryWithBound(999)
    assert.equal(summary.ttftMs?.method, 'hdr')
    assert.equal(summary.tokensPerSec?.method, 'hdr')
    assertWithin(summary.ttftMs, EXACT_TTFT, HDR_RELATIVE_ERROR, 'ttft')
    assertWithin(summary.tokensPerSec, EXACT_TPS, HDR_RELATIVE_ERROR, 'tokens/sec')
    for (const key of ['count', 'mean', 'min', 'max'] as const) {
      assert.equal(summary.ttftMs?.[key], EXACT_TTFT[key], `ttft.${key} exact`)
      assert.equal(summary.tokensPerSec?.[key], EXACT_TPS[key], `tokens/sec.${key} exact`)
    }
    // The histogram's value is the top of its bucket, never below the exact one: 10 ms is
    // recorded as 10,000 µs in a bucket 8 µs wide.
    assert.equal(summary.ttftMs?.p50, 10.007)
    // 500 proxy overheads stayed under the bound: that metric is still exact.
    assert.equal(summary.proxyOverheadMs?.method, 'exact')
    assert.equal(summary.proxyOverheadMs?.count, 500)
  })

  test('the reports name the metrics that came from a histogram', () => {
    const summary = summaryWithBound(999)
    const metrics = histogramMetrics(summary)
    // Every per-request metric of the 1,000 ok records, but not the 500 proxy overheads
    // nor ITL (these records carry no gaps).
    assert.deepEqual(metrics, [
      'TTFT',
      'TTFB',
      'TTFO',
      'total time',
      'TPOT',
      'queue wait',
      'latency from schedule',
      'output tokens',
      'input tokens',
      'tokens/sec',
    ])
    const note = statisticMethodNote(summary)
    assert.ok(note?.startsWith('Percentiles of TTFT, TTFB,'), note ?? 'no note')
    assert.match(note ?? '', /HdrHistogram \(3 significant digits: within 0\.1 %\)/)
    // Both reports carry the line under the run's figures; an all-exact run has none.
    const exact = summaryWithBound(1000)
    const markdown = (s: Summary) =>
      renderMarkdownReport({ summaries: [s], generatedAt: '2026-01-01T00:00:00.000Z', toolVersion: 't' })
    const html = (s: Summary) =>
      renderHtmlReport({
        summaries: [s],
        series: {},
        generatedAt: '2026-01-01T00:00:00.000Z',
        toolVersion: 't',
      })
    assert.ok(markdown(summary).includes(`- ${note}`))
    assert.ok(html(summary).includes('Percentiles of TTFT, TTFB,'))
    assert.ok(!markdown(exact).includes('HdrHistogram'))
    assert.ok(!html(exact).includes('Percentiles of TTFT'))
  })

  test('inter-token gaps switch at their own bound', () => {
    const accumulator = createSummaryAccumulator({ itlExactLimit: 20_000 })
    // 100,000 gaps: 0..999 ms each 100 times → mean 499.5; sorted, value k fills 100k … 100k+99.
    // p90 h = 89,999.1 → 899 (inside a run of 899s); p99 h = 98,999.01 → 989.
    const record = sloRecord({ itl_ms: [0] })
    for (let i = 0; i < 100_000; i++) {
      ;(record.itl_ms as number[])[0] = i % 1000
      accumulator.add(record)
    }
    const itl = accumulator.finish(INFO).itlMs
    assert.ok(itl)
    assert.equal(itl.method, 'hdr')
    assert.equal(itl.count, 100_000)
    assert.equal(itl.mean, 499.5)
    assert.equal(itl.min, 0)
    assert.equal(itl.max, 999)
    assertWithin(itl, { p90: 899, p99: 989 }, HDR_RELATIVE_ERROR, 'itl')
  })
})

describe('bounded columns merge like one column over the union', () => {
  test('an exact shard and a histogram shard: merged equals one column fed every value', () => {
    // Shard a: 1 … 50 (exact under its bound of 60); shard b: 51 … 150 (histogram past 60).
    const a = new BoundedColumn(60)
    const b = new BoundedColumn(60)
    const whole = new BoundedColumn(60)
    for (let v = 1; v <= 150; v++) {
      ;(v <= 50 ? a : b).push(v)
      whole.push(v)
    }
    assert.equal(a.method, 'exact')
    assert.equal(b.method, 'hdr')
    a.merge(b)
    assert.equal(a.method, 'hdr')
    assert.deepEqual(a.distribution(), whole.distribution())
    assert.deepEqual(a.lowTailDistribution(), whole.lowTailDistribution())
    // Union 1 … 150: mean 75.5, and the figures within 0.1 % of the exact nearest ranks.
    const merged = a.distribution()
    assert.ok(merged)
    assert.equal(merged.count, 150)
    assert.equal(merged.mean, 75.5)
    // p50 h = 74.5 between 75 and 76; the histogram answers rank ⌈0.5 × 150⌉ = 75.
    assertWithin(merged, { p50: 75, p90: 135, p99: 149 }, HDR_RELATIVE_ERROR, 'merged')
  })
})
