// Issue 15: `run-bench check RAW…` applies SLOs and a baseline to raw files already on disk,
// sending nothing. The files are written here with known values, so every figure is
// computed by hand.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { main } from '../../src/cli/main.js'
import type { RequestRecord } from '../../src/types.js'
import { createFakeIo } from '../support/fake-io.js'
import { sloRecord } from '../support/slo-record.js'

/** Ten successful requests 100 ms apart: TTFT 10, 20, …, 100 ms; TPOT `tpotMs` ± 1%. */
function records(tpotMs: number): RequestRecord[] {
  return Array.from({ length: 10 }, (_, i) => {
    const ttftMs = 10 * (i + 1)
    const tpot = tpotMs * (1 + (i % 3 === 0 ? 0.01 : -0.005))
    const e2eMs = ttftMs + 9 * tpot
    return sloRecord({
      request_id: i,
      sent_at_ms: 100 * i,
      ended_at_ms: 100 * i + e2eMs,
      ttft_ms: ttftMs,
      ttfo_ms: ttftMs,
      ttfb_ms: ttftMs - 1,
      tpot_ms: tpot,
      e2e_ms: e2eMs,
      output_tokens: 10,
      tokens_per_sec: 10 / (e2eMs / 1000),
    })
  })
}

function writeRaw(dir: string, name: string, lines: readonly RequestRecord[], extra = ''): string {
  mkdirSync(dir, { recursive: true })
  const path = join(dir, name)
  writeFileSync(path, lines.map((record) => `${JSON.stringify(record)}\n`).join('') + extra)
  return path
}

