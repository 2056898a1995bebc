import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { seededRandom } from '../../src/seeded-random.js'
import { expectedRequests, planArrivals } from '../../src/workload/arrivals.js'

describe('planArrivals', () => {
  test('constant arrivals are i / rate, bounded by the duration (exclusive)', () => {
    const times = [...planArrivals({ kind: 'constant', ratePerSec: 4, durationMs: 1000 }, seededRandom(1))]
    assert.deepEqual(times, [0, 250, 500, 750])
  })

  test('a count bound stops the schedule first', () => {
    const times = [...planArrivals({ kind: 'constant', ratePerSec: 20, maxRequests: 3 }, seededRandom(1))]
    assert.deepEqual(times, [0, 50, 100])
  })

  test('a constant schedule does not drift over a million arrivals', () => {
    let last = 0
    for (const at of planArrivals(
      { kind: 'constant', ratePerSec: 3, maxRequests: 1_000_000 },
      seededRandom(1),
    )) {
      last = at
    }
    // 999,999 / 3 req/s = 333,333 s exactly
    assert.equal(last, 333_333_000)
  })

  test('poisson arrivals are seeded and average to the rate', () => {
    const a = [...planArrivals({ kind: 'poisson', ratePerSec: 100, maxRequests: 20_000 }, seededRandom(7))]
    const b = [...planArrivals({ kind: 'poisson', ratePerSec: 100, maxRequests: 20_000 }, seededRandom(7))]
    assert.deepEqual(a, b)
    assert.equal(a[0], 0)
    // 19,999 gaps of mean 10 ms: the last arrival is near 199,990 ms (±3% for this sample size)
    const last = a[a.length - 1] ?? 0
    assert.ok(Math.abs(last - 199_990) / 199_990 < 0.03, `last arrival ${last}`)
  })
})

describe('expectedRequests', () => {
  test('rate × duration, as the original prints "예상 총 요청"', () => {
    assert.equal(expectedRequests({ rps: 20, durationSec: 300 }), 6000)
    assert.equal(expectedRequests({ rps: 50, durationSec: 600 }), 30_000)
  })
  test('the smaller of rate × duration and the count bound', () => {
    assert.equal(expectedRequests({ rps: 5, durationSec: 10, requests: 20 }), 20)
    assert.equal(expectedRequests({ requests: 7 }), 7)
    assert.equal(expectedRequests({ durationSec: 10 }), null)
  })
})

describe('seededRandom', () => {
  test('same seed, same sequence; values in [0, 1)', () => {
    const a = seededRandom(42)
    const b = seededRandom(42)
    for (let i = 0; i < 1000; i++) {
      const x = a()
      assert.equal(x, b())
      assert.ok(x >= 0 && x < 1)
    }
  })
})
