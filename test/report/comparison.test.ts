import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  bestMarks,
  type CompareColumn,
  comparedGroups,
  groupLabel,
  groupOrder,
  shownValue,
  statColumn,
  valueColumn,
} from '../../src/report/comparison.js'
import { TOTAL_TIME_SEC, VALUE_METRICS } from '../../src/report/metric-catalogue.js'
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
