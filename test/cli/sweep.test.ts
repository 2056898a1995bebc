// Issue 15: `run-bench sweep` with real runs as steps against the simulator, at the edges of
// its range: even the lowest rate fails ("no capacity under this SLO", exit 4, with the best
// step), the highest passes ("at least X"), and one report is written either way. The search
// itself, to ±5% of the simulator's known capacity, is tested in test/run/sweep-sim.test.ts.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { main } from '../../src/cli/main.js'
import { createFakeIo } from '../support/fake-io.js'
import { createTempProject, type TempProject } from '../support/temp-project.js'

const TARGETS = `targets:
  - name: sim
    kind: sim
    sim: { max_batch_size: 16, prefill_base_ms: 2, prefill_per_token_ms: 0, decode_base_ms: 5, decode_per_seq_ms: 0 }
`
const WORKLOADS = `workloads:
  - name: step
    duration: 1
    rps: 1
    concurrency: 16
    max_tokens: 4
    prompt_type: short
    ignore_eos: true
`

function project(t: { after: (fn: () => void) => void }): TempProject {
  const created = createTempProject({ targets: TARGETS, workloads: WORKLOADS })
  t.after(created.remove)
  return created
}

async function sweep(p: TempProject, ...args: string[]) {
  const io = createFakeIo({ cwd: p.dir })
  const code = await main(
    [
      'sweep',
      '--config-dir',
      p.configDir,
      '--output-dir',
      p.outputDir,
      '--workload',
      'step',
      '--no-probe',
      ...args,
    ],
    io,
  )
  return { code, out: io.out(), err: io.err() }
}

function reportOf(p: TempProject): string {
  const dir = join(p.outputDir, 'reports')
  const file = readdirSync(dir).find((name) => /^sweep_\d{8}_\d{6}\.md$/.test(name)) ?? ''
  assert.ok(readdirSync(join(dir, 'charts')).some((name) => /^sweep-knee_.*\.png$/.test(name)))
  return readFileSync(join(dir, file), 'utf8')
}

describe('run-bench sweep at the edges of its range', () => {
  test('even the lowest rate fails: "no capacity under this SLO", the best step, exit 4', async (t) => {
    const p = project(t)
    // TTFT is at least prefill 2 ms + one 5 ms step: a 1 ms p50 can never hold.
    const result = await sweep(p, '--slo', 'ttft_p50<=1ms', '--rate-range', '5:40')
    assert.equal(result.code, 4, result.err + result.out)
    assert.match(result.out, /step 1: 5 req\/s → served .* margin -\d+\.\d%: fail/)
    assert.match(result.out, /No capacity under this SLO: even 5 req\/s fails \(best margin -\d+\.\d%\)/)
    assert.equal(raws(p), 1, 'one step: nothing lower to try')
    assert.match(reportOf(p), /\*\*No capacity under this SLO: even 5 req\/s fails/)
  })

  test('the highest rate passes: "at least X", every step a run with its raw file', async (t) => {
    const p = project(t)
    const result = await sweep(p, '--slo', 'success_rate>=50%', '--rate-range', '2:8')
    assert.equal(result.code, 0, result.err + result.out)
    // Growth max(2, ∛(8/2)) = 2: 2, 4, 8 req/s, all passing.
    assert.match(result.out, /step 1: 2 req\/s .*: pass/)
    assert.match(result.out, /step 2: 4 req\/s .*: pass/)
    assert.match(result.out, /step 3: 8 req\/s .*: pass/)
    assert.match(result.out, /Capacity is at least 8 req\/s: the highest step of the range passed/)
    assert.equal(raws(p), 3)
    const report = reportOf(p)
    assert.match(report, /\| 3 \| 8 \| \d+\.\d \| .* \| pass \| bench_sim_sim-llama-8b_step_/)
    assert.match(report, /!\[Knee: latency and served throughput by offered rate\]\(charts\/sweep-knee_/)
  })

  test('bad input: no SLO, a reversed range, both ranges', async (t) => {
    const p = project(t)
    const noSlo = await sweep(p)
    assert.equal(noSlo.code, 2)
    assert.match(noSlo.err, /sweep needs an SLO to search against/)
    const reversed = await sweep(p, '--slo', 'ttft_p99<=1s', '--rate-range', '50:10')
    assert.equal(reversed.code, 2)
    assert.match(reversed.err, /--rate-range 50:10: expected MIN:MAX with 0 < MIN <= MAX/)
    const both = await sweep(p, '--slo', 'ttft_p99<=1s', '--rate-range', '1:2', '--concurrency-range', '1:4')
    assert.equal(both.code, 2)
    assert.match(both.err, /--rate-range and --concurrency-range exclude each other/)
  })
})

function raws(p: TempProject): number {
  return readdirSync(join(p.outputDir, 'raw')).filter((name) => name.endsWith('.jsonl')).length
}
