import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type SweepJudgement, sweep } from '../../src/run/sweep.js'

/**
 * A server with capacity 37 req/s: at or below it every SLO holds with margin (37 − r)/37;
 * above it the queue grows (saturated) and it completes 99% of 37 req/s.
 */
function knownCapacity(capacity: number) {
  return (rate: number): SweepJudgement => ({
    pass: rate <= capacity,
    margin: (capacity - rate) / capacity,
    saturated: rate > capacity,
    achievedPerSec: Math.min(rate, capacity) * 0.99,
  })
}

describe('sweep', () => {
  test('brackets geometrically, then straddles the saturation estimate: 37 req/s within ±5% in 7 steps', async () => {
    const result = await sweep({
      runStep: async (rate) => rate,
      judge: knownCapacity(37),
      minRate: 5,
      maxRate: 200,
    })
    // 5, 10, 20 pass; 40 fails saturated having served 36.63/s → estimate 36.63.
    // lo 20 is farther (36.63/20 = 1.83 vs 40/36.63 = 1.09): probe 36.63 × 0.955 = 35.0 → pass.
    // Now hi is farther (40/36.63 = 1.092 vs 36.63/35 = 1.047): probe 36.63 × 1.045 = 38.3 → fail,
    // margin −0.035 is inside the 5% noise band, so 38.3 runs twice. [35, 38.3]: ±4.5%, capacity (35 + 38.3)/2 = 36.65 → 36.7.
    assert.deepEqual(
      result.steps.map((step) => [step.rate, step.judgement.pass, step.repeated]),
      [
        [5, true, false],
        [10, true, false],
        [20, true, false],
        [40, false, false],
        [35, true, false],
        [38.3, false, false],
        [38.3, false, true],
      ],
    )
    assert.deepEqual(result.outcome, {
      kind: 'capacity',
      capacity: 36.7,
      low: 35,
      high: 38.3,
      converged: true,
    })
    assert.ok(Math.abs(36.7 - 37) / 37 <= 0.05)
  })

  test('interpolates on the SLO margin when the failing step is not saturated', async () => {
    // Margin falls linearly to 0 at 30 req/s and nothing saturates: regula falsi between
    // 16 (margin 14/30) and 32 (−2/30) lands on 30 exactly; 30 × 0.955 = 28.65 → 28.7 passes,
    // then the interpolation between 28.7 and 32 is again 30, hi is farther: 31.4 fails.
    const result = await sweep({
      runStep: async (rate) => rate,
      judge: (rate) => ({
        pass: rate <= 30,
        margin: (30 - rate) / 30,
        saturated: false,
        achievedPerSec: rate,
      }),
      minRate: 4,
      maxRate: 100,
      noiseBand: 0,
    })
    assert.deepEqual(
      result.steps.map((step) => step.rate),
      [4, 8, 16, 32, 28.7, 31.4],
    )
    assert.deepEqual(result.outcome, {
      kind: 'capacity',
      capacity: 30.1,
      low: 28.7,
      high: 31.4,
      converged: true,
    })
  })

  test('the lowest rate failing reports no capacity and the best step', async () => {
    const result = await sweep({
      runStep: async (rate) => rate,
      judge: knownCapacity(2),
      minRate: 4,
      maxRate: 50,
    })
    assert.deepEqual(result.outcome, { kind: 'no_capacity', bestRate: 4, bestMargin: -1 })
    assert.equal(result.steps.length, 1)
  })

  test('the highest rate passing reports "at least" that rate', async () => {
    const result = await sweep({
      runStep: async (rate) => rate,
      judge: knownCapacity(500),
      minRate: 10,
      maxRate: 50,
    })
    assert.deepEqual(result.outcome, { kind: 'at_least', rate: 50 })
    assert.deepEqual(
      result.steps.map((step) => step.rate),
      [10, 20, 40, 50],
    )
  })
})
