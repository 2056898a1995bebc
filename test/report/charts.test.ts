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
  throughputVsConcurrencyChart,
  throughputVsOfferedLoadChart,
  tokensPerSecByRunChart,
  ttftCdfChart,
} from '../../src/report/charts.js'
import { bucket, lowTail, summary, threeSecondSeries } from '../support/summary-fixture.js'

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

// A concurrency sweep: the same target, model and workload at c = 1, 2, 4, 8 (closed loop).
const SWEEP = [1, 2, 4, 8].map((c) =>
  summary({
    runId: `bench_vllm_llama_sweep_2026112${c}_100000`,
    model: 'llama',
    workload: 'sweep',
    offeredRps: null,
    concurrency: c,
    requestThroughputPerSec: ({ 1: 1.5, 2: 2.9, 4: 5.2, 8: 7.1 } as Record<number, number>)[c] as number,
    tokensPerSec: lowTail({ mean: 100 / c }),
  }),
)

describe('throughputVsOfferedLoadChart', () => {
  test('open-loop runs only: achieved req/s against offered rps on one y-axis, one line per model', () => {
    const chart = throughputVsOfferedLoadChart(SUMMARIES)
    assert.equal(chart.id, 'throughput-vs-offered-load')
    // One y-axis (an object, not a pair): tokens/sec are on their own chart.
    assert.equal((chart.option.yAxis as { name: string }).name, 'achieved req/s (successful)')
    const series = chart.option.series as Array<{ name: string; data: unknown }>
    assert.deepEqual(
      series.map((s) => s.name),
      ['llama', 'qwen', 'achieved = offered'],
    )
    assert.deepEqual(series[0]?.data, [
      { name: 'llama · low', value: [2, 1.9] },
      { name: 'llama · high', value: [8, 5.5] },
    ])
    // The closed loop (no offered rate) is not on this chart: it would sit on the diagonal.
    assert.deepEqual(series[1]?.data, [{ name: 'qwen · low', value: [2, 2] }])
    assert.deepEqual(series[2]?.data, [
      [0, 0],
      [8, 8],
    ])
  })

  test('joins only runs of the same target, model, max_tokens and prompt set', () => {
    const short = { ...LLAMA_HIGH, runId: 'short-256' }
    const long = { ...LLAMA_LOW, runId: 'long-1024' }
    const settings = {
      'short-256': { maxTokens: 256, promptSet: 'short' },
      'long-1024': { maxTokens: 1024, promptSet: 'long' },
    }
    const series = throughputVsOfferedLoadChart([short, long], { settings }).option.series as Array<{
      name: string
      data: Array<{ value: number[] }>
    }>
    assert.deepEqual(
      series.map((s) => [s.name, s.data.length]),
      [
        ['llama · max_tokens 256 · prompts short', 1],
        ['llama · max_tokens 1024 · prompts long', 1],
        ['achieved = offered', 2],
      ],
    )
  })

  test('names lines by model and target when the runs span two targets', () => {
    const other = { ...QWEN_LOW, runId: 'x', target: 'sglang' }
    const names = (
      throughputVsOfferedLoadChart([QWEN_LOW, other]).option.series as Array<{ name: string }>
    ).map((s) => s.name)
    assert.deepEqual(names, ['qwen @ vllm', 'qwen @ sglang', 'achieved = offered'])
  })

  test('an incomplete run is a hollow point named so', () => {
    const cut = { ...LLAMA_HIGH, incomplete: 'interrupted by SIGINT' }
    const series = throughputVsOfferedLoadChart([LLAMA_LOW, cut]).option.series as Array<{
      data: Array<{ name: string; symbol?: string }>
    }>
    assert.deepEqual(
      series[0]?.data.map((p) => [p.name, p.symbol ?? 'default']),
      [
        ['llama · low', 'default'],
        ['llama · high (incomplete)', 'emptyTriangle'],
      ],
    )
  })
})

