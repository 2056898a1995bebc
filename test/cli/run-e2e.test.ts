import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { main } from '../../src/cli/main.js'
import { CLIENT_LIMITS } from '../../src/run/run-benchmark.js'
import type { RequestRecord, RunMeta } from '../../src/types.js'
import { createFakeIo } from '../support/fake-io.js'
import { createTempProject } from '../support/temp-project.js'

// The simulator is set to a known speed: a lone request's first token comes after one
// prefill (80 ms) plus one decode step (20 ms) = 100 ms, then one token per 20 ms step.
// At 2 req/s with 16-token answers (100 + 15 × 20 = 400 ms each) requests never overlap,
// so the tool must report TTFT ≈ 100 ms and TPOT ≈ 20 ms.
const SIM_TARGET = `targets:
  - name: sim
    kind: sim
    description: simulator at a known speed
    sim:
      max_batch_size: 8
      prefill_base_ms: 80
      prefill_per_token_ms: 0
      decode_base_ms: 20
      decode_per_seq_ms: 0
`

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length
}

function readRecords(outputDir: string): { records: RequestRecord[]; meta: RunMeta; files: string[] } {
  const rawDir = join(outputDir, 'raw')
  const files = readdirSync(rawDir)
  const raw = files.find((f) => f.endsWith('.jsonl'))
  const metaFile = files.find((f) => f.endsWith('.meta.json'))
  assert.ok(raw && metaFile, `raw files: ${files.join(', ')}`)
  const records = readFileSync(join(rawDir, raw), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RequestRecord)
  const meta = JSON.parse(readFileSync(join(rawDir, metaFile), 'utf8')) as RunMeta
  return { records, meta, files }
}

