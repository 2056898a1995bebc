import assert from 'node:assert/strict'
import { test } from 'node:test'
import { meterEngine } from '../../src/sim/metrics.js'
import { createModelEngines } from '../../src/sim/model-engines.js'
import { resolveSimOptions } from '../../src/sim/options.js'
import { parseExposition } from '../../src/telemetry/prom-text.js'
import type { TelemetrySample } from '../../src/telemetry/sample.js'
import { summarizeTelemetry } from '../../src/telemetry/telemetry-summary.js'
import { createVirtualClock } from '../support/virtual-clock.js'

// One sequence at a time (max_batch_size 1); a step that admits a sequence costs
// prefill 10 + decode 5 = 15 ms, a decode-only step 5 ms, on a virtual clock (timers fire
// 2 ms late, as on a busy event loop: the planned step times still rule).
const OPTIONS = resolveSimOptions({
  models: ['m'],
  maxBatchSize: 1,
  prefillBaseMs: 10,
  prefillPerTokenMs: 0,
  decodeBaseMs: 5,
  decodePerSeqMs: 0,
})

function sampleAt(atMs: number, text: string): TelemetrySample {
  return { source: 'sim', atMs, durationMs: 0, ok: true, error: null, ...parseExposition(text) }
}

test('the simulator serves vllm:request_queue_time_seconds: submit → admission into the batch', () => {
  const { clock, advanceTo } = createVirtualClock(2)
  const metered = meterEngine(createModelEngines(OPTIONS, clock), OPTIONS, clock.nowMs)
  const engine = metered.forModel('m')
  const admitted: number[] = []
  const submit = (outputTokens: number) =>
    engine.submit({
      promptTokens: 4,
      outputTokens,
      onToken() {},
      onFinish() {},
      onAdmit: (queuedMs) => admitted.push(queuedMs),
    })
  const before = sampleAt(0, metered.metricsText())
  // A (2 tokens) runs 0→15→20; B waits until 20, runs to 35; C waits until 35, runs to 50;
  // D, submitted at 3, waits until 50.
  submit(2)
  submit(1)
  submit(1)
  advanceTo(3)
  submit(1)
  advanceTo(200)
  assert.deepEqual(admitted, [0, 20, 35, 47])

  const text = metered.metricsText()
  assert.match(text, /# TYPE vllm:request_queue_time_seconds histogram/)
  const after = sampleAt(200, text)
  const queue = after.histograms.find((h) => h.name === 'vllm:request_queue_time_seconds')
  assert.equal(queue?.count, 4)
  assert.ok(Math.abs((queue?.sum ?? 0) - 0.102) < 1e-12, String(queue?.sum))
  const cumulative = Object.fromEntries((queue?.buckets ?? []).map((b) => [b.le, b.count]))
  assert.deepEqual(
    [0.001, 0.01, 0.02, 0.04, 0.06, Number.POSITIVE_INFINITY].map((le) => cumulative[le]),
    [1, 1, 2, 3, 4, 4],
  )

  // The telemetry summary reads it as the server's queue time, from the bucket deltas:
  // p50 = rank 2 → 20 ms; p90 = rank 3.6 → 40 + 20 × 0.6 = 52 ms; p99 → 40 + 20 × 0.96 ms.
  const summary = summarizeTelemetry({
    samples: [before, after],
    windowStartMs: 0,
    windowEndMs: 200,
    client: { outputTokens: 5, inputTokens: 16, okRequests: 4 },
  })
  const q = summary.serverQueue
  assert.equal(q?.count, 4)
  const near = (actual: number | null | undefined, expected: number) =>
    assert.ok(actual != null && Math.abs(actual - expected) < 1e-9, `${actual} vs ${expected}`)
  near(q?.p50, 20)
  near(q?.p90, 52)
  near(q?.p99, 59.2)
  near(q?.meanMs, 25.5)
})
