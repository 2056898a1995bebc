import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { serverCharts } from '../../src/report/server-charts.js'
import {
  renderServerSectionHtml,
  renderServerSectionMarkdown,
  serverSummaryRows,
} from '../../src/report/server-section.js'
import { parseExposition } from '../../src/telemetry/prom-text.js'
import type { TelemetrySample } from '../../src/telemetry/sample.js'
import { summarizeTelemetry } from '../../src/telemetry/telemetry-summary.js'

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'metrics')

function sample(source: string, atMs: number, file: string): TelemetrySample {
  const exposition = parseExposition(readFileSync(join(FIXTURES, file), 'utf8'))
  return { source, atMs, durationMs: 1, ok: true, error: null, ...exposition }
}

const SUMMARY = summarizeTelemetry({
  samples: [
    sample('http://vllm:8000/metrics', 1000, 'vllm-before.prom'),
    sample('http://vllm:8000/metrics', 11_000, 'vllm-after.prom'),
    sample('http://gpu:9400/metrics', 1000, 'dcgm-before.prom'),
    sample('http://gpu:9400/metrics', 11_000, 'dcgm-after.prom'),
  ],
  windowStartMs: 1000,
  windowEndMs: 11_000,
  client: { outputTokens: 600, inputTokens: 3000, okRequests: 20 },
  idleWatts: 200,
})

test('the Markdown server section lists the energy and engine figures with their sources', () => {
  assert.equal(
    renderServerSectionMarkdown(SUMMARY),
    `## Server side

Recognised: dcgm, vllm. Counters are deltas over the measurement window.

| metric | value |
|---|---|
| Output tokens per joule | 0.120 |
| Average GPU power | 500.0 W |
| Energy per request | 250.00 J |
| Energy in the window | 5000.0 J |
| Energy source | energy counter delta, 2 samples, largest gap 10000 ms |
| Dynamic energy (above idle) | 3000.0 J (idle 200.0 W) |
| Server/client output token agreement | 100.0 % (server counted 600) |
| Server/client prompt token agreement | 100.0 % (server counted 3000) |
| Prefix-cache hit rate | 60.0 % |
| Waiting requests | 3.0 mean, 4.0 max |
| Running requests | 13.0 mean, 16.0 max |
| KV-cache usage | 40.0 % mean, 50.0 % max |
| GPU utilization | 75.5 % mean, 75.5 % max |
| Server TTFT | p50 250 · p90 450 · p99 495 ms (20 requests, from histogram buckets) |
| Server end-to-end | – |
| Server queue time | p50 150 · p90 270 · p99 297 ms (20 requests, from histogram buckets) |
`,
  )
  assert.equal(serverSummaryRows(SUMMARY)[0]?.key, 'tokens_per_joule')
})

test('the HTML section holds the table and one div per server chart on the client clock', () => {
  const charts = serverCharts('run_1', 'sim-llama-8b', SUMMARY)
  assert.deepEqual(
    charts.map((c) => c.id),
    ['server-queue-run_1', 'server-gpu-run_1'],
  )
  const queue = charts[0]?.option.series as { name: string; data: number[][] }[]
  assert.deepEqual(
    queue.map((s) => [s.name, s.data]),
    [
      [
        'waiting',
        [
          [1, 2],
          [11, 4],
        ],
      ],
      [
        'running',
        [
          [1, 10],
          [11, 16],
        ],
      ],
      [
        'KV cache %',
        [
          [1, 30],
          [11, 50],
        ],
      ],
    ],
  )
  const html = renderServerSectionHtml(SUMMARY, charts)
  assert.match(html, /<tr><th scope="row">Output tokens per joule<\/th><td>0\.120<\/td><\/tr>/)
  assert.match(
    html,
    /<div class="chart" id="server-gpu-run_1" role="img" aria-label="GPU power and utilization: sim-llama-8b"><\/div>/,
  )
})

test('a run without telemetry gets one line and no charts', () => {
  const none = summarizeTelemetry({
    samples: [
      {
        source: 'http://ollama:11434/metrics',
        atMs: 0,
        durationMs: 1,
        ok: false,
        error: 'HTTP 404',
        series: [],
        histograms: [],
        problems: [],
      },
    ],
    windowStartMs: 0,
    windowEndMs: 1000,
    client: { outputTokens: 1, inputTokens: 1, okRequests: 1 },
  })
  assert.equal(
    renderServerSectionMarkdown(none),
    '## Server side\n\nNo server telemetry: http://ollama:11434/metrics: 1 of 1 scrapes failed (HTTP 404)\n',
  )
  assert.deepEqual(serverCharts('r', 'l', none), [])
  assert.equal(
    renderServerSectionHtml(none, []),
    '<section class="server-side"><h2>Server side</h2><p>No server telemetry: http://ollama:11434/metrics: 1 of 1 scrapes failed (HTTP 404)</p></section>',
  )
})
