import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { BenchError, type RunEvent, renderReport, runBench, summarize } from '../../src/index.js'
import type { RequestRecord } from '../../src/types.js'
import { createTempProject } from '../support/temp-project.js'

// The public entry, through the same sources the CLI runs: a closed loop of 12 requests
// against a fast in-process simulator (16 tokens each, usage on), so every count below is
// known in advance. The installed-package version of this is in test/packaging.
function fastSimProject() {
  return createTempProject({
    targets: `targets:
  - name: sim
    kind: sim
    sim:
      max_batch_size: 8
      prefill_base_ms: 2
      prefill_per_token_ms: 0
      decode_base_ms: 1
      decode_per_seq_ms: 0
`,
    workloads: `workloads:
  - name: twelve
    requests: 12
    concurrency: 3
    max_tokens: 16
    prompt_type: short
    ignore_eos: true
`,
  })
}

test('runBench runs a plan end to end and returns its summary, files and events', async (t) => {
  const project = fastSimProject()
  t.after(project.remove)
  const events: RunEvent['kind'][] = []
  const result = await runBench({
    configDir: project.configDir,
    cwd: project.dir,
    env: {},
    workload: 'twelve',
    outputDir: 'results',
    tokenizer: false,
    workers: 1,
    onEvent: (event) => events.push(event.kind),
  })
  assert.equal(result.summary.requests.total, 12)
  assert.equal(result.summary.requests.ok, 12)
  assert.equal(result.interruptedBy, null)
  // Closed loop: 3 workers, no offered rate.
  assert.equal(result.summary.concurrency, 3)
  assert.equal(result.summary.offeredRps, null)
  assert.equal(events[0], 'started')
  assert.equal(events.at(-1), 'loaded')
  assert.equal(events.filter((kind) => kind === 'started' || kind === 'loaded').length, 2)

  assert.equal(result.paths.raw, `${project.outputDir}/raw/${result.paths.runId}.jsonl`)
  const records = readFileSync(result.paths.raw, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RequestRecord)
  assert.equal(records.length, 12)
  // 12 answers of 16 tokens, counted from the server's usage.
  assert.equal(
    records.reduce((sum, r) => sum + r.output_tokens, 0),
    192,
  )
  assert.ok(records.every((r) => r.tokens_source === 'usage'))
  const meta = JSON.parse(readFileSync(result.paths.meta, 'utf8'))
  assert.equal(meta.complete, true)
  assert.equal(meta.runId, result.paths.runId)

  // The written summary CSV is renderReport's csv of the returned summary, byte for byte.
  assert.equal(
    readFileSync(result.paths.summaryCsv, 'utf8'),
    renderReport([result.summary], { format: 'csv' }),
  )
  assert.ok(result.reportPath !== null && existsSync(result.reportPath))
  const report = readFileSync(result.reportPath, 'utf8')
  assert.ok(report.includes(result.paths.runId), 'the run report names its run')
})

test('summarize rebuilds the same summary from the raw file; renderReport renders it', async (t) => {
  const project = fastSimProject()
  t.after(project.remove)
  const result = await runBench({
    configDir: project.configDir,
    cwd: project.dir,
    env: {},
    workload: 'twelve',
    outputDir: 'results',
    tokenizer: false,
    workers: 1,
    probe: false,
    report: false,
  })
  assert.equal(result.reportPath, null)
  assert.equal(existsSync(`${project.outputDir}/reports/benchmark_report.md`), false)
  const again = await summarize(result.paths.raw)
  assert.deepEqual(again.skipped, [])
  assert.deepEqual(again.summary, result.summary)

  const markdown = renderReport([again.summary], {
    generatedAt: '2026-12-01T00:00:00.000Z',
    toolVersion: '9.9.9',
  })
  assert.match(markdown, /2026-12-01T00:00:00\.000Z/)
  assert.match(markdown, /9\.9\.9/)
  assert.match(renderReport([again.summary], { format: 'html' }), /^<!doctype html>/i)
})

test('renderReport refuses a CSV over two summaries; runBench refuses an unknown workload', async (t) => {
  const project = fastSimProject()
  t.after(project.remove)
  assert.throws(
    () => renderReport([], { format: 'csv' }),
    (error) => error instanceof BenchError && /exactly one summary \(got 0\)/.test(error.message),
  )
  await assert.rejects(
    runBench({ configDir: project.configDir, cwd: project.dir, env: {}, workload: 'twelv' }),
    (error) => error instanceof BenchError && /twelv/.test(error.message),
  )
  // Refused before any file: the output folder was never created.
  assert.equal(existsSync(project.outputDir), false)
})
