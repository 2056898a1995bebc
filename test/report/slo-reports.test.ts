import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { renderCompareHtml } from '../../src/report/compare-html.js'
import { renderCompareMarkdown } from '../../src/report/compare-markdown.js'
import { renderCompareText } from '../../src/report/compare-text.js'
import { renderGateMarkdown } from '../../src/report/gate-summary.js'
import { renderJunit } from '../../src/report/junit.js'
import { describeOutcome } from '../../src/report/sweep-report.js'
import { renderSloMarkdown } from '../../src/report/verdict-text.js'
import type { Comparison } from '../../src/stats/compare.js'
import type { SloReport } from '../../src/stats/slo.js'

const REPORT: SloReport = {
  goodput: {
    judged: 10,
    good: 9,
    attainmentPct: 90,
    goodputReqPerSec: 4.5,
    goodputTokPerSec: 576,
    unevaluable: [],
  },
  verdicts: [
    {
      text: 'ttft_p99<=500ms',
      metric: 'ttft_p99',
      op: '<=',
      limit: 500,
      unit: 'ms',
      actual: 612.4,
      status: 'fail',
      margin: -0.2248,
      reason: null,
    },
    {
      text: 'success_rate>=99%',
      metric: 'success_rate',
      op: '>=',
      limit: 99,
      unit: '%',
      actual: 100,
      status: 'pass',
      margin: 1,
      reason: null,
    },
    {
      text: 'tpot_p95<=50ms',
      metric: 'tpot_p95',
      op: '<=',
      limit: 50,
      unit: 'ms',
      actual: null,
      status: 'cannot_evaluate',
      margin: null,
      reason: 'no successful request has tpot',
    },
  ],
  passed: false,
}

const COMPARISON: Comparison = {
  refused: null,
  warning: null,
  resamples: 1000,
  blockNote: 'circular block bootstrap',
  metrics: [
    {
      id: 'tpot_mean',
      label: 'TPOT mean',
      unit: 'ms',
      a: 20,
      b: 22,
      diff: 2,
      ciLow: 1.5,
      ciHigh: 2.5,
      relative: 0.1,
      verdict: 'worse',
    },
    {
      id: 'throughput',
      label: 'Throughput',
      unit: 'req/s',
      a: 10,
      b: 10.1,
      diff: 0.1,
      ciLow: -0.2,
      ciHigh: 0.4,
      relative: 0.01,
      verdict: 'no_difference',
    },
  ],
}

describe('SLO reports', () => {
  test('JUnit: one testcase per threshold, failures carry value, limit and margin', () => {
    const xml = renderJunit({ runId: 'run1', verdicts: REPORT.verdicts })
    assert.match(xml, /<testsuites tests="3" failures="2" errors="0" skipped="0">/)
    assert.match(
      xml,
      /<testcase classname="run-bench.slo" name="ttft_p99&lt;=500ms">\s*<failure message="ttft_p99 = 612 ms, limit &lt;= 500 ms \(margin -22.5%\)" type="slo_failed"\/>/,
    )
    assert.match(xml, /<testcase classname="run-bench.slo" name="success_rate>=99%"\/>/)
    assert.match(
      xml,
      /message="tpot_p95 cannot be evaluated: no successful request has tpot" type="slo_cannot_evaluate"/,
    )
  })

  test('Markdown verdict table with goodput line', () => {
    assert.equal(
      renderSloMarkdown(REPORT),
      [
        '| SLO | actual | limit | margin | result |',
        '|---|---:|---:|---:|---|',
        '| `ttft_p99<=500ms` | 612 ms | <= 500 ms | -22.5% | FAIL |',
        '| `success_rate>=99%` | 100.00% | >= 99.00% | 100.0% | pass |',
        '| `tpot_p95<=50ms` | n/a | <= 50.0 ms | — | cannot be evaluated: no successful request has tpot |',
        '',
        'Goodput: 4.50 req/s, 576.0 tok/s; attainment 90.0% (9 of 10 requests met every per-request bound)',
        '',
        'SLO check FAILED.',
      ].join('\n'),
    )
  })
})

describe('compare renderers', () => {
  test('terminal columns', () => {
    assert.equal(
      renderCompareText(COMPARISON),
      [
        'metric      A            B            B − A        95% CI          change  verdict',
        'TPOT mean   20.0 ms      22.0 ms      +2.0 ms      [+1.50, +2.50]  +10.0%  worse',
        'Throughput  10.00 req/s  10.10 req/s  +0.10 req/s  [-0.20, +0.40]  +1.0%   no detectable difference',
        'Method: circular block bootstrap.',
      ].join('\n'),
    )
  })

  test('Markdown bolds a detected difference; HTML colours it; a refusal says how to force', () => {
    const markdown = renderCompareMarkdown(COMPARISON, { a: 'main', b: 'pr' })
    assert.match(markdown, /^## Compare: main \(A\) vs pr \(B\)/)
    assert.match(
      markdown,
      /\| TPOT mean \| 20.0 ms \| 22.0 ms \| \+2.0 ms \| \[\+1.50, \+2.50\] \| \+10.0% \| \*\*worse\*\* \|/,
    )
    assert.match(renderCompareHtml(COMPARISON), /<td style="color:#cf222e">worse<\/td>/)
    const refused = { ...COMPARISON, refused: 'The runs differ: workload a vs b', metrics: [] }
    assert.equal(
      renderCompareText(refused),
      'The runs differ: workload a vs b; not compared (use --force to compare anyway)',
    )
  })

  test('sweep outcomes read as capacity ± interval, no capacity, at least', () => {
    assert.equal(
      describeOutcome({ kind: 'capacity', capacity: 40, low: 38.2, high: 41.8, converged: true }, 'rate'),
      'Capacity under this SLO: 40 req/s (±4.5%: passes at 38.2, fails at 41.8)',
    )
    assert.equal(
      describeOutcome({ kind: 'no_capacity', bestRate: 4, bestMargin: -0.5 }, 'rate'),
      'No capacity under this SLO: even 4 req/s fails (best margin -50.0%)',
    )
    assert.equal(
      describeOutcome({ kind: 'at_least', rate: 50 }, 'concurrency'),
      'Capacity is at least 50 in flight: the highest step of the range passed',
    )
  })
})

describe('gate summary', () => {
  test('SLO table, then the verdict and its exit code', () => {
    const text = renderGateMarkdown({ runLabel: 'bench_sim_m_w_1', slo: REPORT, regression: null })
    assert.ok(text.startsWith('## Run Bench: bench_sim_m_w_1\n\n### SLOs\n\n| SLO | actual |'))
    assert.ok(text.endsWith('SLO check FAILED.\n\n**Result: exit 4: an SLO failed.**'))
    const passing = renderGateMarkdown({
      runLabel: 'r',
      slo: { ...REPORT, verdicts: [], passed: true },
      regression: null,
    })
    assert.ok(passing.endsWith('**Result: exit 0: every gate passed.**'))
  })
})
