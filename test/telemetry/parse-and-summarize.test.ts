import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { estimateEnergy, integratePowerJoules } from '../../src/telemetry/energy.js'
import { parseExposition } from '../../src/telemetry/prom-text.js'
import type { TelemetrySample } from '../../src/telemetry/sample.js'
import { bucketQuantile, counterIncrease } from '../../src/telemetry/series-math.js'
import { summarizeTelemetry } from '../../src/telemetry/telemetry-summary.js'

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'metrics')
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8')

function sample(source: string, atMs: number, text: string): TelemetrySample {
  const exposition = parseExposition(text)
  return { source, atMs, durationMs: 1, ok: true, error: null, ...exposition }
}

const VLLM = 'http://vllm:8000/metrics'
const DCGM = 'http://gpu-node-1:9400/metrics'
const CLIENT = { outputTokens: 600, inputTokens: 3000, okRequests: 20 }

test('counter increase treats a drop as a restart from zero', () => {
  assert.equal(counterIncrease([10, 15, 3, 7]), 5 + 3 + 4)
  assert.equal(counterIncrease([5]), 0)
})

test('bucket quantiles interpolate inside the bucket like histogram_quantile', () => {
  const buckets = [
    { le: 0.1, count: 0 },
    { le: 0.25, count: 10 },
    { le: 0.5, count: 20 },
    { le: Number.POSITIVE_INFINITY, count: 20 },
  ]
  assert.equal(bucketQuantile(0.5, buckets), 0.25)
  assert.ok(Math.abs((bucketQuantile(0.9, buckets) as number) - 0.45) < 1e-12)
  assert.equal(
    bucketQuantile(0.5, [
      { le: 1, count: 1 },
      { le: Number.POSITIVE_INFINITY, count: 4 },
    ]),
    1,
  )
  assert.equal(bucketQuantile(0.5, [{ le: Number.POSITIVE_INFINITY, count: 0 }]), null)
})

test('vLLM and DCGM fixtures summarize to hand-computed figures', () => {
  const summary = summarizeTelemetry({
    samples: [
      sample(VLLM, 0, fixture('vllm-before.prom')),
      sample(VLLM, 10_000, fixture('vllm-after.prom')),
      sample(DCGM, 0, fixture('dcgm-before.prom')),
      sample(DCGM, 10_000, fixture('dcgm-after.prom')),
    ],
    windowStartMs: 0,
    windowEndMs: 10_000,
    client: CLIENT,
  })
  assert.deepEqual(summary.recognised, ['dcgm', 'vllm'])
  assert.deepEqual(summary.waiting, { mean: 3, max: 4 })
  assert.deepEqual(summary.running, { mean: 13, max: 16 })
  assert.ok(Math.abs((summary.kvCacheUsage?.mean as number) - 0.4) < 1e-12)
  assert.equal(summary.prefixCacheHitRate, 300 / 500)
  assert.equal(summary.serverGenerationTokens, 600)
  assert.equal(summary.serverPromptTokens, 3000)
  assert.equal(summary.generationAgreementPercent, 100)
  // TTFT bucket deltas: (0.1: 0, 0.25: 10, 0.5: 20, +Inf: 20). p50 = 0.25 s; p90: rank 18 →
  // 0.25 + 0.25 × 8/10 = 0.45 s; p99: 0.25 + 0.25 × 9.8/10 = 0.495 s; mean 6 s / 20.
  assert.equal(summary.serverTtft?.count, 20)
  assert.equal(summary.serverTtft?.p50, 250)
  assert.ok(Math.abs((summary.serverTtft?.p90 as number) - 450) < 1e-9)
  assert.ok(Math.abs((summary.serverTtft?.p99 as number) - 495) < 1e-9)
  assert.ok(Math.abs((summary.serverTtft?.meanMs as number) - 300) < 1e-9)
  // Queue: 20 requests all in (0, 0.3]: p50 = 0.3 × 10/20.
  assert.ok(Math.abs((summary.serverQueue?.p50 as number) - 150) < 1e-9)
  // Energy counters: GPU0 +3 000 000 mJ, GPU1 +2 000 000 mJ = 5000 J over 10 s.
  assert.equal(summary.energy.source, 'energy_counter')
  assert.equal(summary.energy.joules, 5000)
  assert.equal(summary.energy.sampleCount, 2)
  assert.equal(summary.energy.largestGapMs, 10_000)
  assert.equal(summary.tokensPerJoule, 600 / 5000)
  assert.equal(summary.joulesPerRequest, 250)
  assert.equal(summary.averagePowerWatts, 500)
  assert.deepEqual(summary.gpuPowerWatts, { mean: 500, max: 700 })
  assert.deepEqual(summary.gpuUtilPercent, { mean: 75.5, max: 75.5 })
  assert.deepEqual(
    summary.series.waiting.map((p) => [p.atMs, p.value]),
    [
      [0, 2],
      [10_000, 4],
    ],
  )
})

