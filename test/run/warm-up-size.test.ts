import assert from 'node:assert/strict'
import { test } from 'node:test'
import { jitWarmupSize, warmConnections } from '../../src/run/warm-up.js'

test('a light load keeps the warm-up of 3 rounds of up to 16 in flight', () => {
  // c=4: 4 in flight, 3 rounds; c=32: 16 in flight (the floor of 16 is under the cap), 3 rounds.
  assert.deepEqual(jitWarmupSize({ concurrency: 4 }), { total: 12, parallel: 4 })
  assert.deepEqual(jitWarmupSize({ concurrency: 16 }), { total: 48, parallel: 16 })
  // 5 req/s under a cap of 100: 0.3 s of arrivals is 2 requests, so 3 rounds of 16 win.
  assert.deepEqual(jitWarmupSize({ rps: 5, concurrency: 100 }), { total: 48, parallel: 16 })
})

test('a closed loop warms 3 rounds of its cap, at most 64 in flight and 2,000 in all', () => {
  assert.deepEqual(jitWarmupSize({ concurrency: 64 }), { total: 192, parallel: 64 })
  assert.deepEqual(jitWarmupSize({ concurrency: 256 }), { total: 768, parallel: 64 })
  assert.deepEqual(jitWarmupSize({ concurrency: 5000 }), { total: 2000, parallel: 64 })
})

test('an open loop warms 0.3 s of its arrivals, a tenth of them in flight (16 to 64)', () => {
  // 1,000/s: 300 requests, 30 in flight; 5,000/s: 1,500, 150 → 64; 20,000/s: 6,000 → 2,000.
  assert.deepEqual(jitWarmupSize({ rps: 1000, concurrency: 100_000 }), { total: 300, parallel: 30 })
  assert.deepEqual(jitWarmupSize({ rps: 5000, concurrency: 100_000 }), { total: 1500, parallel: 64 })
  assert.deepEqual(jitWarmupSize({ rps: 20_000, concurrency: 100_000 }), { total: 2000, parallel: 64 })
  // A cap below the floor of 16 holds: never more in flight than the run itself allows.
  assert.deepEqual(jitWarmupSize({ rps: 1000, concurrency: 8 }), { total: 300, parallel: 8 })
})

test('warm connections: a closed loop its whole cap, an open loop 0.25 s of its own arrivals', () => {
  assert.equal(warmConnections({ concurrency: 64 }, 1), 64)
  // 5,000/s without a cap: 1,250; under a cap of 256: the cap.
  assert.equal(warmConnections({ rps: 5000, concurrency: 100_000 }, 1), 1250)
  assert.equal(warmConnections({ rps: 5000, concurrency: 256 }, 1), 256)
  // Two shards of 1,000/s send 500/s each: 125 connections each.
  assert.equal(warmConnections({ rps: 1000, concurrency: 100_000 }, 2), 125)
  // A trickle still opens one.
  assert.equal(warmConnections({ rps: 2, concurrency: 100 }, 1), 1)
})
