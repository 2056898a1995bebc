// Real Prometheus and Pushgateway (Debian packages) against `run-bench run --prometheus-port
// --pushgateway`: Prometheus scrapes the run's live metrics and the simulator's /metrics
// while the run goes on; afterwards its stored counters equal the run's record counts, every
// PromQL expression of the shipped dashboard returns data at the run's end, and the
// Pushgateway holds the final values. Skipped when either binary is missing.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { main } from '../../src/cli/main.js'
import { startSimServer } from '../../src/sim/server.js'
import { parseExposition } from '../../src/telemetry/prom-text.js'
import type { RequestRecord } from '../../src/types.js'
import { createFakeIo } from '../support/fake-io.js'
import {
  missingBinary,
  PROMETHEUS_BIN,
  PUSHGATEWAY_BIN,
  startPrometheus,
  startPushgateway,
} from '../support/prometheus.js'
import { createTempProject } from '../support/temp-project.js'

const DASHBOARD = join(import.meta.dirname, '..', '..', 'deploy', 'grafana', 'run-bench.json')
const skip = missingBinary(PROMETHEUS_BIN) ?? missingBinary(PUSHGATEWAY_BIN) ?? false

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

test('Prometheus scrapes --prometheus-port during a run: counters equal the records, the dashboard has data, Pushgateway has the end', {
  skip,
  timeout: 120_000,
}, async (t) => {
  const sim = await startSimServer({
    decodeBaseMs: 10,
    decodePerSeqMs: 1,
    prefillBaseMs: 5,
    prefillPerTokenMs: 0,
  })
  t.after(() => sim.close())
  const livePort = await freePort()
  // The run's exporter is not up yet: wait for the engine job only.
  const prometheus = await startPrometheus(
    [
      { job: 'run-bench', target: `127.0.0.1:${livePort}` },
      { job: 'engine', target: `127.0.0.1:${sim.port}` },
    ],
    { awaitJobs: ['engine'] },
  )
  t.after(() => prometheus.close())
  const gateway = await startPushgateway()
  t.after(() => gateway.close())

  const project = createTempProject({
    targets: `targets:\n  - name: engine\n    base_url: ${sim.url}\n`,
    workloads: `workloads:\n  - name: soak\n    duration: 5\n    rps: 4\n    concurrency: 8\n    max_tokens: 8\n    ignore_eos: true\n`,
  })
  t.after(project.remove)
  const io = createFakeIo({ cwd: project.dir })
  const code = await main(
    [
      'run',
      ...['--config-dir', project.configDir, '--target', 'engine', '--model', 'sim-llama-8b'],
      ...['--workload', 'soak', '--output-dir', project.outputDir],
      ...['--prometheus-port', String(livePort), '--pushgateway', gateway.url],
    ],
    io,
  )
  const endSec = Date.now() / 1000
  assert.equal(code, 0, io.err() + io.out())
  assert.match(
    io.err(),
    new RegExp(`Live metrics for Prometheus: http://127\\.0\\.0\\.1:${livePort}/metrics`),
  )
  assert.match(io.err(), new RegExp(`Pushed the final metrics to ${gateway.url.replaceAll('.', '\\.')}`))
  const rawDir = join(project.outputDir, 'raw')
  const rawFile = readdirSync(rawDir).find((f) => /\d\.jsonl$/.test(f)) ?? ''
  const runId = rawFile.replace(/\.jsonl$/, '')
  const records = readFileSync(join(rawDir, rawFile), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RequestRecord)
  const ok = records.filter((r) => r.outcome === 'ok')
  assert.equal(records.length, 20)
  const outputTokens = ok.reduce((sum, r) => sum + r.output_tokens, 0)

  // The exporter is gone after the run (its series are stale now): read what was stored.
  const stored = async (expr: string) => {
    const result = await prometheus.query(`max_over_time(${expr}[5m])`)
    return result.length === 0 ? null : Number(result[0]?.value[1])
  }
  const expectStored = async (expr: string, want: number) => {
    const deadline = performance.now() + 15_000
    let got = await stored(expr)
    while (got !== want && performance.now() < deadline) {
      await sleep(250)
      got = await stored(expr)
    }
    assert.equal(got, want, `${expr}: ${prometheus.logTail()}`)
  }
  const sel = `job="run-bench",run_id="${runId}"`
  await expectStored(`run_bench_requests_total{${sel},outcome="ok"}`, ok.length)
  await expectStored(`run_bench_output_tokens_total{${sel}}`, outputTokens)
  await expectStored(`run_bench_ttft_seconds_count{${sel}}`, ok.length)
  await expectStored(`run_bench_e2e_seconds_count{${sel}}`, records.length)

  // Every dashboard expression, evaluated at the run's end, returns a number.
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: { title: string; targets: { expr: string }[] }[]
  }
  const empty: string[] = []
  let checked = 0
  for (const panel of dashboard.panels) {
    for (const target of panel.targets) {
      checked += 1
      const result = await prometheus.query(target.expr, endSec)
      if (!result.some((r) => Number.isFinite(Number(r.value[1]))))
        empty.push(`${panel.title}: ${target.expr} → ${JSON.stringify(result)}`)
    }
  }
  assert.ok(checked >= 15, `only ${checked} expressions`)
  assert.deepEqual(empty, [])

  // The Pushgateway holds the final values, labelled with the run.
  const pushed = parseExposition(await gateway.metricsText()).series.filter((s) => s.labels.run_id === runId)
  const okPushed = pushed.find((s) => s.name === 'run_bench_requests_total' && s.labels.outcome === 'ok')
  assert.equal(okPushed?.labels.job, 'run-bench')
  assert.equal(okPushed?.value, ok.length)
  assert.equal(pushed.find((s) => s.name === 'run_bench_output_tokens_total')?.value, outputTokens)
  assert.equal(pushed.find((s) => s.name === 'run_bench_requests_in_flight')?.value, 0)
})
