// The server's queue time through the CLI: a simulator that runs one sequence at a time,
// loaded by three closed-loop workers, keeps requests waiting; its /metrics histogram
// vllm:request_queue_time_seconds reaches the summary and the report as "Server queue time".
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { main } from '../../src/cli/main.js'
import type { Summary } from '../../src/types.js'
import { createFakeIo } from '../support/fake-io.js'
import { createTempProject } from '../support/temp-project.js'

// Each request: a 40 + 10 ms admitting step, then 3 decode steps of 10 ms = 80 ms alone in
// the batch. Three workers, batch of one: a request waits for the one running (≤ 80 ms
// left) and at most one more queued ahead (80 ms), so every wait is at most 160 ms on the
// engine's planned clock, and the third of the first three waits for both before it.
const TARGETS = `targets:
  - name: sim
    kind: sim
    sim:
      max_batch_size: 1
      prefill_base_ms: 40
      prefill_per_token_ms: 0
      decode_base_ms: 10
      decode_per_seq_ms: 0
`
const WORKLOADS = `workloads:
  - name: queued
    requests: 6
    concurrency: 3
    max_tokens: 4
    prompt_type: short
    ignore_eos: true
`

test('a simulator run under load reports the server queue time from its histogram', async (t) => {
  const p = createTempProject({ targets: TARGETS, workloads: WORKLOADS })
  t.after(p.remove)
  const io = createFakeIo({ cwd: p.dir })
  const args = ['run', '--config-dir', p.configDir, '--target', 'sim', '--workload', 'queued']
  const code = await main([...args, '--output-dir', p.outputDir, '--metrics-interval', '100ms'], io)
  assert.equal(code, 0, io.err() + io.out())
  const summaryFile = readdirSync(join(p.outputDir, 'summary')).find((f) => f.endsWith('.json')) ?? ''
  const summary = JSON.parse(readFileSync(join(p.outputDir, 'summary', summaryFile), 'utf8')) as Summary
  assert.equal(summary.requests.ok, 6)

  const queue = summary.server?.serverQueue
  assert.ok(queue, JSON.stringify(summary.server))
  // Every request of the window was admitted once (the warm-up request is outside it).
  assert.equal(queue.count, 6)
  const { p50, p90, p99, meanMs } = queue
  assert.ok(p50 !== null && p90 !== null && p99 !== null && meanMs !== null)
  assert.ok(p50 > 0 && p50 <= p90 && p90 <= p99, JSON.stringify(queue))
  // Bucket bounds above 160 ms are 250 ms: interpolation stays below it.
  assert.ok(p99 <= 250 && meanMs > 0 && meanMs <= 160, JSON.stringify(queue))

  const markdown = readFileSync(join(p.outputDir, 'reports', 'benchmark_report.md'), 'utf8')
  assert.match(
    markdown,
    /\| Server queue time \| p50 \d+ · p90 \d+ · p99 \d+ ms \(6 requests, from histogram buckets\) \|/,
  )
})
