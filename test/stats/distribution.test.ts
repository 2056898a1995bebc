import assert from 'node:assert/strict'
import { test } from 'node:test'
import { distribution, lowTailDistribution } from '../../src/stats/distribution.js'

function assertClose(actual: number | undefined, expected: number, key: string): void {
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) < 1e-9,
    `${key}: expected ${expected}, got ${actual}`,
  )
}

test('distribution of unsorted values: mean, extremes and numpy-linear percentiles', () => {
  // Sorted: [100, 200, 300, 400]; mean 250; p50 h=1.5 → 250; p90 h=2.7 → 370;
  // p95 h=2.85 → 385; p99 h=2.97 → 397.
  const values = [300, 100, 400, 200]
  const d = distribution(values)
  assert.ok(d)
  const expected = { count: 4, mean: 250, min: 100, max: 400, p50: 250, p90: 370, p95: 385, p99: 397 }
  for (const [key, value] of Object.entries(expected))
    assertClose(d[key as Exclude<keyof typeof d, 'method'>], value, key)
  assert.deepEqual(values, [300, 100, 400, 200], 'the input is not reordered')
})

test('distribution of a Float64Array is not sorted in place', () => {
  const values = Float64Array.from([3, 1, 2])
  const d = distribution(values)
  assert.equal(d?.p50, 2)
  assert.deepEqual([...values], [3, 1, 2])
})

test('no samples → null, not zeros', () => {
  assert.equal(distribution([]), null)
  assert.equal(lowTailDistribution(new Float64Array(0)), null)
})

test('tokens/sec low tail: p10, p5, p1 instead of p90, p95, p99', () => {
  // Sorted [10, 14, 18.5, 22]: mean 64.5 / 4 = 16.125; p50 h=1.5 → 16.25;
  // p10 h=0.3 → 10 + 0.3 × 4 = 11.2; p5 h=0.15 → 10.6; p1 h=0.03 → 10.12.
  const d = lowTailDistribution([22, 10, 18.5, 14])
  assert.ok(d)
  const expected = { count: 4, mean: 16.125, min: 10, max: 22, p50: 16.25, p10: 11.2, p5: 10.6, p1: 10.12 }
  for (const [key, value] of Object.entries(expected))
    assertClose(d[key as Exclude<keyof typeof d, 'method'>], value, key)
})
