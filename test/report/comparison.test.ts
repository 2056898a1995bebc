import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  BEST_MAX_LOSS_SHARE,
  bestMarks,
  bestRuns,
  type CompareColumn,
  canBeBest,
  comparedGroups,
  groupLabel,
  groupOrder,
  shownValue,
  statColumn,
  valueColumn,
} from '../../src/report/comparison.js'
import { TOTAL_TIME_SEC, VALUE_METRICS } from '../../src/report/metric-catalogue.js'
import type { Summary } from '../../src/types.js'
import { distribution, summary } from '../support/summary-fixture.js'

const latency: CompareColumn = { header: 'ms', decimals: 1, badTail: 'high', value: () => null }
const rate: CompareColumn = { header: 'tok/s', decimals: 2, badTail: 'low', value: () => null }

describe('comparison', () => {
  test('best is the lowest latency, compared as shown, ties all best', () => {
    // 10.04 and 10.01 both show as 10.0: a tie, both best; 12.3 is worse.
    assert.deepEqual(bestMarks([12.3, 10.04, 10.01, null], latency), [false, true, true, false])
  })

  test('nothing is best when every shown value is the same', () => {
    assert.deepEqual(bestMarks([10.04, 10.01], latency), [false, false])
  })

  test('best is the highest when the bad tail is the low one', () => {
    // 99.996 and 100.004 both show as 100.00.
    assert.deepEqual(bestMarks([99.996, 100.004, 50], rate), [true, true, false])
  })

  test('shown values use the column decimals, thousands separators and suffix', () => {
    assert.equal(shownValue(1234.5, { ...rate, suffix: '%' }), '1,234.50%')
    assert.equal(shownValue(-0.04, latency), '0.0')
    assert.equal(shownValue(null, latency), undefined)
  })

  test('columns come from the metric catalogue', () => {
    const run = summary({
      runId: 'r',
      model: 'm',
      workload: 'w',
      e2eMs: distribution({ p50: 1000, p95: 1900 }),
    })
    const p95 = statColumn(TOTAL_TIME_SEC, 'P95', (d) => d.p95)
    assert.equal(p95.value(run), 1.9)
    assert.equal(p95.decimals, 3)
    const success = valueColumn(VALUE_METRICS.successRate)
    assert.equal(success.value({ ...run, successRate: 0.975 }), 97.5)
    assert.equal(success.suffix, '%')
    assert.equal(success.badTail, 'low')
  })

  test('groups hold two or more runs sharing a value; the lead grouping comes first', () => {
    const runs = [
      summary({ runId: 'a', model: 'llama', workload: 'low' }),
      summary({ runId: 'b', model: 'qwen', workload: 'low' }),
      summary({ runId: 'c', model: 'qwen', workload: 'high' }),
    ]
    assert.deepEqual(
      comparedGroups(runs, 'workload').map((group) => [group.key, group.runs.map((s) => s.runId)]),
      [['low', ['a', 'b']]],
    )
    assert.deepEqual(
      comparedGroups(runs, 'model').map((group) => [group.key, group.runs.map((s) => s.runId)]),
      [['qwen', ['b', 'c']]],
    )
    assert.deepEqual(groupOrder('model'), ['model', 'workload', 'target'])
    assert.equal(groupLabel(runs[0] as (typeof runs)[0], 'workload'), 'llama @ vllm')
  })
})

describe('which run may be best (issue 12)', () => {
  const reqPerSec: CompareColumn = {
    header: 'req/s',
    decimals: 3,
    badTail: 'low',
    value: (s) => s.requestThroughputPerSec,
  }
  const run = (runId: string, workload: string, reqs: number, fields: Partial<Summary> = {}) =>
    summary({ runId, model: 'm', workload, requestThroughputPerSec: reqs, ...fields })

  test('only runs of the same workload are ranked against each other', () => {
    // In a "same model" group: low 1.9 vs low 2.0, high 5.5 alone. 5.5 is no win over low runs.
    const runs = [run('a', 'low', 1.9), run('b', 'low', 2), run('c', 'high', 5.5)]
    assert.deepEqual(bestRuns(runs, reqPerSec), [false, true, false])
  })

  test('an incomplete run never wins, even with the best value', () => {
    const runs = [run('a', 'low', 1.9), run('b', 'low', 9, { incomplete: 'interrupted by SIGINT' })]
    assert.deepEqual(bestRuns(runs, reqPerSec), [false, false])
    assert.equal(canBeBest(runs[1] as Summary), false)
    assert.equal(groupLabel(runs[1] as Summary, 'workload'), 'm @ vllm (incomplete)')
  })

  test(`a run with more than ${BEST_MAX_LOSS_SHARE * 100}% failures or unsent requests is never best`, () => {
    const requests = (ok: number, failed: number, aborted: number, notSent: number) => ({
      requests: { total: ok + failed + aborted + notSent, ok, failed, aborted, notSent },
    })
    // 95 ok + 5 failed: 5 % of ok + failed, within the share. 94 + 6: 6.0 %, above it.
    assert.equal(canBeBest(run('a', 'w', 1, requests(95, 5, 0, 0))), true)
    assert.equal(canBeBest(run('a', 'w', 1, requests(94, 6, 0, 0))), false)
    // 100 ok + 6 not sent: 6/106 = 5.7 % of all requests, above it (high-load's 12 of 20: 60 %).
    assert.equal(canBeBest(run('a', 'w', 1, requests(100, 0, 0, 6))), false)
    assert.equal(canBeBest(run('a', 'w', 1, requests(100, 0, 3, 2))), true)
    assert.equal(canBeBest(run('a', 'w', 1, requests(0, 0, 0, 0))), false)
    const lossy = run('b', 'low', 5, requests(8, 0, 0, 12))
    assert.deepEqual(bestRuns([run('a', 'low', 1.9), lossy, run('c', 'low', 1.5)], reqPerSec), [
      true,
      false,
      false,
    ])
  })
})
