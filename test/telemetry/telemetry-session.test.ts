import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { request } from 'undici'
import { startSimServer } from '../../src/sim/server.js'
import { defaultMetricsUrl, startTelemetrySession } from '../../src/telemetry/telemetry-session.js'

test('the /metrics URL next to /v1', () => {
  assert.equal(defaultMetricsUrl('http://127.0.0.1:8000/v1'), 'http://127.0.0.1:8000/metrics')
  assert.equal(defaultMetricsUrl('http://proxy/llm/v1/'), 'http://proxy/llm/metrics')
})

test('a session around a simulator run writes every sample and agrees with the client on tokens', async (t) => {
  const sim = await startSimServer({
    decodeBaseMs: 2,
    decodePerSeqMs: 0.5,
    prefillBaseMs: 1,
    prefillPerTokenMs: 0,
  })
  t.after(() => sim.close())
  const dir = mkdtempSync(join(tmpdir(), 'run-bench-session-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const rawPath = join(dir, 'run.server-metrics.jsonl')
  const runStartMs = performance.now()
  const missing = `${sim.url.replace(/\/v1$/, '')}/no-metrics-here`
  const session = await startTelemetrySession({
    metricsUrls: [defaultMetricsUrl(sim.url), missing],
    localGpu: false,
    intervalMs: 50,
    clock: () => performance.now() - runStartMs,
    rawPath,
  })
  await session.windowStart()
  let outputTokens = 0
  let inputTokens = 0
  for (const batch of [0, 1]) {
    const bodies = await Promise.all(
      [4, 6, 8].map(async (maxTokens) => {
        const res = await request(`${sim.url}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'sim-llama-8b',
            messages: [{ role: 'user', content: `batch ${batch}` }],
            max_tokens: maxTokens,
          }),
        })
        return (await res.body.json()) as { usage: { prompt_tokens: number; completion_tokens: number } }
      }),
    )
    for (const body of bodies) {
      outputTokens += body.usage.completion_tokens
      inputTokens += body.usage.prompt_tokens
    }
  }
  await session.windowEnd()
  const samples = await session.stop()
  const summary = session.summarize({ outputTokens, inputTokens, okRequests: 6 })

  assert.equal(outputTokens, 36)
  assert.equal(readFileSync(rawPath, 'utf8').trim().split('\n').length, samples.length)
  assert.deepEqual(summary.recognised, ['dcgm', 'vllm'])
  assert.equal(summary.serverGenerationTokens, 36)
  assert.equal(summary.generationAgreementPercent, 100)
  assert.equal(summary.promptAgreementPercent, 100)
  assert.equal(summary.energy.source, 'energy_counter')
  assert.equal(summary.serverTtft?.count, 6)
  assert.ok((summary.running?.max ?? 0) <= 3)
  assert.ok(
    summary.problems.some((p) => p.startsWith(`${missing}: `) && p.includes('(HTTP 404)')),
    summary.problems.join('\n'),
  )
})

test('a session with everything off says so', async () => {
  const session = await startTelemetrySession({
    metricsUrls: [],
    localGpu: false,
    intervalMs: 1000,
    clock: () => 0,
  })
  await session.windowStart()
  await session.windowEnd()
  await session.stop()
  const summary = session.summarize({ outputTokens: 1, inputTokens: 1, okRequests: 1 })
  assert.equal(summary.available, false)
  assert.equal(summary.reason, 'server metrics and GPU sampling are off')
})