describe('throughputVsConcurrencyChart', () => {
  test('a closed-loop sweep is plotted against concurrency, not achieved against achieved', () => {
    const chart = throughputVsConcurrencyChart(SWEEP)
    assert.equal(chart.id, 'throughput-vs-concurrency')
    assert.equal((chart.option.xAxis as { name: string }).name, 'concurrency (workers)')
    const series = chart.option.series as Array<{ name: string; data: unknown }>
    assert.deepEqual(series, [
      {
        type: 'line',
        name: 'llama',
        data: [
          { name: 'llama · sweep · c=1', value: [1, 1.5] },
          { name: 'llama · sweep · c=2', value: [2, 2.9] },
          { name: 'llama · sweep · c=4', value: [4, 5.2] },
          { name: 'llama · sweep · c=8', value: [8, 7.1] },
        ],
      },
    ])
  })
})

describe('tokensPerSecByRunChart', () => {
  test('one bar per run, named by what distinguishes it: no run of a sweep is dropped', () => {
    const chart = tokensPerSecByRunChart(SWEEP)
    assert.equal(chart.id, 'tokens-per-sec-by-run')
    assert.deepEqual((chart.option.xAxis as { data: string[] }).data, [
      'llama · sweep · c=1',
      'llama · sweep · c=2',
      'llama · sweep · c=4',
      'llama · sweep · c=8',
    ])
    const series = chart.option.series as Array<{ type: string; data: unknown }>
    assert.deepEqual(
      series.map((s) => [s.type, s.data]),
      [['bar', [100, 50, 25, 12.5]]],
    )
  })

  test('runs of different models and workloads each get their bar, "-" for no value', () => {
    const none = { ...QWEN_LOW, runId: 'none', workload: 'none', tokensPerSec: null }
    const chart = tokensPerSecByRunChart([...SUMMARIES, none])
    assert.deepEqual((chart.option.xAxis as { data: string[] }).data, [
      'llama · high',
      'qwen · closed',
      'llama · low',
      'qwen · low',
      'qwen · none',
    ])
    assert.deepEqual((chart.option.series as Array<{ data: unknown }>)[0]?.data, [80, 120, 101.235, 130, '-'])
  })
})

