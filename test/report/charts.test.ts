import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  allCharts,
  type ChartRun,
  chartIdPart,
  chartRunsOf,
  errorRateOverTimeChart,
  latencyOverTimeChart,
  reportCharts,
  runLabel,
  throughputOverTimeChart,
  throughputVsOfferedLoadChart,
  tokensPerSecByModelChart,
  ttftCdfChart,
} from '../../src/report/charts.js'
import { lowTail, summary, threeSecondSeries } from '../support/summary-fixture.js'

const LLAMA_LOW = summary({
  runId: 'bench_vllm_llama_low_20261128_100000',
  model: 'llama',
  workload: 'low',
  offeredRps: 2,
  requestThroughputPerSec: 1.9,
  outputTokenThroughputPerSec: 190,
  tokensPerSec: lowTail({ mean: 101.23456 }),
})
const LLAMA_HIGH = summary({
  runId: 'bench_vllm_llama_high_20261128_110000',
  model: 'llama',
  workload: 'high',
  offeredRps: 8,
  requestThroughputPerSec: 5.5,
  outputTokenThroughputPerSec: 550,
  tokensPerSec: lowTail({ mean: 80 }),
})
const QWEN_CLOSED = summary({
  runId: 'bench_vllm_qwen_closed_20261128_120000',
  model: 'qwen',
  workload: 'closed',
  offeredRps: null,
  requestThroughputPerSec: 4.25,
  outputTokenThroughputPerSec: 425,
  tokensPerSec: lowTail({ mean: 120 }),
})
const QWEN_LOW = summary({
  runId: 'bench_vllm_qwen_low_20261128_130000',
  model: 'qwen',
  workload: 'low',
  offeredRps: 2,
  requestThroughputPerSec: 2,
  outputTokenThroughputPerSec: 260,
  tokensPerSec: lowTail({ mean: 130 }),
})
// Listed out of x order on purpose: the chart sorts each line by offered load.
const SUMMARIES = [LLAMA_HIGH, QWEN_CLOSED, LLAMA_LOW, QWEN_LOW]

function chartRun(): ChartRun {
  return { runId: 'bench_vllm_llama_low_20261128_100000', label: 'llama · low', series: threeSecondSeries() }
}

function seriesData(option: Record<string, unknown>): unknown[] {
  return (option.series as Array<{ data: unknown }>).map((s) => s.data)
}

describe('throughputVsOfferedLoadChart', () => {
  test('plots achieved req/s and tok/s against offered rps, closed loop at its achieved rate', () => {
    const chart = throughputVsOfferedLoadChart(SUMMARIES)
    assert.equal(chart.id, 'throughput-vs-offered-load')
    const series = chart.option.series as Array<{ name: string; yAxisIndex: number; data: unknown }>
    assert.deepEqual(
      series.map((s) => [s.name, s.yAxisIndex]),
      [
        ['llama req/s', 0],
        ['llama tok/s', 1],
        ['qwen req/s', 0],
        ['qwen tok/s', 1],
        ['achieved = offered', 0],
      ],
    )
    assert.deepEqual(series[0]?.data, [
      { name: 'low', value: [2, 1.9] },
      { name: 'high', value: [8, 5.5] },
    ])
    assert.deepEqual(series[1]?.data, [
      { name: 'low', value: [2, 190] },
      { name: 'high', value: [8, 550] },
    ])
    // qwen: low at offered 2; the closed loop sits at x = its achieved 4.25 req/s.
    assert.deepEqual(series[2]?.data, [
      { name: 'low', value: [2, 2] },
      { name: 'closed', value: [4.25, 4.25] },
    ])
    assert.deepEqual(series[3]?.data, [
      { name: 'low', value: [2, 260] },
      { name: 'closed', value: [4.25, 425] },
    ])
    assert.deepEqual(series[4]?.data, [
      [0, 0],
      [8, 8],
    ])
  })

  test('names lines by model and target when the runs span two targets', () => {
    const other = { ...QWEN_LOW, runId: 'x', target: 'sglang' }
    const names = (
      throughputVsOfferedLoadChart([QWEN_LOW, other]).option.series as Array<{ name: string }>
    ).map((s) => s.name)
    assert.deepEqual(names, [
      'qwen @ vllm req/s',
      'qwen @ vllm tok/s',
      'qwen @ sglang req/s',
      'qwen @ sglang tok/s',
      'achieved = offered',
    ])
  })
})

describe('tokensPerSecByModelChart', () => {
  test('one bar series per model over the workloads, "-" where a model did not run', () => {
    const chart = tokensPerSecByModelChart(SUMMARIES)
    assert.deepEqual((chart.option.xAxis as { data: string[] }).data, ['high', 'closed', 'low'])
    const series = chart.option.series as Array<{ type: string; name: string; data: unknown }>
    assert.deepEqual(
      series.map((s) => [s.type, s.name, s.data]),
      [
        ['bar', 'llama', [80, '-', 101.235]],
        ['bar', 'qwen', ['-', 120, 130]],
      ],
    )
  })
})

