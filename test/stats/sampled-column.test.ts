import assert from 'node:assert/strict'
import { test } from 'node:test'
import { FloatColumn } from '../../src/stats/float-column.js'
import { SampledColumn } from '../../src/stats/sampled-column.js'

test('a float column grows past its initial capacity and keeps every value in order', () => {
  const column = new FloatColumn()
  for (let i = 0; i < 5000; i++) column.push(i * 0.5)
  assert.equal(column.length, 5000)
  const view = column.view()
  assert.equal(view.length, 5000)
  assert.equal(view[0], 0)
  assert.equal(view[4999], 2499.5)
})

test('a sampled column is exact up to its limit', () => {
  const column = new SampledColumn(10)
  for (const value of [5, 1, 9]) column.push(value)
  assert.equal(column.sampled, false)
  assert.deepEqual([...column.values()], [5, 1, 9])
})

test('past its limit it keeps a uniform sample while count, sum, min and max stay exact', () => {
  const column = new SampledColumn(1000)
  // 0..99,999: sum = 99,999 × 100,000 / 2 = 4,999,950,000
  for (let i = 0; i < 100_000; i++) column.push(i)
  assert.equal(column.sampled, true)
  assert.equal(column.count, 100_000)
  assert.equal(column.sum, 4_999_950_000)
  assert.equal(column.min, 0)
  assert.equal(column.max, 99_999)
  const sample = column.values()
  assert.equal(sample.length, 1000)
  // A uniform sample of 1000 from 0..99,999 has mean ≈ 50,000 with standard error
  // ≈ 28,868 / √1000 ≈ 913; the seed is fixed, so this cannot flake.
  const mean = sample.reduce((a, b) => a + b, 0) / sample.length
  assert.ok(Math.abs(mean - 49_999.5) < 4000, `sample mean ${mean}`)
  // Late values must get in too (a reservoir that only kept the first 1000 would fail).
  assert.ok(sample.some((v) => v >= 90_000))
})
