import assert from 'node:assert/strict'
import { test } from 'node:test'
import { compareRuns, type RunSample } from '../../src/stats/compare.js'
import { summarize } from '../../src/stats/summarize.js'
import { engineRun } from '../support/engine-run.js'

// A/A and A/B pairs without real time: the simulator's engine on a virtual clock (its default
// per-step costs, batch up to 64), 300 requests at 20 req/s, prompts of 60 tokens, answers of
// 64..192 tokens drawn per request. Each run of a pair has its own seed, so the two differ
// only by chance (answer lengths, and with Poisson arrivals the arrival times too): what an
// A/A test of two real runs of the same settings shows, 40 pairs in a few seconds.
const TIMING = {
  maxBatchSize: 64,
  prefillBaseMs: 4,
  prefillPerTokenMs: 0.03,
  decodeBaseMs: 3,
  decodePerSeqMs: 0.035,
}
const PAIRS = 40

function run(seed: number, arrival: 'constant' | 'poisson', slowdown = 1): RunSample {
  const timing = {
    ...TIMING,
    decodeBaseMs: TIMING.decodeBaseMs * slowdown,
    decodePerSeqMs: TIMING.decodePerSeqMs * slowdown,
  }
  const records = engineRun({
    timing,
    ratePerSec: 20,
    arrival,
    requests: 300,
    promptTokens: 60,
    minOutputTokens: 64,
    maxOutputTokens: 192,
    seed,
  })
  const info = {
    runId: `seed-${seed}`,
    target: 'sim',
    model: 'sim-llama-8b',
    workload: 'aa',
    startedAt: '',
    offeredRps: 20,
    concurrency: 64,
    clientHealth: null,
  }
  return { summary: summarize(records, info), records }
}

/** Pairs whose whole table says "no detectable difference" (no metric better or worse). */
function noDifferencePairs(
  arrival: 'constant' | 'poisson',
  slowdown: number,
): { same: number; tpotWorse: number } {
  let same = 0
  let tpotWorse = 0
  for (let pair = 0; pair < PAIRS; pair++) {
    const comparison = compareRuns(run(1000 + 2 * pair, arrival), run(1001 + 2 * pair, arrival, slowdown), {
      seed: pair + 1,
    })
    const differs = comparison.metrics.some(
      (metric) => metric.verdict === 'better' || metric.verdict === 'worse',
    )
    if (!differs) same++
    if (comparison.metrics.find((metric) => metric.id === 'tpot_mean')?.verdict === 'worse') tpotWorse++
  }
  return { same, tpotWorse }
}

test('A/A: 40 pairs of runs of the same settings, different seeds, say "no difference" in ≥ 95%', () => {
  const { same } = noDifferencePairs('constant', 1)
  console.log(
    `A/A (constant arrivals): ${same} of ${PAIRS} pairs with no detectable difference on any metric`,
  )
  assert.ok(same >= 0.95 * PAIRS, `only ${same} of ${PAIRS} A/A pairs said "no difference"`)
})

test('A/A with Poisson arrivals (each run its own arrival times too) stays at ≥ 90%', () => {
  // Harder than the A/A above: the realized load differs between the two runs, and the
  // bootstrap of one run sees only part of that (its TPOT intervals are ~1.35× too narrow).
  const { same } = noDifferencePairs('poisson', 1)
  console.log(`A/A (Poisson arrivals): ${same} of ${PAIRS} pairs with no detectable difference on any metric`)
  assert.ok(same >= 0.9 * PAIRS, `only ${same} of ${PAIRS} Poisson A/A pairs said "no difference"`)
})

test('A/B: a 10% slower decode step (TPOT +10%) is called worse in ≥ 95% of 40 pairs', () => {
  const { tpotWorse } = noDifferencePairs('constant', 1.1)
  console.log(`A/B (decode ×1.1): TPOT mean called worse in ${tpotWorse} of ${PAIRS} pairs`)
  assert.ok(tpotWorse >= 0.95 * PAIRS, `TPOT +10% detected in only ${tpotWorse} of ${PAIRS} pairs`)
})
