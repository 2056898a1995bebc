// The "Plan:" line says what a prompt source sends (issue 16 follow-up): the source's output
// length, not the workload's max_tokens; a trace replay at the trace's times, not a closed loop.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { describePlan } from '../../src/cli/run-and-print.js'
import { sourceExtension } from '../../src/cli/run-options/sources.js'
import type { RunPlan } from '../../src/types.js'
import { createFakeIo } from '../support/fake-io.js'
import { fixturePlan } from '../support/shard-fixture.js'

const SIM = 'http://127.0.0.1:1/v1'

/** fixturePlan without its rate and request bound (a trace replay has neither of its own). */
function withoutRate(overrides: Parameters<typeof fixturePlan>[0], requests?: number): RunPlan {
  const plan = fixturePlan(overrides)
  const { rps: _rps, requests: _requests, ...workload } = plan.workload
  return { ...plan, workload: requests === undefined ? workload : { ...workload, requests } }
}

test('exact lengths: the requested output length, fixed or a distribution, in both languages', () => {
  const exact = fixturePlan({
    rps: 4,
    requests: 3,
    concurrency: 16,
    maxTokens: 512,
    sources: { input_tokens: 1024, output_tokens: 128 },
  })
  assert.equal(
    describePlan(exact),
    `constant @ 4.00 req/s at most 3 requests, max 16 in flight, output tokens 128 (exact), chat API → ${SIM}`,
  )
  assert.equal(
    describePlan(exact, 'ko'),
    `일정 간격 도착 @ 4.00 req/s, 최대 요청 3개, 동시 최대 16개, 출력 토큰 128 (정확히), chat API → ${SIM}`,
  )
  const uniform = fixturePlan({
    maxTokens: 512,
    sources: { input_tokens: 64, output_tokens: { min: 64, max: 256 } },
  })
  assert.match(describePlan(uniform), /, output tokens uniform 64–256 \(exact\), /)
  const normal = fixturePlan({
    maxTokens: 512,
    sources: { input_tokens: 64, output_tokens: { mean: 100, sd: 10, min: 60, max: 140 } },
  })
  assert.match(describePlan(normal), /, output tokens normal 100±10 in 60–140 \(exact\), /)
  assert.match(describePlan(normal, 'ko'), /, 출력 토큰 정규 100±10, 60–140 \(정확히\), /)
  // No output_tokens: the source asks for exactly max_tokens.
  const noOutput = fixturePlan({ maxTokens: 512, sources: { input_tokens: 64 } })
  assert.match(describePlan(noOutput), /, output tokens 512 \(exact\), /)
  // No source: unchanged.
  assert.match(describePlan(fixturePlan({ maxTokens: 3 })), /, max 8 in flight, max_tokens 3, chat API/)
})

test('trace replay: the trace times ×scale and its count, never "closed loop"', () => {
  const trace = withoutRate(
    { durationSec: 2, concurrency: 32, sources: { trace: { path: '/t.csv', time_scale: 0.25 } } },
    14,
  )
  assert.equal(
    describePlan(trace),
    `trace replay at the trace's times ×0.25, 14 requests for 2 s, max 32 in flight, output tokens from the trace, chat API → ${SIM}`,
  )
  assert.equal(
    describePlan(trace, 'ko'),
    `트레이스 재생 (트레이스 시각 ×0.25), 요청 14개, 2초 동안, 동시 최대 32개, 출력 토큰 트레이스 값, chat API → ${SIM}`,
  )
})

test('sessions and datasets: the rate counts sessions; max_tokens comes from the dataset', () => {
  const sessions = fixturePlan({
    rps: 1,
    requests: 6,
    concurrency: 8,
    sources: { input_tokens: 64, output_tokens: 64, sessions: { turns: 5 } },
  })
  assert.match(
    describePlan(sessions),
    /^constant @ 1\.00 sessions\/s at most 6 sessions, sessions of 5 turns, max 8 in flight, output tokens 64 \(exact\), /,
  )
  assert.match(
    describePlan(sessions, 'ko'),
    /^일정 간격 도착 @ 1\.00 세션\/s, 최대 세션 6개, 세션당 5턴, 동시 최대 8개, /,
  )
  const dataset = fixturePlan({ maxTokens: 200, sources: { dataset: { path: '/d.jsonl' } } })
  assert.match(describePlan(dataset), /, max_tokens from the dataset \(else 200\), /)
})

test('a trace run through the CLI: the extension counts the replay for the plan line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'plan-trace-'))
  try {
    const path = join(dir, 't.jsonl')
    // Mooncake JSONL: timestamps in ms; 3 requests at 0, 1000, 3000 ms.
    writeFileSync(
      path,
      [0, 1000, 3000]
        .map((ts) => JSON.stringify({ timestamp: ts, input_length: 8, output_length: 4 }))
        .join('\n'),
    )
    const io = createFakeIo({ cwd: dir })
    const extension = await sourceExtension({ trace: path, traceScale: 0.5 }, io)
    const plan = extension?.plan?.(withoutRate({ concurrency: 4 }))
    assert.ok(plan !== undefined)
    // 3000 ms × 0.5 = 1500 ms → 2 s; 3 requests.
    assert.equal(
      describePlan(plan),
      `trace replay at the trace's times ×0.5, 3 requests for 2 s, max 4 in flight, output tokens from the trace, chat API → ${SIM}`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