test('without an energy counter, power is integrated and a coarse sampling is flagged', () => {
  const strip = (text: string) =>
    text
      .split('\n')
      .filter((line) => !line.includes('TOTAL_ENERGY'))
      .join('\n')
  const samples = [
    sample(DCGM, 0, strip(fixture('dcgm-before.prom'))),
    sample(DCGM, 10_000, strip(fixture('dcgm-after.prom'))),
  ]
  const energy = estimateEnergy(new Map([[DCGM, samples]]), 0, 10_000, 250)
  // Summed power 300 W → 700 W linearly over 10 s: (300 + 700) / 2 × 10 = 5000 J.
  assert.equal(energy.source, 'power_integral')
  assert.equal(energy.joules, 5000)
  assert.equal(energy.dynamicJoules, 5000 - 250 * 10)
  assert.match(energy.warning ?? '', /too coarsely: largest gap 10000 ms over a 10000 ms window/)
  // Flat beyond the samples, linear between: 100 W for 1 s then 100→300 W over 2 s = 100 + 400.
  const points = [
    { atMs: 1000, value: 100 },
    { atMs: 3000, value: 300 },
  ]
  assert.equal(integratePowerJoules(points, 0, 3000), 500)
})

test('a restarted server counts its new counters after the reset', () => {
  const summary = summarizeTelemetry({
    samples: [
      sample(VLLM, 0, fixture('vllm-before.prom')),
      sample(VLLM, 5000, fixture('vllm-after.prom')),
      sample(VLLM, 10_000, fixture('vllm-restarted.prom')),
    ],
    windowStartMs: 0,
    windowEndMs: 10_000,
    client: { outputTokens: 650, inputTokens: 3200, okRequests: 21 },
  })
  assert.equal(summary.serverGenerationTokens, 600 + 50)
  assert.equal(summary.serverPromptTokens, 3000 + 200)
  assert.equal(summary.serverTtft?.count, 21)
  assert.equal(summary.energy.source, 'none')
  assert.equal(summary.tokensPerJoule, null)
})

test('SGLang, TGI and LiteLLM fixtures map to concepts; the malformed line is reported', () => {
  const sglang = summarizeTelemetry({
    samples: [sample('s', 0, fixture('sglang.prom'))],
    windowStartMs: 0,
    windowEndMs: 1,
    client: CLIENT,
  })
  assert.deepEqual(sglang.recognised, ['sglang'])
  assert.deepEqual([sglang.waiting?.mean, sglang.running?.mean, sglang.kvCacheUsage?.mean], [3, 12, 0.42])
  assert.equal(sglang.prefixCacheHitRate, 0.35)

  const tgiText = fixture('tgi.prom')
  const tgi = parseExposition(tgiText)
  assert.equal(tgi.problems.length, 1)
  assert.match(tgi.problems[0] as string, /^line 12: not a Prometheus sample: tgi_batch_next_size\{ 12$/)
  assert.equal(tgi.histograms.length, 3)
  const tgiSummary = summarizeTelemetry({
    samples: [
      sample('t', 0, tgiText),
      sample('t', 1000, tgiText.replace('generated_tokens_sum 12345', 'generated_tokens_sum 13345')),
    ],
    windowStartMs: 0,
    windowEndMs: 1000,
    client: { outputTokens: 1000, inputTokens: 0, okRequests: 1 },
  })
  assert.deepEqual([tgiSummary.waiting?.mean, tgiSummary.running?.mean], [5, 8])
  assert.equal(tgiSummary.serverGenerationTokens, 1000)
  assert.deepEqual(tgiSummary.problems, ['t: line 12: not a Prometheus sample: tgi_batch_next_size{ 12'])

  const litellm = parseExposition(fixture('litellm.prom'))
  const output = litellm.series.find((s) => s.name === 'litellm_output_tokens_metric_total')
  assert.equal(output?.value, 900)
  assert.equal(output?.labels.requested_model, 'llama-8b')
  const latency = litellm.histograms.find((h) => h.name === 'litellm_request_total_latency_metric')
  assert.deepEqual([latency?.count, latency?.sum, latency?.buckets.length], [40, 36, 3])
  assert.equal(latency?.labels.le, undefined)
})

test('a server with no metrics endpoint yields a summary that says so', () => {
  const failed: TelemetrySample = {
    source: 'http://ollama:11434/metrics',
    atMs: 0,
    durationMs: 2,
    ok: false,
    error: 'HTTP 404',
    series: [],
    histograms: [],
    problems: [],
  }
  const summary = summarizeTelemetry({
    samples: [failed],
    windowStartMs: 0,
    windowEndMs: 1000,
    client: CLIENT,
  })
  assert.equal(summary.available, false)
  assert.equal(summary.reason, 'http://ollama:11434/metrics: 1 of 1 scrapes failed (HTTP 404)')
  const html = parseExposition('<!doctype html>\n<html><body>Hello</body></html>\n')
  assert.deepEqual([html.series.length, html.histograms.length, html.problems.length], [0, 0, 2])
})