describe('run charts', () => {
  test('TTFT CDF: [ms, % of requests] per run, rounded to 3 decimals', () => {
    const chart = ttftCdfChart([chartRun()])
    assert.equal(chart.id, 'ttft-cdf')
    assert.deepEqual(seriesData(chart.option), [
      [
        [40, 0],
        [50, 50],
        [90.123, 100],
      ],
    ])
    assert.equal((chart.option.series as Array<{ name: string }>)[0]?.name, 'llama · low')
  })

  test('latency over time: p50/p95 of TTFT (left axis) and total time (right), gaps where no request ended', () => {
    const chart = latencyOverTimeChart(chartRun())
    assert.equal(chart.id, 'latency-over-time-bench_vllm_llama_low_20261128_100000')
    assert.equal(chart.title, 'Latency over time: llama · low')
    assert.deepEqual(seriesData(chart.option), [
      [
        [0, 50],
        [1, '-'],
        [2, 70],
      ],
      [
        [0, 90],
        [1, '-'],
        [2, 70],
      ],
      [
        [0, 1000],
        [1, '-'],
        [2, 1200],
      ],
      [
        [0, 1900],
        [1, '-'],
        [2, 1200],
      ],
    ])
  })

  test('throughput over time: completed req/s and output tok/s per second', () => {
    assert.deepEqual(seriesData(throughputOverTimeChart(chartRun()).option), [
      [
        [0, 4],
        [1, 0],
        [2, 2],
      ],
      [
        [0, 400],
        [1, 0],
        [2, 100],
      ],
    ])
  })

  test('error rate over time: % failed (none where nothing ended) and failed counts', () => {
    assert.deepEqual(seriesData(errorRateOverTimeChart(chartRun()).option), [
      [
        [0, 0],
        [1, '-'],
        [2, 50],
      ],
      [
        [0, 0],
        [1, 0],
        [2, 1],
      ],
    ])
  })
})

describe('reportCharts', () => {
  test('overview charts plus three timelines per run with a series, all plain JSON, no animation', () => {
    const charts = reportCharts(SUMMARIES, { [LLAMA_LOW.runId]: threeSecondSeries() })
    const all = allCharts(charts)
    assert.deepEqual(
      all.map((c) => c.id),
      [
        'ttft-cdf',
        'throughput-vs-offered-load',
        'tokens-per-sec-by-model',
        `latency-over-time-${LLAMA_LOW.runId}`,
        `throughput-over-time-${LLAMA_LOW.runId}`,
        `error-rate-over-time-${LLAMA_LOW.runId}`,
      ],
    )
    for (const chart of all) {
      // Functions or undefined would not survive JSON: the option must round-trip unchanged.
      assert.deepEqual(JSON.parse(JSON.stringify(chart.option)), chart.option)
      assert.equal(chart.option.animation, false)
      assert.equal(
        (chart.option.textStyle as { fontFamily: string }).fontFamily,
        'DejaVu Sans, Liberation Sans, Arial, sans-serif',
      )
      assert.equal((chart.option.title as { text: string }).text, chart.title)
    }
  })

  test('no summaries, no charts', () => {
    assert.deepEqual(reportCharts([], {}), { overview: [], runs: [] })
  })
})

describe('labels and ids', () => {
  test('chart ids keep only [A-Za-z0-9_.-]', () => {
    assert.equal(chartIdPart('bench_a/b <x>"y"_1.2'), 'bench_a-b--x--y-_1.2')
  })

  test('repeated runs of one model and workload carry their run id in chart labels', () => {
    const again = { ...LLAMA_LOW, runId: 'bench_vllm_llama_low_20261128_140000' }
    const series = threeSecondSeries()
    const labels = chartRunsOf([LLAMA_LOW, again, LLAMA_HIGH], {
      [LLAMA_LOW.runId]: series,
      [again.runId]: series,
      [LLAMA_HIGH.runId]: series,
    }).map((run) => run.label)
    assert.deepEqual(labels, [
      'llama · low · bench_vllm_llama_low_20261128_100000',
      'llama · low · bench_vllm_llama_low_20261128_140000',
      'llama · high',
    ])
  })

  test('run labels add the target only when runs span several targets', () => {
    assert.equal(runLabel(LLAMA_LOW, SUMMARIES), 'llama · low')
    const other = { ...LLAMA_LOW, target: 'sglang' }
    assert.equal(runLabel(LLAMA_LOW, [LLAMA_LOW, other]), 'llama · low · vllm')
  })
})
