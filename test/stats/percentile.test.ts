import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { percentile } from '../../src/stats/percentile.js'

// Linear interpolation at index h = p/100 × (n − 1), numpy's default. Floating point makes
// e.g. 3.7 come out as 3.7000000000000002, so values are compared to 1e-9.
function assertClose(actual: number, expected: number, message?: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${message ?? ''} expected ${expected}, got ${actual}`)
}

describe('percentile', () => {
  const cases: Array<[number, number, string]> = [
    [0, 1, 'h = 0 → a[0]'],
    [25, 1.75, 'h = 0.75 → 1 + 0.75 × (2 − 1)'],
    [50, 2.5, 'h = 1.5 → 2 + 0.5 × (3 − 2)'],
    [90, 3.7, 'h = 2.7 → 3 + 0.7 × (4 − 3)'],
    [95, 3.85, 'h = 2.85 → 3 + 0.85'],
    [99, 3.97, 'h = 2.97 → 3 + 0.97'],
    [100, 4, 'h = 3 → last'],
  ]
  for (const [p, expected, why] of cases) {
    test(`p${p} of [1, 2, 3, 4] is ${expected} (${why})`, () => {
      assertClose(percentile([1, 2, 3, 4], p), expected)
      assertClose(percentile(Float64Array.from([1, 2, 3, 4]), p), expected)
    })
  }

  test('interpolates across duplicates and uneven gaps', () => {
    // [0, 0, 0, 50]: p90 → h = 2.7 → 0 + 0.7 × 50 = 35; p99 → h = 2.97 → 48.5
    assertClose(percentile([0, 0, 0, 50], 90), 35)
    assertClose(percentile([0, 0, 0, 50], 99), 48.5)
    // [10, 20, 30, 40, 50]: p10 → h = 0.4 → 14; p50 → h = 2 → 30 exactly
    assertClose(percentile([10, 20, 30, 40, 50], 10), 14)
    assert.equal(percentile([10, 20, 30, 40, 50], 50), 30)
  })

  test('a single sample is every percentile', () => {
    for (const p of [0, 1, 50, 99, 100]) assert.equal(percentile([7], p), 7)
  })

  test('rejects an empty sample and p outside 0..100', () => {
    assert.throws(() => percentile([], 50), /empty/)
    assert.throws(() => percentile([1, 2], 101), RangeError)
    assert.throws(() => percentile([1, 2], -1), RangeError)
    assert.throws(() => percentile([1, 2], Number.NaN), RangeError)
  })
})