describe('run charts', () => {
  test('TTFT CDF: [ms, % of requests] per run, rounded to 3 decimals, on a log x-axis', () => {
    const chart = ttftCdfChart([chartRun()])
    assert.equal(chart.id, 'ttft-cdf')
    assert.equal((chart.option.xAxis as { type: string }).type, 'log')
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

  test('throughput over time: successful req/s (as the tables count) and output tok/s per second', () => {
    const chart = throughputOverTimeChart(chartRun())
    assert.deepEqual(
      (chart.option.series as Array<{ name: string }>).map((s) => s.name),
      ['successful req/s', 'output tok/s'],
    )
    // Second 2 ended 1 ok and 1 timeout: 1 successful request per second, not 2.
    assert.deepEqual(seriesData(chart.option), [
      [
        [0, 4],
        [1, 0],
        [2, 1],
      ],
      [
        [0, 400],
        [1, 0],
        [2, 100],
      ],
    ])
  })

  test('failures over time: aborted and never-sent requests on lines of their own, never as failed', () => {
    // The high-load end: at t = 10 s, 1 ok, 1 failure, 3 cut by the grace period, 40 never sent.
    const run: ChartRun = {
      runId: 'r',
      label: 'llama · high',
      series: {
        bucketSec: 1,
        buckets: [
          bucket(9, { completed: 2, ok: 2 }),
          { ...bucket(10, { completed: 45, ok: 1, failed: 1 }), aborted: 3, notSent: 40 },
        ],
        ttftCdf: [],
      },
    }
    const option = errorRateOverTimeChart(run).option
    assert.deepEqual(
      (option.series as Array<{ name: string; data: unknown }>).map((s) => [s.name, s.data]),
      [
        [
          'failure rate (%)',
          [
            [9, 0],
            [10, 50],
          ],
        ],
        [
          'failed requests',
          [
            [9, 0],
            [10, 1],
          ],
        ],
        [
          'aborted (cut by the end of the run)',
          [
            [9, 0],
            [10, 3],
          ],
        ],
        [
          'not sent (client limit)',
          [
            [9, 0],
            [10, 40],
          ],
        ],
      ],
    )
    // The throughput chart of the same second: 1 successful req/s, not a spike of 45.
    assert.deepEqual(seriesData(throughputOverTimeChart(run).option)[0], [
      [9, 2],
      [10, 1],
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
        'throughput-vs-concurrency',
        'tokens-per-sec-by-run',
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
        'DejaVu Sans, Liberation Sans, Arial, NanumBarunGothic, sans-serif',
      )
      assert.equal((chart.option.title as { text: string }).text, chart.title)
      // Every series in the legend: 'plain' wraps onto rows, 'scroll' hides some behind "1/2 ▶".
      const legend = chart.option.legend as { type?: string; show?: boolean }
      assert.ok(
        legend.show === false || legend.type === 'plain',
        `${chart.id}: legend ${JSON.stringify(legend)}`,
      )
    }
  })

  test('a long legend wraps onto more rows: the plot starts below it and the chart grows', () => {
    const runs = Array.from({ length: 12 }, (_, i) => ({
      runId: `r${i}`,
      label: `model-with-a-long-name-${i} · workload-${i}`,
      series: threeSecondSeries(),
    }))
    const one = ttftCdfChart(runs.slice(0, 1))
    const many = ttftCdfChart(runs)
    assert.equal((one.option.grid as { top: number }).top, 80)
    assert.equal(one.extraHeightPx, undefined)
    // 12 items of ~330 px on rows of 880 px: 2 per row, 6 rows → 5 rows more than one.
    assert.equal(many.extraHeightPx, 5 * 24)
    assert.equal((many.option.grid as { top: number }).top, 80 + 5 * 24)
    assert.equal((many.option.legend as { type: string }).type, 'plain')
  })

  test('no summaries, no charts', () => {
    assert.deepEqual(reportCharts([], {}), { overview: [], runs: [] })
  })
})

describe('labels and ids', () => {
  test('chart ids keep letters (of any script), digits and [_.-]', () => {
    assert.equal(chartIdPart('bench_a/b <x>"y"_1.2'), 'bench_a-b--x--y-_1.2')
    // Hangul stays: the PNG of a run of 짧은테스트 is not named "-----".
    assert.equal(
      chartIdPart('bench_sim_m_짧은테스트_20261203_120000'),
      'bench_sim_m_짧은테스트_20261203_120000',
    )
  })

  test('a sweep is named by what distinguishes its runs, an interrupted run is marked', () => {
    const series = Object.fromEntries(SWEEP.map((s) => [s.runId, threeSecondSeries()]))
    const cut = { ...(SWEEP[3] as (typeof SWEEP)[number]), incomplete: 'interrupted by SIGINT' }
    const runs = [...SWEEP.slice(0, 3), cut]
    assert.deepEqual(
      chartRunsOf(runs, series).map((run) => run.label),
      [
        'llama · sweep · c=1',
        'llama · sweep · c=2',
        'llama · sweep · c=4',
        'llama · sweep · c=8 (incomplete)',
      ],
    )
    // The CDF legend carries the same names.
    assert.deepEqual(
      (ttftCdfChart(chartRunsOf(runs, series)).option.series as Array<{ name: string }>).map((s) => s.name),
      [
        'llama · sweep · c=1',
        'llama · sweep · c=2',
        'llama · sweep · c=4',
        'llama · sweep · c=8 (incomplete)',
      ],
    )
    // Settings from the meta name runs that differ in max_tokens.
    const a = { ...LLAMA_LOW, runId: 'a' }
    const b = { ...LLAMA_LOW, runId: 'b' }
    assert.deepEqual(
      chartRunsOf(
        [a, b],
        { a: threeSecondSeries(), b: threeSecondSeries() },
        {
          settings: { a: { maxTokens: 128 }, b: { maxTokens: 512 } },
        },
      ).map((run) => run.label),
      ['llama · low · max_tokens 128', 'llama · low · max_tokens 512'],
    )
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