describe('run-bench run against the simulator', () => {
  test('reports the configured TTFT and TPOT within 10%, the expected count, 100% success', async (t) => {
    const project = createTempProject({
      targets: SIM_TARGET,
      workloads: `workloads:
  - name: steady
    duration: 4
    rps: 2
    concurrency: 4
    max_tokens: 16
    prompt_type: short
    ignore_eos: true
`,
    })
    t.after(project.remove)
    const io = createFakeIo({ cwd: project.dir })
    const code = await main(
      [
        'run',
        '--config-dir',
        project.configDir,
        '--target',
        'sim',
        '--workload',
        'steady',
        '--output-dir',
        project.outputDir,
      ],
      io,
    )
    assert.equal(code, 0, io.err() + io.out())
    const { records, meta } = readRecords(project.outputDir)
    // 4 s × 2 req/s = 8 arrivals at 0, 500, …, 3500 ms
    assert.equal(records.length, 8)
    assert.ok(records.every((r) => r.success && r.outcome === 'ok'))
    assert.ok(records.every((r) => r.output_tokens === 16 && r.tokens_source === 'usage'))
    const ttftMs = mean(records.map((r) => r.ttft_ms ?? Number.NaN))
    const tpotMs = mean(records.map((r) => r.tpot_ms ?? Number.NaN))
    t.diagnostic(
      `measured mean TTFT ${ttftMs.toFixed(2)} ms (set 100), mean TPOT ${tpotMs.toFixed(2)} ms (set 20)`,
    )
    assert.ok(Math.abs(ttftMs - 100) / 100 < 0.1, `mean TTFT ${ttftMs} ms`)
    assert.ok(Math.abs(tpotMs - 20) / 20 < 0.1, `mean TPOT ${tpotMs} ms`)
    // Original fields keep the original units (seconds).
    const first = records[0] as RequestRecord
    assert.equal(first.ttft, (first.ttft_ms ?? 0) / 1000)
    assert.equal(meta.complete, true)
    assert.equal(meta.seed, 42)
    const summaryDir = readdirSync(join(project.outputDir, 'summary'))
    assert.ok(summaryDir.some((f) => f.endsWith('.csv')))
    assert.ok(readdirSync(join(project.outputDir, 'reports')).includes('benchmark_report.md'))
    assert.match(io.out(), /Done: 8 requests, 8 succeeded \(100\.0%\)/)
    assert.match(io.out(), /run-bench summarize /)
  })

  test('with fault injection the failures become outcomes and the run completes', async (t) => {
    const project = createTempProject({
      targets: `${SIM_TARGET}      error_rate: 0.5
      faults: [http_429, http_500, error_event, drop]
`,
      workloads: `workloads:
  - name: faulty
    requests: 40
    concurrency: 8
    max_tokens: 8
    prompt_type: short
`,
    })
    t.after(project.remove)
    const io = createFakeIo({ cwd: project.dir })
    const code = await main(
      ['run', '--config-dir', project.configDir, '--workload', 'faulty', '--output-dir', project.outputDir],
      io,
    )
    assert.equal(code, 0, io.err() + io.out())
    const { records } = readRecords(project.outputDir)
    assert.equal(records.length, 40)
    const outcomes = new Set(records.map((r) => `${r.outcome}:${r.http_status ?? '-'}`))
    assert.ok(outcomes.has('ok:200'))
    assert.ok(outcomes.has('http_error:429'))
    assert.ok(outcomes.has('http_error:500'))
    assert.ok(outcomes.has('stream_error:200'))
    assert.ok(
      [...outcomes].some((o) => o.startsWith('network_error')),
      [...outcomes].join(' '),
    )
    const rate = records.filter((r) => r.success).length / records.length
    assert.ok(rate > 0.2 && rate < 0.8, `success rate ${rate}`)
  })

  test('a 200 req/s open-loop run follows its schedule: never early, lateness recorded as queue_ms', async (t) => {
    const { records, meta } = await runAt200PerSec(t)
    // The plan is exact: arrivals at 0, 5, …, 1995 ms whatever the machine's load.
    const scheduled = records.map((r) => r.scheduled_at_ms ?? Number.NaN).sort((a, b) => a - b)
    assert.deepEqual(
      scheduled,
      Array.from({ length: 400 }, (_, i) => i * 5),
    )
    for (const record of records) {
      const scheduledAt = record.scheduled_at_ms as number
      assert.ok(record.sent_at_ms >= scheduledAt, `request ${record.request_id} sent before its time`)
      assert.equal(record.queue_ms, record.sent_at_ms - scheduledAt)
    }
    // A busy machine only makes sends later; how much later is the client's precision, which
    // `npm run bench` measures. What must hold on any machine: the run's own schedule-lag
    // figure agrees with its records (each send's queue_ms includes its dispatch lateness,
    // so the records' p99 is at least the run's p99, which is a 0.1 ms bucket's upper edge),
    // and a run whose sends were late says so in its client-health verdict.
    const lateness = records.map((r) => r.queue_ms as number).sort((a, b) => a - b)
    const p99 = lateness[Math.ceil(0.99 * 400) - 1] as number
    const health = meta.clientHealth
    assert.ok(health !== null && health.scheduleLagP99Ms !== null, 'the run recorded its schedule lag')
    t.diagnostic(
      `send lateness p50 ${(lateness[199] as number).toFixed(3)} ms, p99 ${p99.toFixed(3)} ms; run's schedule lag p99 ${health.scheduleLagP99Ms} ms, limited: ${health.limited}`,
    )
    assert.ok(health.scheduleLagP99Ms <= p99 + 0.1, `run p99 ${health.scheduleLagP99Ms} > records' ${p99}`)
    if (health.scheduleLagP99Ms > CLIENT_LIMITS.scheduleLagP99Ms) assert.equal(health.limited, true)
  })
})

/** One 2-s, 200 req/s open-loop run against a fast simulator; returns its records and meta. */
async function runAt200PerSec(t: {
  after: (fn: () => void) => void
}): Promise<{ records: RequestRecord[]; meta: RunMeta }> {
  const project = createTempProject({
    targets: `targets:
  - name: sim
    kind: sim
    sim: { max_batch_size: 256, prefill_base_ms: 1, prefill_per_token_ms: 0, decode_base_ms: 1, decode_per_seq_ms: 0 }
`,
    workloads: `workloads:
  - name: fast
    duration: 2
    rps: 200
    concurrency: 64
    max_tokens: 4
    prompt_type: short
`,
  })
  t.after(project.remove)
  const io = createFakeIo({ cwd: project.dir })
  assert.equal(
    await main(
      ['run', '--config-dir', project.configDir, '--workload', 'fast', '--output-dir', project.outputDir],
      io,
    ),
    0,
    io.err(),
  )
  const { records, meta } = readRecords(project.outputDir)
  // 2 s × 200 req/s
  assert.equal(records.length, 400)
  return { records, meta }
}
