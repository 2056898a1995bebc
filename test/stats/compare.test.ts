import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { seededRandom } from '../../src/seeded-random.js'
import { blockLength, bootstrapReplicates, percentileReplicates } from '../../src/stats/block-bootstrap.js'
import { compareRuns, MIN_EFFECT, type RunSample, verdictOf } from '../../src/stats/compare.js'
import { checkRegression } from '../../src/stats/regression.js'
import { percentileBySelection } from '../../src/stats/select.js'
import { summarize } from '../../src/stats/summarize.js'
import { sloRecord } from '../support/slo-record.js'

function info(workload: string) {
  return {
    runId: workload,
    target: 't',
    model: 'm',
    workload,
    startedAt: '2026-01-01T00:00:00.000Z',
    offeredRps: 10,
    concurrency: 8,
    clientHealth: null,
  }
}

/**
 * A synthetic run: n requests, one every 100 ms, TTFT an AR(1) series around 100 ms (load
 * makes neighbours alike: correlation 0.8), TPOT around 20 ms × tpotFactor.
 */
function syntheticRun(seed: number, n: number, tpotFactor = 1, workload = 'w'): RunSample {
  const random = seededRandom(seed)
  let level = 0
  const records = Array.from({ length: n }, (_, i) => {
    level = 0.8 * level + (random() - 0.5) * 20
    const ttft = 100 + level
    const tpot = (20 + (random() - 0.5) * 4) * tpotFactor
    const e2e = ttft + 9 * tpot
    return sloRecord({
      request_id: i,
      sent_at_ms: i * 100,
      ended_at_ms: i * 100 + e2e,
      ttft_ms: ttft,
      tpot_ms: tpot,
      e2e_ms: e2e,
      tokens_per_sec: 10_000 / e2e,
    })
  })
  return { summary: summarize(records, info(workload)), records }
}

describe('selection and block bootstrap', () => {
  test('percentile by selection matches numpy linear interpolation', () => {
    // sorted 1 2 3 4 5: p50 → 3; p25 → h=1 → 2; p90 → h=3.6 → 4 + 0.6 × 1 = 4.6
    assert.equal(percentileBySelection(Float64Array.from([5, 1, 4, 2, 3]), 50), 3)
    assert.equal(percentileBySelection(Float64Array.from([5, 1, 4, 2, 3]), 25), 2)
    assert.ok(Math.abs(percentileBySelection(Float64Array.from([5, 1, 4, 2, 3]), 90) - 4.6) < 1e-12)
  })

  test('block length is round(n^(1/3))', () => {
    assert.deepEqual([1, 8, 1000, 100_000].map(blockLength), [1, 2, 10, 46])
  })

  test('percentiles sharing a resample equal each selected on its own; block-sum means equal copied means', () => {
    const series = Float64Array.from({ length: 500 }, (_, i) => (i * 7919) % 1009)
    const joint = percentileReplicates(series, [50, 99, 95], 30, seededRandom(4))
    for (const [at, p] of [50, 99, 95].entries()) {
      assert.deepEqual(joint[at], percentileReplicates(series, [p], 30, seededRandom(4))[0])
    }
    // Same draws, so the mean of the copied buffer (p-independent) must match the prefix sums:
    // check one replicate by hand: blocks of round(500^(1/3)) = 8 from the same seeded starts.
    const random = seededRandom(4)
    let sum = 0
    for (let filled = 0; filled < 500; filled += 8) {
      const start = Math.floor(random() * 500)
      for (let k = 0; k < Math.min(8, 500 - filled); k++) sum += series[(start + k) % 500] as number
    }
    const mean = bootstrapReplicates(series, { kind: 'mean' }, 1, seededRandom(4))[0] as number
    assert.ok(Math.abs(mean - sum / 500) < 1e-9)
  })

  test('replicates of a constant series are that constant; a seed reproduces them', () => {
    const constant = new Float64Array(50).fill(7)
    assert.deepEqual(
      [...bootstrapReplicates(constant, { kind: 'percentile', p: 99 }, 5, seededRandom(1))],
      [7, 7, 7, 7, 7],
    )
    const series = Float64Array.from({ length: 200 }, (_, i) => (i * 37) % 101)
    const first = bootstrapReplicates(series, { kind: 'mean' }, 20, seededRandom(9))
    const second = bootstrapReplicates(series, { kind: 'mean' }, 20, seededRandom(9))
    assert.deepEqual(first, second)
  })
})

describe('compareRuns', () => {
  test('verdict needs the interval to exclude 0 and a change of at least 2%', () => {
    assert.equal(MIN_EFFECT, 0.02)
    assert.equal(verdictOf({ higherIsBetter: false }, 1, 3, 0.05), 'worse')
    assert.equal(verdictOf({ higherIsBetter: true }, 1, 3, 0.05), 'better')
    assert.equal(verdictOf({ higherIsBetter: false }, -1, 3, 0.05), 'no_difference')
    assert.equal(verdictOf({ higherIsBetter: false }, 0.1, 0.3, 0.01), 'no_difference')
  })

  test('A/A: same settings, different seeds → no detectable difference on every metric', () => {
    const comparison = compareRuns(syntheticRun(1, 400), syntheticRun(2, 400), { seed: 5 })
    assert.equal(comparison.refused, null)
    assert.deepEqual(
      comparison.metrics.filter((m) => m.verdict === 'better' || m.verdict === 'worse').map((m) => m.id),
      [],
    )
    // 400 requests leave 4 beyond p99 (< 10): not compared; 20 beyond p95: compared.
    assert.equal(comparison.metrics.find((m) => m.id === 'ttft_p99')?.verdict, 'cannot_compare')
    assert.equal(comparison.metrics.find((m) => m.id === 'ttft_p95')?.verdict, 'no_difference')
  })

  test('A/B: a 10% TPOT slowdown is detected as worse, and as a regression beyond its 5% tolerance', () => {
    const a = syntheticRun(1, 400)
    const b = syntheticRun(2, 400, 1.1)
    const comparison = compareRuns(a, b, { seed: 5 })
    const tpot = comparison.metrics.find((m) => m.id === 'tpot_mean')
    assert.equal(tpot?.verdict, 'worse')
    assert.ok((tpot?.ciLow ?? 0) > 0)
    const regression = checkRegression(a, b, {
      tolerance: 0.15,
      tolerances: { tpot_p50: 0.05, tpot_mean: 0.05 },
    })
    assert.deepEqual(
      regression.verdicts.filter((v) => v.regressed).map((v) => v.metric),
      ['tpot_p50', 'tpot_mean'],
    )
    // E2E = TTFT + 9 × TPOT moves by ~6%: worse, but within its 15% tolerance.
    assert.equal(regression.verdicts.find((v) => v.metric === 'e2e_p50')?.regressed, false)
  })

  test('different workloads are refused unless forced', () => {
    const refused = compareRuns(syntheticRun(1, 50), syntheticRun(2, 50, 1, 'other'))
    assert.equal(refused.refused, 'The runs differ: workload w vs other')
    assert.deepEqual(refused.metrics, [])
    const forced = compareRuns(syntheticRun(1, 50), syntheticRun(2, 50, 1, 'other'), {
      force: true,
      resamples: 50,
    })
    assert.equal(forced.warning, 'The runs differ: workload w vs other')
    assert.equal(forced.metrics.length, 11)
  })
})
