import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { legendLayout } from '../../src/report/chart-option.js'
import { serverCharts } from '../../src/report/server-charts.js'
import { parseExposition } from '../../src/telemetry/prom-text.js'
import type { TelemetrySample } from '../../src/telemetry/sample.js'
import { summarizeTelemetry } from '../../src/telemetry/telemetry-summary.js'

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'metrics')

function sample(source: string, atMs: number, file: string): TelemetrySample {
  const exposition = parseExposition(readFileSync(join(FIXTURES, file), 'utf8'))
  return { source, atMs, durationMs: 1, ok: true, error: null, ...exposition }
}

test('server charts use the plain legend every chart uses: each series shown, none paged', () => {
  const summary = summarizeTelemetry({
    samples: [
      sample('http://vllm:8000/metrics', 1000, 'vllm-before.prom'),
      sample('http://vllm:8000/metrics', 11_000, 'vllm-after.prom'),
      sample('http://gpu:9400/metrics', 1000, 'dcgm-before.prom'),
      sample('http://gpu:9400/metrics', 11_000, 'dcgm-after.prom'),
    ],
    windowStartMs: 1000,
    windowEndMs: 11_000,
    client: { outputTokens: 600, inputTokens: 3000, okRequests: 20 },
  })
  const charts = serverCharts('run_1', 'sim-llama-8b', summary)
  assert.deepEqual(
    charts.map((c) => c.id),
    ['server-queue-run_1', 'server-gpu-run_1'],
  )
  for (const chart of charts) {
    const names = (chart.option.series as Array<{ name: string }>).map((s) => s.name)
    const layout = legendLayout(names)
    // The shared frame: legend type 'plain' (wraps), the plot below its rows.
    assert.deepEqual(chart.option.legend, layout.legend)
    assert.equal((chart.option.legend as { type: string }).type, 'plain')
    assert.equal((chart.option.grid as { top: number }).top, layout.gridTop)
    assert.ok(!JSON.stringify(chart.option).includes('scroll'), chart.id)
    // The client charts' time axis, named for server samples.
    assert.equal((chart.option.xAxis as { name: string }).name, 'time since start (s), server samples')
  }
  assert.deepEqual(
    charts.map((c) => (c.option.series as Array<{ name: string }>).map((s) => s.name)),
    [
      ['waiting', 'running', 'KV cache %'],
      ['power W', 'utilization %'],
    ],
  )
  const [, percent] = (charts[0]?.option.yAxis ?? []) as Array<{ name: string; min: number; max: number }>
  assert.deepEqual([percent?.name, percent?.min, percent?.max], ['KV cache used (%)', 0, 100])
})
