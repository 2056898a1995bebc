import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ConfigError } from '../../src/errors.js'
import { evaluateSlos, measureGoodput } from '../../src/stats/slo.js'
import { parseSlos } from '../../src/stats/slo-spec.js'
import { summarize } from '../../src/stats/summarize.js'
import { gateExitCode } from '../../src/stats/verdict-codes.js'
import { sloRecord } from '../support/slo-record.js'

const INFO = {
  runId: 'r',
  target: 't',
  model: 'm',
  workload: 'w',
  startedAt: '2026-01-01T00:00:00.000Z',
  offeredRps: null,
  concurrency: 1,
  clientHealth: null,
}

function parseError(texts: string[]): string {
  try {
    parseSlos(texts)
  } catch (error) {
    assert.ok(error instanceof ConfigError)
    return error.message
  }
  assert.fail('expected a ConfigError')
}

describe('parseSlos', () => {
  test('reads run-level thresholds and per-request bounds into canonical units', () => {
    const set = parseSlos(['ttft_p99<=0.5s', 'success_rate>=99%', 'goodput>=5req/s', 'ttft<=500ms,tpot<50ms'])
    assert.deepEqual(
      set.thresholds.map((t) => [t.metric, t.op, t.limit, t.unit]),
      [
        ['ttft_p99', '<=', 500, 'ms'],
        ['success_rate', '>=', 99, '%'],
        ['goodput', '>=', 5, 'req/s'],
      ],
    )
    assert.deepEqual(
      set.requestBounds.map((b) => [b.metric, b.op, b.limitMs]),
      [
        ['ttft', '<=', 500],
        ['tpot', '<', 50],
      ],
    )
  })

  test('collects every problem: missing unit, wrong unit, typo with a suggestion', () => {
    const message = parseError(['ttft_p99<=500', 'success_rate>=99ms', 'tft_p99<=1s', 'tpot_p95<=50ms'])
    assert.equal(
      message,
      [
        '--slo: `ttft_p99<=500` has no unit (add ms or s)',
        '--slo: unit ms does not fit success_rate in `success_rate>=99ms` (use %)',
        '--slo: unknown metric `tft_p99` in `tft_p99<=1s` — did you mean `ttft_p99`?',
      ].join('\n'),
    )
  })
})

describe('goodput and attainment', () => {
  // Four judged requests over a 2 s window (sent 0 → last end 2000 ms):
  //  #0 ttft 100, tpot 40, 10 tokens → good
  //  #1 ttft 600 → bad (ttft)
  //  #2 ttft 200, tpot 60 → bad (tpot)
  //  #3 http_error → bad; #4 aborted → not judged
  //  #5 ttft 300, one token (tpot null: not judged on tpot), 1 token → good
  const records = [
    sloRecord({ sent_at_ms: 0, ttft_ms: 100, tpot_ms: 40, output_tokens: 10 }),
    sloRecord({ sent_at_ms: 100, ttft_ms: 600, tpot_ms: 40 }),
    sloRecord({ sent_at_ms: 200, ttft_ms: 200, tpot_ms: 60 }),
    sloRecord({ sent_at_ms: 300, outcome: 'http_error', success: false, ttft_ms: null, tpot_ms: null }),
    sloRecord({ sent_at_ms: 400, outcome: 'aborted', success: false, ttft_ms: null, tpot_ms: null }),
    sloRecord({ sent_at_ms: 500, ttft_ms: 300, tpot_ms: null, output_tokens: 1, ended_at_ms: 2000 }),
  ]

  test('counts good requests, attainment over judged ones, goodput per second of window', () => {
    const set = parseSlos(['ttft<=500ms,tpot<=50ms'])
    const goodput = measureGoodput(set.requestBounds, records, 2)
    assert.deepEqual(goodput, {
      judged: 5,
      good: 2,
      attainmentPct: 40,
      goodputReqPerSec: 1,
      goodputTokPerSec: 5.5,
      unevaluable: [],
    })
  })

  test('a run-level threshold on goodput and attainment gets a verdict with margin', () => {
    const summary = summarize(records, INFO)
    assert.equal(summary.windowSec, 2)
    const report = evaluateSlos(
      parseSlos(['ttft<=500ms,tpot<=50ms', 'attainment>=50%', 'goodput>=0.5req/s']),
      records,
      summary,
    )
    assert.deepEqual(
      report.verdicts.map((v) => [v.text, v.actual, v.status, v.margin]),
      [
        ['attainment>=50%', 40, 'fail', -0.2],
        ['goodput>=0.5req/s', 1, 'pass', 1],
      ],
    )
    assert.equal(report.passed, false)
  })
})

describe('run-level thresholds', () => {
  test('percentile thresholds read the summary; ttft p50 of 100,200,300 is 200', () => {
    const records = [100, 200, 300].map((ttft, i) => sloRecord({ sent_at_ms: i * 10, ttft_ms: ttft }))
    const report = evaluateSlos(
      parseSlos(['ttft_p50<=250ms', 'ttft_max<0.25s', 'success_rate>=100%']),
      records,
      summarize(records, INFO),
    )
    assert.deepEqual(
      report.verdicts.map((v) => [v.metric, v.actual, v.status, v.margin]),
      [
        ['ttft_p50', 200, 'pass', 0.2],
        ['ttft_max', 300, 'fail', -0.2],
        ['success_rate', 100, 'pass', 0],
      ],
    )
  })

  test('TPOT when no request had two tokens cannot be evaluated, and does not pass', () => {
    const records = [sloRecord({ tpot_ms: null, output_tokens: 1 })]
    const report = evaluateSlos(
      parseSlos(['tpot_p95<=50ms', 'tpot<=50ms']),
      records,
      summarize(records, INFO),
    )
    assert.deepEqual(
      report.verdicts.map((v) => [v.text, v.status, v.actual]),
      [
        ['tpot_p95<=50ms', 'cannot_evaluate', null],
        ['tpot<=50ms', 'cannot_evaluate', null],
      ],
    )
    assert.match(report.verdicts[0]?.reason ?? '', /TPOT needs at least 2 output tokens/)
    assert.equal(report.passed, false)
  })

  test('an empty run cannot be evaluated', () => {
    const report = evaluateSlos(parseSlos(['success_rate>=99%']), [], summarize([], INFO))
    assert.equal(report.verdicts[0]?.status, 'cannot_evaluate')
    assert.equal(report.verdicts[0]?.reason, 'the run has no requests')
  })

  test('gate exit codes: SLO failure 4 wins over regression 5', () => {
    assert.equal(gateExitCode(true, true), 0)
    assert.equal(gateExitCode(false, false), 4)
    assert.equal(gateExitCode(true, false), 5)
  })
})
