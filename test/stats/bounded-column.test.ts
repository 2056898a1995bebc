import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { BoundedColumn, HDR_RELATIVE_ERROR } from '../../src/stats/bounded-column.js'
import { distribution } from '../../src/stats/distribution.js'

describe('bounded column: exact up to its limit, then a mergeable HdrHistogram', () => {
  test('below the limit every statistic is exact (hand-computed) and says so', () => {
    const column = new BoundedColumn(10)
    for (const value of [300, 100, 400, 200]) column.push(value)
    // Sorted [100, 200, 300, 400]: p50 h=1.5 → 250; p90 h=2.7 → 370; p95 → 385; p99 → 397.
    assert.deepEqual(column.distribution(), {
      count: 4,
      mean: 250,
      min: 100,
      max: 400,
      p50: 250,
      p90: 370,
      p95: 385,
      p99: 397,
      method: 'exact',
    })
    assert.equal(column.method, 'exact')
    assert.equal(new BoundedColumn(10).distribution(), null)
  })

  test('above the limit: histogram percentiles within 0.1 % of the exact ones; count, mean, min, max exact', () => {
    // 200,000 latencies 1.000 … 200.000 ms (a 1 µs grid, shuffled by a fixed stride), limit 1,000.
    const n = 200_000
    const column = new BoundedColumn(1000)
    const all = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const value = 1 + ((i * 7919) % n) * 0.000995
      all[i] = value
      column.push(value)
    }
    const exact = distribution(all)
    const hdr = column.distribution()
    assert.ok(exact && hdr)
    assert.equal(hdr.method, 'hdr')
    assert.equal(hdr.count, n)
    assert.equal(hdr.min, exact.min)
    assert.equal(hdr.max, exact.max)
    assert.ok(Math.abs(hdr.mean - exact.mean) < 1e-9 * exact.mean, `mean ${hdr.mean} vs ${exact.mean}`)
    for (const key of ['p50', 'p90', 'p95', 'p99'] as const) {
      const error = Math.abs(hdr[key] - exact[key]) / exact[key]
      assert.ok(error <= HDR_RELATIVE_ERROR, `${key}: ${hdr[key]} vs exact ${exact[key]} (${error})`)
    }
  })

  test('pushAll: runs of equal gaps are one histogram recording, same statistics as one by one', () => {
    // One request's gaps: a read of 4 tokens (4 × 0), then 5, 5, NaN (skipped), 10, 0, 0.
    const gaps = [0, 0, 0, 0, 5, 5, Number.NaN, 10, 0, 0]
    // Exact path: count 9, sum 20 → mean 20/9; sorted [0×6, 5, 5, 10]: p50 h=4 → 0;
    // p90 h=7.2 → 5 + 0.2 × 5 = 6; p95 h=7.6 → 8; p99 h=7.92 → 9.6.
    const exact = new BoundedColumn(100)
    exact.pushAll(gaps)
    const fromExact = exact.distribution()
    assert.ok(fromExact)
    const { p90, p95, p99, ...rest } = fromExact
    assert.deepEqual(rest, { count: 9, mean: 20 / 9, min: 0, max: 10, p50: 0, method: 'exact' })
    // Interpolated: equal to the hand values up to float rounding.
    for (const [got, want] of [
      [p90, 6],
      [p95, 8],
      [p99, 9.6],
    ] as const) {
      assert.ok(Math.abs(got - want) < 1e-9, `${got} vs ${want}`)
    }
    // Histogram path (limit 2): the runs give the same counts as pushing each value.
    const runs = new BoundedColumn(2)
    const single = new BoundedColumn(2)
    for (let request = 0; request < 3; request++) {
      runs.pushAll(gaps)
      for (const gap of gaps) if (Number.isFinite(gap)) single.push(gap)
    }
    const fromRuns = runs.distribution()
    assert.equal(fromRuns?.method, 'hdr')
    assert.deepEqual(fromRuns, single.distribution())
    // 27 values: 18 zeros, 6 fives, 3 tens. p50 (rank 14) is 0, p90 (rank 25) is 10.
    assert.equal(fromRuns?.count, 27)
    assert.equal(fromRuns?.mean, 60 / 27)
    assert.equal(fromRuns?.p50, 0)
    assert.equal(fromRuns?.p90, 10)
  })

  test('memory stops growing past the limit: the exact values are dropped', () => {
    const column = new BoundedColumn(100)
    for (let i = 0; i < 101; i++) column.push(i)
    assert.equal(column.method, 'hdr')
    const low = column.lowTailDistribution()
    assert.ok(low)
    assert.equal(low.method, 'hdr')
    // 0 … 100: the 1st percentile is 1 (nearest rank), within a 0.1 % bucket.
    assert.ok(Math.abs(low.p1 - 1) <= 1 * HDR_RELATIVE_ERROR + 0.001, `p1 ${low.p1}`)
  })

  test('shards merge: exact while the sum fits, histogram beyond, same figures as one column', () => {
    const a = new BoundedColumn(4)
    const b = new BoundedColumn(4)
    a.push(1)
    a.push(3)
    b.push(2)
    b.push(4)
    a.merge(b)
    // Sorted [1, 2, 3, 4]: p90 h=2.7 → 3.7; p95 h=2.85 → 3.85; p99 h=2.97 → 3.97.
    const d = a.distribution()
    assert.ok(d)
    assert.equal(d.method, 'exact')
    const expected = { count: 4, mean: 2.5, min: 1, max: 4, p50: 2.5, p90: 3.7, p95: 3.85, p99: 3.97 }
    for (const [key, value] of Object.entries(expected)) {
      const got = d[key as keyof typeof expected]
      assert.ok(Math.abs(got - value) < 1e-9, `${key}: ${got} vs ${value}`)
    }
    assert.equal(b.count, 2, 'the merged shard is unchanged')

    const whole = new BoundedColumn(50)
    const shards = [new BoundedColumn(50), new BoundedColumn(50), new BoundedColumn(50)]
    for (let i = 0; i < 300; i++) {
      const value = 10 + i * 0.5
      whole.push(value)
      ;(shards[i % 3] as BoundedColumn).push(value)
    }
    const merged = new BoundedColumn(50)
    for (const shard of shards) merged.merge(shard)
    assert.deepEqual(merged.distribution(), whole.distribution())
    assert.equal(merged.method, 'hdr')
  })
})
