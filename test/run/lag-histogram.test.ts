import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createLagHistogram } from '../../src/run/lag-histogram.js'

test('p99 of 100 lags 0.05..9.95 ms lands in the 0.1 ms bucket of the 99th value', () => {
  const histogram = createLagHistogram()
  for (let i = 0; i < 100; i++) histogram.add(i * 0.1 + 0.05)
  // rank ceil(0.99 × 100) = 99 → the 99th smallest value, 9.85 ms, is in bucket [9.8, 9.9)
  assert.equal(histogram.percentileMs(99)?.toFixed(1), '9.9')
  assert.equal(histogram.percentileMs(50)?.toFixed(1), '5.0')
  assert.equal(histogram.maxMs()?.toFixed(2), '9.95')
  assert.equal(histogram.count(), 100)
})

test('empty histogram has no percentile; huge lags fall in the overflow bucket', () => {
  const histogram = createLagHistogram()
  assert.equal(histogram.percentileMs(99), null)
  histogram.add(50_000)
  assert.equal(histogram.percentileMs(99), 50_000)
})
