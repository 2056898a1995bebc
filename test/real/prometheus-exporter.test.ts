// Real Prometheus and Pushgateway (Debian packages) against Run Bench's live exporter and the
// simulator's /metrics: the counters Prometheus stores equal the records fed in, the pushed
// final values arrive, and every PromQL expression of the shipped dashboard returns data.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { request } from 'undici'
import { startSimServer } from '../../src/sim/server.js'
import { createLiveExporter } from '../../src/telemetry/live-exporter.js'
import { parseExposition } from '../../src/telemetry/prom-text.js'
import type { Outcome, RequestRecord } from '../../src/types.js'
import {
  missingBinary,
  PROMETHEUS_BIN,
  PUSHGATEWAY_BIN,
  startPrometheus,
  startPushgateway,
} from '../support/prometheus.js'

const DASHBOARD = join(import.meta.dirname, '..', '..', 'deploy', 'grafana', 'run-bench.json')

function record(id: number, outcome: Outcome | 'not_sent', outputTokens: number): RequestRecord {
  const ok = outcome === 'ok'
  const sent = outcome !== 'not_sent'
  return {
    timestamp: 1_700_000_000 + id,
    model: 'sim-llama-8b',
    prompt: 'p',
    ttft: ok ? 0.05 : null,
    total_time: sent ? 0.3 : null,
    input_tokens: 10,
    output_tokens: ok ? outputTokens : 0,
    tokens_per_sec: ok ? outputTokens / 0.3 : null,
    success: ok,
    request_id: id,
    outcome: outcome as Outcome,
    http_status: ok ? 200 : outcome === 'http_error' ? 500 : null,
    error: ok ? null : outcome,
    error_code: ok ? null : outcome === 'not_sent' ? 'NOT_SENT' : 'HTTP_500',
    timeout_kind: null,
    scheduled_at_ms: id * 100,
    sent_at_ms: id * 100 + 2,
    ended_at_ms: id * 100 + 302,
    queue_ms: sent ? 2 : null,
    ttfb_ms: ok ? 40 : null,
    ttft_ms: ok ? 50 : null,
    ttfo_ms: ok ? 50 : null,
    e2e_ms: sent ? 300 : null,
    tpot_ms: ok ? 250 / (outputTokens - 1) : null,
    latency_from_schedule_ms: sent ? 302 : null,
    itl_ms: [],
    tokens_source: 'usage',
    reasoning_tokens: null,
    finish_reason: ok ? 'length' : null,
    retries: 0,
    retry_after_s: null,
    litellm_model_id: null,
    litellm_overhead_ms: null,
  }
}

// Per round: 3 ok (6 tokens each), 1 http_error, 1 not_sent.
const ROUND: { outcome: Outcome | 'not_sent'; tokens: number }[] = [
  { outcome: 'ok', tokens: 6 },
  { outcome: 'ok', tokens: 6 },
  { outcome: 'http_error', tokens: 0 },
  { outcome: 'ok', tokens: 6 },
  { outcome: 'not_sent', tokens: 0 },
]
const ROUNDS = 4

async function complete(baseUrl: string): Promise<void> {
  const res = await request(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'sim-llama-8b',
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 4,
    }),
  })
  await res.body.text()
}

const skip = missingBinary(PROMETHEUS_BIN) ?? missingBinary(PUSHGATEWAY_BIN) ?? false

test('real Prometheus stores the exporter counters, Pushgateway gets the final values, the dashboard has data', {
  skip,
  timeout: 90_000,
}, async (t) => {
  const sim = await startSimServer({
    decodeBaseMs: 2,
    decodePerSeqMs: 0,
    prefillBaseMs: 1,
    prefillPerTokenMs: 0,
  })
  t.after(() => sim.close())
  const exporter = createLiveExporter({ labels: { run_id: 'test-run' } })
  const served = await exporter.serve(0)
  t.after(() => served.close())
  const prometheus = await startPrometheus([
    { job: 'run-bench', target: `127.0.0.1:${served.port}` },
    { job: 'engine', target: `127.0.0.1:${sim.port}` },
  ])
  t.after(() => prometheus.close())
  const gateway = await startPushgateway()
  t.after(() => gateway.close())

  // Rounds 1.2 s apart so every rate() over the 1 s scrapes sees increases.
  let id = 0
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const { outcome, tokens } of ROUND) {
      if (outcome !== 'not_sent') exporter.requestSent()
      exporter.observe(record(id, outcome, tokens))
      id += 1
    }
    await complete(sim.url)
    await complete(sim.url)
    await sleep(1200)
  }

  const expectCount = async (expr: string, want: number) => {
    const deadline = performance.now() + 20_000
    let got: number | null = null
    while (performance.now() < deadline) {
      const result = await prometheus.query(expr)
      got = result.length > 0 ? Number(result[0]?.value[1]) : null
      if (got === want) return
      await sleep(250)
    }
    assert.equal(got, want, `${expr}: ${prometheus.logTail()}`)
  }
  await expectCount('sum(run_bench_requests_total{job="run-bench",run_id="test-run"})', ROUNDS * 5)
  await expectCount('run_bench_requests_total{outcome="ok"}', ROUNDS * 3)
  await expectCount('run_bench_requests_total{outcome="http_error"}', ROUNDS)
  await expectCount('run_bench_requests_not_sent_total', ROUNDS)
  await expectCount('run_bench_output_tokens_total', ROUNDS * 3 * 6)
  await expectCount('run_bench_ttft_seconds_count', ROUNDS * 3)
  await expectCount('run_bench_requests_in_flight', 0)
  await expectCount('vllm:generation_tokens_total{job="engine"}', ROUNDS * 2 * 4)

  const pushed = await exporter.push(gateway.url, 'run-bench-ci')
  assert.deepEqual(pushed, { ok: true, error: null })
  const gatewaySeries = parseExposition(await gateway.metricsText()).series
  const okPushed = gatewaySeries.find(
    (s) =>
      s.name === 'run_bench_requests_total' && s.labels.outcome === 'ok' && s.labels.job === 'run-bench-ci',
  )
  assert.equal(okPushed?.value, ROUNDS * 3)
  assert.equal(gatewaySeries.find((s) => s.name === 'run_bench_output_tokens_total')?.value, ROUNDS * 18)
  const unreachable = await exporter.push('http://127.0.0.1:1', 'run-bench-ci')
  assert.equal(unreachable.ok, false)
  assert.match(unreachable.error ?? '', /^Push to http:\/\/127\.0\.0\.1:1 failed: /)

  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: { title: string; targets: { expr: string }[] }[]
  }
  const empty: string[] = []
  let checked = 0
  for (const panel of dashboard.panels) {
    for (const target of panel.targets) {
      checked += 1
      const result = await prometheus.query(target.expr)
      const finite = result.filter((r) => Number.isFinite(Number(r.value[1])))
      if (finite.length === 0) empty.push(`${panel.title}: ${target.expr} → ${JSON.stringify(result)}`)
    }
  }
  assert.ok(checked >= 15, `only ${checked} expressions`)
  assert.deepEqual(empty, [])
})
