// Issue 12 item 4: the report written at the end of an interrupted run marks it incomplete.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { main } from '../../src/cli/main.js'
import { createFakeIo } from '../support/fake-io.js'
import { createTempProject } from '../support/temp-project.js'

const TARGETS = `targets:
  - name: sim
    kind: sim
    sim: { max_batch_size: 4, prefill_base_ms: 5, prefill_per_token_ms: 0, decode_base_ms: 20, decode_per_seq_ms: 0 }
`
const WORKLOADS = `workloads:
  - name: long
    duration: 60
    rps: 20
    concurrency: 8
    max_tokens: 50
    prompt_type: short
`

test('Ctrl-C: the run report says "Incomplete run" with the reason', async (t) => {
  const project = createTempProject({ targets: TARGETS, workloads: WORKLOADS })
  t.after(project.remove)
  const io = createFakeIo({ cwd: project.dir })
  const running = main(
    ['run', '--config-dir', project.configDir, '--workload', 'long', '--output-dir', project.outputDir],
    io,
  )
  // Interrupt once the first records are on disk (probe and warm-up come first).
  const rawDir = join(project.outputDir, 'raw')
  const until = Date.now() + 15_000
  for (;;) {
    const raw = (() => {
      try {
        return readdirSync(rawDir).find((f) => f.endsWith('.jsonl'))
      } catch {
        return undefined
      }
    })()
    if (raw !== undefined && readFileSync(join(rawDir, raw), 'utf8').split('\n').length > 3) break
    assert.ok(Date.now() < until, 'no records after 15 s')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  io.raise('SIGINT')
  assert.equal(await running, 130)
  const report = readFileSync(join(project.outputDir, 'reports', 'benchmark_report.md'), 'utf8')
  assert.match(report, /^### bench_sim_[^\n]+_long_\d{8}_\d{6} \(incomplete\)$/m)
  assert.match(report, /\*\*Incomplete run\*\* \(interrupted by SIGINT\): it ended early/)
})
