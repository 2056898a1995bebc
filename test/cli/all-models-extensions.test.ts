// `run --model all` (one run per model) applies the run extensions to every model's run:
// prompt sources (plan and records), SLOs (verdicts, exit 4), server telemetry; and refuses
// up front, saying why, the options that describe a single run (--json, --junit, --shard).
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { main } from '../../src/cli/main.js'
import type { RequestRecord, Summary } from '../../src/types.js'
import { createFakeIo } from '../support/fake-io.js'
import { createTempProject, type TempProject } from '../support/temp-project.js'

// The simulator serves its two default models; prefill 5 ms + 10 ms per decode step.
const TARGETS = `targets:
  - name: sim
    kind: sim
    sim: { max_batch_size: 8, prefill_base_ms: 5, prefill_per_token_ms: 0, decode_base_ms: 10, decode_per_seq_ms: 0 }
`
const WORKLOADS = `workloads:
  - name: w
    requests: 2
    rps: 10
    concurrency: 2
    max_tokens: 32
    prompt_type: short
`

function project(t: { after: (fn: () => void) => void }): TempProject {
  const created = createTempProject({ targets: TARGETS, workloads: WORKLOADS })
  t.after(created.remove)
  return created
}

async function runAll(p: TempProject, args: string[]) {
  const io = createFakeIo({ cwd: p.dir })
  const argv = ['run', '--config-dir', p.configDir, '--output-dir', p.outputDir, '--target', 'sim']
  const code = await main([...argv, '--model', 'all', '--workload', 'w', ...args], io)
  return { code, out: io.out(), err: io.err() }
}

describe('run --model all with the run extensions', () => {
  test('every model: its prompt source, its SLO verdicts, its server telemetry; the worst exit code', async (t) => {
    const p = project(t)
    const result = await runAll(p, ['--input-tokens', '16', '--output-tokens', '4', '--slo', 'ttft_p50<=1ms'])
    // TTFT ≥ prefill 5 ms + one 10 ms step, far above 1 ms: the SLO fails for both → exit 4.
    assert.equal(result.code, 4, result.err + result.out)
    const sections = result.out.split(/\n\[\d\/2\] /).slice(1)
    assert.equal(sections.length, 2, result.out)
    for (const [index, model] of ['sim-llama-8b', 'sim-qwen3-4b'].entries()) {
      const section = sections[index] ?? ''
      assert.ok(section.startsWith(`${model}\nPrompt source: exact lengths 16 in / 4 out`), section)
      assert.match(
        section,
        /\nPlan: constant @ 10\.00 req\/s at most 2 requests, max 2 in flight, output tokens 4 \(exact\), /,
      )
      assert.match(section, /FAIL {2}ttft_p50<=1ms {2}actual \d+\.\d ms/)
      assert.match(section, /Output tokens: the requested length was met by 2 of 2 requests/)
    }
    const rawDir = join(p.outputDir, 'raw')
    const raws = readdirSync(rawDir).filter(
      (n) => n.endsWith('.jsonl') && !n.endsWith('.server-metrics.jsonl'),
    )
    assert.equal(raws.length, 2)
    for (const raw of raws) {
      const records = readFileSync(join(rawDir, raw), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as RequestRecord)
      assert.deepEqual(
        records.map((r) => [r.requested_input_tokens, r.requested_output_tokens, r.output_tokens]),
        [
          [16, 4, 4],
          [16, 4, 4],
        ],
      )
      const summary = JSON.parse(
        readFileSync(join(p.outputDir, 'summary', raw.replace(/\.jsonl$/, '.json')), 'utf8'),
      ) as Summary
      // The telemetry hook scraped the simulator's /metrics (no hooks: no server section at all).
      assert.notEqual(summary.server, undefined, raw)
      assert.equal(summary.sources?.outputTokensVsRequested?.met, 2)
    }
  })

  test('--json, --junit and --shard describe one run: refused before any request, saying why', async (t) => {
    const p = project(t)
    const json = await runAll(p, ['--json'])
    assert.equal(json.code, 2)
    assert.match(
      json.err,
      /--json prints one run's summary as one JSON object; --model all makes one run per model/,
    )
    assert.match(json.err, /Hint: read results\/summary\/<run>\.json of each run/)
    const junit = await runAll(p, ['--slo', 'ttft_p50<=1s', '--junit', 'j.xml'])
    assert.equal(junit.code, 2)
    assert.match(
      junit.err,
      /--junit writes one run's verdicts to one file; with --model all each model's run would overwrite it/,
    )
    assert.match(
      junit.err,
      /Hint: run each model with --model NAME --junit NAME\.xml, or judge the runs afterwards: run-bench check/,
    )
    const shard = await runAll(p, ['--shard', '0/2', '--run-id', 'x'])
    assert.equal(shard.code, 2)
    assert.match(
      shard.err,
      /--shard splits one run over several processes; --model all runs several models one after another/,
    )
    for (const result of [json, junit, shard]) assert.doesNotMatch(result.out, /Benchmarking/)
  })
})