function setup(t: { after: (fn: () => void) => void }) {
  const dir = mkdtempSync(join(tmpdir(), 'run-bench-check-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const raw = join(dir, 'results', 'raw')
  return {
    dir,
    run: writeRaw(raw, 'bench_sim_m_steady_20261201_120000.jsonl', records(10)),
    slower: writeRaw(join(dir, 'slower', 'raw'), 'bench_sim_m_steady_20261201_130000.jsonl', records(12)),
    other: writeRaw(join(dir, 'other'), 'bench_sim_m_burst_20261201_140000.jsonl', records(10)),
    check: async (...args: string[]) => {
      const io = createFakeIo({ cwd: dir })
      const code = await main(['check', ...args], io)
      return { code, out: io.out(), err: io.err() }
    },
  }
}

describe('run-bench check', () => {
  test('judges thresholds on hand-computed percentiles: p99 99.1 ms passes ≤100 ms, p50 55 ms fails ≤50 ms', async (t) => {
    const s = setup(t)
    // numpy linear percentiles of 10..100: p99 at h = 8.91 → 90 + 0.91 × 10 = 99.1; p50 at 4.5 → 55.
    const result = await s.check(
      s.run,
      '--slo',
      'ttft_p99<=100ms',
      '--slo',
      'ttft_p50<=50ms',
      '--junit',
      'j.xml',
    )
    assert.equal(result.code, 4, result.err)
    assert.match(
      result.out,
      /Checked bench_sim_m_steady_20261201_120000: 10 requests, 10 ok; SLOs from --slo/,
    )
    assert.match(result.out, /pass {2}ttft_p99<=100ms {2}actual 99\.1 ms \(limit <= 100 ms, margin 0\.9%\)/)
    assert.match(
      result.out,
      /FAIL {2}ttft_p50<=50ms {3}actual 55\.0 ms \(limit <= 50\.0 ms, margin -10\.0%\)/,
    )
    const junit = readFileSync(join(s.dir, 'j.xml'), 'utf8')
    assert.match(junit, /<testsuites tests="2" failures="1" errors="0" skipped="0">/)
    assert.ok(
      junit.includes(
        '<failure message="ttft_p50 = 55.0 ms, limit &lt;= 50.0 ms (margin -10.0%)" type="slo_failed"/>',
      ),
      junit,
    )
  })

  test('per-request bounds give attainment and goodput; --json carries every verdict', async (t) => {
    const s = setup(t)
    // ttft<=50ms holds for the first 5 of 10 requests: attainment 50% < 60%.
    const result = await s.check(s.run, '--slo', 'ttft<=50ms', '--slo', 'attainment>=60%', '--json')
    assert.equal(result.code, 4, result.err)
    const json = JSON.parse(result.out)
    assert.equal(json.run, 'bench_sim_m_steady_20261201_120000')
    assert.deepEqual(
      json.slo.map((v: { text: string; actual: number; status: string }) => [v.text, v.actual, v.status]),
      [['attainment>=60%', 50, 'fail']],
    )
    assert.equal(json.goodput.good, 5)
    assert.equal(json.goodput.judged, 10)
    assert.equal(json.gateExitCode, 4)
  })

  test('--format markdown prints the step-summary table', async (t) => {
    const s = setup(t)
    const result = await s.check(join(s.dir, 'results'), '--slo', 'ttft_p99<=100ms', '--format', 'markdown')
    assert.equal(result.code, 0, result.err)
    assert.match(
      result.out,
      /## Run Bench: bench_sim_m_steady_20261201_120000\n\n### SLOs\n\n\| SLO \| actual \| limit \| margin \| result \|\n\|---\|---:\|---:\|---:\|---\|\n\| `ttft_p99<=100ms` \| 99\.1 ms \| <= 100 ms \| 0\.9% \| pass \|/,
    )
    assert.match(result.out, /\*\*Result: exit 0: every gate passed\.\*\*/)
  })

  test('--baseline: TPOT 20% worse is a regression (exit 5) at the default 10%, not at 25%', async (t) => {
    const s = setup(t)
    const regressed = await s.check(s.slower, '--baseline', s.run)
    assert.equal(regressed.code, 5, regressed.err + regressed.out)
    assert.match(regressed.out, /REGRESSION {2}TPOT mean {8}10\.01 → 12\.01 \(20\.0% worse; tolerance 10%\)/)
    const tolerated = await s.check(s.slower, '--baseline', s.run, '--regression-tolerance', '25%')
    assert.equal(tolerated.code, 0, tolerated.err + tolerated.out)
    assert.match(tolerated.out, /No regression beyond the tolerance\./)
    // TPOT p50 needs 20 samples (10 above the median) to be compared; these runs have 10.
    assert.match(
      tolerated.out,
      /ok {10}TPOT p50 {9}9\.95 → 11\.94 \(too few samples to compare; tolerance 25%\)/,
    )
  })

  test('a baseline of another workload is refused unless --force', async (t) => {
    const s = setup(t)
    const refused = await s.check(s.run, '--baseline', s.other)
    assert.equal(refused.code, 2)
    assert.match(refused.err, /The runs differ: workload burst vs steady/)
    assert.match(refused.err, /Hint: .*--force/)
    const forced = await s.check(s.run, '--baseline', s.other, '--force')
    assert.equal(forced.code, 0, forced.err + forced.out)
  })

  test('an empty run cannot be evaluated (exit 4); a torn last line is skipped with a warning', async (t) => {
    const s = setup(t)
    const empty = writeRaw(join(s.dir, 'empty'), 'bench_sim_m_steady_20261201_150000.jsonl', [])
    const result = await s.check(empty, '--slo', 'ttft_p99<=1s')
    assert.equal(result.code, 4)
    assert.match(result.out, /0 requests, 0 ok/)
    assert.match(result.out, /n\/a {3}ttft_p99<=1s {2}cannot be evaluated: the run has no requests/)
    const torn = writeRaw(
      join(s.dir, 'torn'),
      'bench_sim_m_steady_20261201_160000.jsonl',
      records(10),
      '{"succ',
    )
    const read = await s.check(torn, '--slo', 'ttft_p99<=100ms')
    assert.equal(read.code, 0, read.err)
    assert.match(read.err, /Warning: .*:11: skipped, not valid JSON/)
  })

  test('nothing to check, a missing file and a percentage without % are usage errors', async (t) => {
    const s = setup(t)
    const nothing = await s.check(s.run)
    assert.equal(nothing.code, 2)
    assert.match(nothing.err, /Nothing to check in .*: no --slo, no --baseline/)
    const missing = await s.check(join(s.dir, 'nope.jsonl'), '--slo', 'ttft_p99<=1s')
    assert.equal(missing.code, 2)
    assert.match(missing.err, /check .*nope\.jsonl: no such file or folder/)
    const tolerance = await s.check(s.run, '--baseline', s.run, '--regression-tolerance', '0.1')
    assert.equal(tolerance.code, 2)
    assert.match(tolerance.err, /--regression-tolerance takes a percentage up to 100% \(got "0\.1"\)/)
  })
})
