import assert from 'node:assert/strict'
import { test } from 'node:test'
import { groupedCount, groupedFixed, groupThousands } from '../../src/stats/grouped-number.js'

test('groupThousands puts a comma every three digits of the whole part only', () => {
  assert.equal(groupThousands('0'), '0')
  assert.equal(groupThousands('999'), '999')
  assert.equal(groupThousands('1000'), '1,000')
  assert.equal(groupThousands('-1234567.12345'), '-1,234,567.12345')
})

test('groupedFixed rounds the shortest decimal half away from zero, as toLocaleString does', () => {
  // 1.005 is stored as 1.00499999999999989…; toFixed(2) gives "1.00", the report "1.01".
  assert.equal(groupedFixed(1.005, 2), '1.01')
  assert.equal(groupedFixed(2.675, 2), '2.68')
  assert.equal(groupedFixed(2.5, 0), '3')
  assert.equal(groupedFixed(-2.5, 0), '-3')
  assert.equal(groupedFixed(1234567.891, 1), '1,234,567.9')
  assert.equal(groupedFixed(999.995, 2), '1,000.00')
  assert.equal(groupedFixed(0.000001, 3), '0.000')
  assert.equal(groupedFixed(-0.004, 2), '-0.00')
  assert.equal(groupedFixed(42, 3), '42.000')
})

test('groupedFixed gives the digits Intl gives, over values of every magnitude', () => {
  const values = [0, -0, 1e-7, 1e21, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60 + 0.5]
  // A fixed pseudo-random walk (no Math.random: the test is the same every time).
  let x = 0.123456789
  for (let i = 0; i < 5000; i++) {
    x = (x * 9301 + 49297) % 233280
    values.push(((x / 233280 - 0.3) * 10 ** ((i % 14) - 4)) as number)
  }
  for (const value of values)
    for (const decimals of [0, 1, 2, 3]) {
      const options = { minimumFractionDigits: decimals, maximumFractionDigits: decimals }
      assert.equal(
        groupedFixed(value, decimals),
        value.toLocaleString('en-US', options),
        `${value}, ${decimals}`,
      )
    }
})

test('groupedCount groups whole numbers and leaves fractions to Intl', () => {
  assert.equal(groupedCount(20_000_000), '20,000,000')
  assert.equal(groupedCount(-9876543), '-9,876,543')
  assert.equal(groupedCount(1234.5678), '1,234.568')
})
