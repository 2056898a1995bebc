// Issue 12 item 1: a run whose offered load is above what the concurrency cap can serve
// (like `--workload low-load --duration 20` on the stock simulator, scaled down) must not
// blame the server: every request that was sent succeeded, so the success rate is 100%, and
// the requests that never got a slot are counted as not_sent with one line saying why.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { main } from '../../src/cli/main.js'
import type { RequestRecord, Summary } from '../../src/types.js'
import { createFakeIo } from '../support/fake-io.js'
import { createTempProject } from '../support/temp-project.js'

// One request takes 5 ms prefill + 16 decode steps × 20 ms ≈ 0.33 s, so one slot serves at
// most ~3 req/s; 10 req/s for 2 s offers 20.
const TARGETS = `targets:
  - name: sim
    kind: sim
    sim: { max_batch_size: 4, prefill_base_ms: 5, prefill_per_token_ms: 0, decode_base_ms: 20, decode_per_seq_ms: 0 }
`
const WORKLOADS = `workloads:
  - name: over
    duration: 2
    rps: 10
    concurrency: 1
    max_tokens: 16
    prompt_type: short
    ignore_eos: true
`

test('offered load above the concurrency cap: success rate 100%, the rest not_sent, said in one line', async (t) => {
  const project = createTempProject({ targets: TARGETS, workloads: WORKLOADS })
  t.after(project.remove)
  const io = createFakeIo({ cwd: project.dir })
  const code = await main(['run', '--config-dir', project.configDir, '--output-dir', project.outputDir], io)
  assert.equal(code, 0, io.err() + io.out())

  const rawDir = join(project.outputDir, 'raw')
  const raw = readdirSync(rawDir).find((file) => file.endsWith('.jsonl')) ?? ''
  const records = readFileSync(join(rawDir, raw), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RequestRecord)
  const ok = records.filter((r) => r.outcome === 'ok').length
  const notSent = records.filter((r) => r.outcome === 'not_sent')
  // 10 req/s × 2 s = 20 scheduled; one slot serves at most 7 of them in 2 s (+ the grace).
  assert.equal(records.length, 20)
  assert.equal(ok + notSent.length, 20, 'nothing failed and nothing was cut')
  assert.ok(ok >= 1 && ok <= 8, `ok ${ok}`)
  assert.ok(notSent.every((r) => r.error_code === 'NOT_SENT' && r.sent_at_ms === r.ended_at_ms))

  const summaryDir = join(project.outputDir, 'summary')
  const summaryFile = readdirSync(summaryDir).find((file) => file.endsWith('.json')) ?? ''
  const summary = JSON.parse(readFileSync(join(summaryDir, summaryFile), 'utf8')) as Summary
  assert.deepEqual(summary.requests, { total: 20, ok, failed: 0, aborted: 0, notSent: notSent.length })
  assert.equal(summary.successRate, 1)

  const why = 'offered load above the concurrency cap: raise --concurrency or lower --rps'
  const out = io.out()
  assert.ok(
    out.includes(`✅ Done: 20 requests, ${ok} succeeded (100.0%); ${notSent.length} not sent (${why})`),
    out,
  )
  assert.match(out, /\| Success Rate +\| 100\.00% \|/)
  assert.ok(out.includes(`\n${notSent.length} not sent (${why})\n`), out)
  const csv = readFileSync(join(summaryDir, summaryFile.replace(/\.json$/, '.csv')), 'utf8')
  assert.ok(csv.includes(`\nrequests_not_sent,requests,,${notSent.length},,,,,,,${why}\n`), csv)
  assert.ok(csv.includes('\nsuccess_rate,%,,100,'), csv)
  const markdown = readFileSync(join(project.outputDir, 'reports', 'benchmark_report.md'), 'utf8')
  assert.ok(markdown.includes(`| Not sent | ${notSent.length} not sent (${why}) |`), markdown)
})
