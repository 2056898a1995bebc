import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { renderRunSummaryTable } from '../../src/cli/run-summary-table.js'
import { renderMarkdownReport } from '../../src/report/markdown.js'
import { type SummaryInfo, summarize } from '../../src/stats/summarize.js'
import type { RequestRecord, Summary } from '../../src/types.js'

const GOLDEN = new URL('../golden/benchmark_report.md', import.meta.url)

function readFixture(): RequestRecord[] {
  const text = readFileSync(new URL('../fixtures/records/small.jsonl', import.meta.url), 'utf8')
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RequestRecord)
}

/** The fixture on a clock `factor` times slower: every time × factor, tokens/sec ÷ factor. */
function slower(records: RequestRecord[], factor: number): RequestRecord[] {
  const scale = (ms: number | null) => (ms === null ? null : ms * factor)
  return records.map((r) => ({
    ...r,
    scheduled_at_ms: scale(r.scheduled_at_ms),
    sent_at_ms: r.sent_at_ms * factor,
    ended_at_ms: r.ended_at_ms * factor,
    queue_ms: scale(r.queue_ms),
    ttfb_ms: scale(r.ttfb_ms),
    ttft_ms: scale(r.ttft_ms),
    ttfo_ms: scale(r.ttfo_ms),
    e2e_ms: scale(r.e2e_ms),
    tpot_ms: scale(r.tpot_ms),
    latency_from_schedule_ms: scale(r.latency_from_schedule_ms),
    itl_ms: r.itl_ms.map((gap) => gap * factor),
    tokens_per_sec: r.tokens_per_sec === null ? null : r.tokens_per_sec / factor,
  }))
}

function info(overrides: Partial<SummaryInfo>): SummaryInfo {
  return {
    runId: 'bench_sim_tiny-model_smoke_20251128_132500',
    target: 'sim',
    model: 'tiny-model',
    workload: 'smoke',
    startedAt: '2025-11-28T13:25:00.000Z',
    offeredRps: 2,
    concurrency: 4,
    clientHealth: null,
    ...overrides,
  }
}

// Run A: the fixture as is. Run B: another model on the same target, 2× slower.
// Run C: the first model on another target, 2× faster, closed loop, client-limited, no config.
const runA = summarize(readFixture(), info({}))
const runB = summarize(
  slower(readFixture(), 2),
  info({
    runId: 'bench_sim_big-model_smoke_20251128_140000',
    model: 'big-model',
    startedAt: '2025-11-28T14:00:00.000Z',
  }),
)
const runC = summarize(
  slower(readFixture(), 0.5),
  info({
    runId: 'bench_vllm_tiny-model_smoke_20251128_150000',
    target: 'vllm',
    startedAt: '2025-11-28T15:00:00.000Z',
    offeredRps: null,
    concurrency: 8,
    clientHealth: {
      eventLoopLagP99Ms: 120,
      scheduleLagP99Ms: 80,
      limited: true,
      reasons: ['event loop lag p99 120 ms > 50 ms'],
    },
  }),
)

const config = {
  target: 'sim',
  model: 'tiny-model',
  workload: 'smoke',
  rps: 2,
  concurrency: 4,
  durationSec: 5,
  maxTokens: 64,
  temperature: 0.7,
  promptType: 'short',
  seed: 42,
}

function report(summaries: Summary[]): string {
  return renderMarkdownReport({
    summaries,
    generatedAt: '2025-11-28T16:00:00.000Z',
    toolVersion: '0.0.0-test',
    runConfigs: {
      [runA.runId]: config,
      [runB.runId]: { ...config, model: 'big-model' },
    },
  })
}

/** The lines of the table that follows a line starting with `heading`. */
function tableAfter(markdown: string, heading: string): string[] {
  const lines = markdown.split('\n')
  const at = lines.findIndex((line) => line.startsWith(heading))
  assert.ok(at >= 0, `no "${heading}"`)
  const start = lines.findIndex((line, i) => i >= at && line.startsWith('|'))
  const end = lines.findIndex((line, i) => i > start && !line.startsWith('|'))
  return lines.slice(start, end === -1 ? undefined : end)
}

describe('Markdown report', () => {
  const markdown = report([runA, runB, runC])

  test('matches the golden file (UPDATE_GOLDEN=1 rewrites it)', () => {
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, markdown)
    assert.equal(markdown, readFileSync(GOLDEN, 'utf8'))
  })

  test('states the percentile method, successful-only latency and the tokens/sec low tail', () => {
    assert.match(markdown, /Percentiles are exact/)
    assert.match(markdown, /numpy's default method does \(index = p\/100 × \(n − 1\)\)/)
    assert.match(markdown, /Latency statistics cover successful requests only/)
    assert.match(markdown, /P95 \(5th pct, low tail\)/)
  })

  test('headline table of run A: TTFT ms, total time s, tokens/sec low tail, success rate', () => {
    const table = tableAfter(markdown, `### tiny-model · smoke · sim (${runA.runId})`)
    assert.deepEqual(table, [
      '| Metric | Mean | Median | P95 | P99 |',
      '|---|---:|---:|---:|---:|',
      // TTFT [100..400]: mean 250, p50 250, p95 385, p99 397
      '| TTFT (ms) | 250.0 | 250.0 | 385.0 | 397.0 |',
      // e2e [1000, 1500, 2000, 3000] ms: 1.875, 1.750, 2.850, 2.970 s
      '| Total Time (s) | 1.875 | 1.750 | 2.850 | 2.970 |',
      // tps: mean 16.125 → 16.13 (toLocaleString rounds half away from zero), p50 16.25, p5 10.6, p1 10.12
      '| Tokens/sec ¹ | 16.13 | 16.25 | 10.60 | 10.12 |',
      '| Success Rate | 66.67% | - | - | - |',
    ])
  })

  test('runs with a third of their requests failed are never bold', () => {
    // Each fixture run: 4 ok, 2 failed (33 % of ok + failed, above 5 %), 1 not sent.
    assert.doesNotMatch(markdown.slice(markdown.indexOf('## Comparison by workload')), /\*\*\d/)
  })

  test('comparison by workload bolds the lowest latency and the highest throughput', () => {
    // The same runs without their failed and unsent requests: all three may be best.
    const healthy = (s: Summary): Summary => ({
      ...s,
      requests: { total: s.requests.ok, ok: s.requests.ok, failed: 0, aborted: 0, notSent: 0 },
      successRate: 1,
    })
    const markdown = report([healthy(runA), healthy(runB), healthy(runC)])
    const ttft = tableAfter(markdown, '### Workload: smoke (3 runs)')
    // C is 2× faster (TTFT mean 125), A 250, B 500
    assert.deepEqual(ttft, [
      '| TTFT (ms) | Mean | Median | P95 | P99 |',
      '|---|---:|---:|---:|---:|',
      '| tiny-model @ sim | 250.0 | 250.0 | 385.0 | 397.0 |',
      '| big-model @ sim | 500.0 | 500.0 | 770.0 | 794.0 |',
      '| tiny-model @ vllm | **125.0** | **125.0** | **192.5** | **198.5** |',
    ])
    // Windows A 5 s, B 10 s, C 2.5 s; 4 ok requests and 134 output tokens each.
    // Equal success rates: nothing is bold in that column.
    assert.deepEqual(tableAfter(markdown, '| Throughput | Requests/s'), [
      '| Throughput | Requests/s | Output tokens/s | Success rate |',
      '|---|---:|---:|---:|',
      '| tiny-model @ sim | 0.800 | 26.80 | 100.00% |',
      '| big-model @ sim | 0.400 | 13.40 | 100.00% |',
      '| tiny-model @ vllm | **1.600** | **53.60** | 100.00% |',
    ])
  })

  test('an incomplete run is marked in its heading, with the reason, and never bold', () => {
    const cut = {
      ...runC,
      requests: { ...runC.requests, failed: 0, notSent: 0 },
      incomplete: 'interrupted by SIGINT',
    }
    const text = report([runA, cut])
    assert.match(
      text,
      /### tiny-model · smoke · vllm \(incomplete\) \(bench_vllm_tiny-model_smoke_20251128_150000\)/,
    )
    assert.match(text, /\*\*Incomplete run\*\* \(interrupted by SIGINT\): it ended early/)
    assert.match(text, /\| tiny-model @ vllm \(incomplete\) \| 125\.0 \| 125\.0 \|/)
  })

  test('token counts estimated for every request say "all N", not "partly"', () => {
    const all = { ...runA, tokensSources: { tokenizer: 20 } }
    const text = report([all])
    assert.match(
      text,
      /Output token counts are estimated for all 20 successful requests \(usage = server-reported, tokenizer\/chunks = counted here\): tokenizer 20\./,
    )
    assert.doesNotMatch(text, /partly/)
    assert.match(report([runA]), /estimated for 1 of 4 successful requests .*: usage 3, tokenizer 1\./)
  })

  test('a concurrency sweep names its runs by concurrency, not by run id', () => {
    const sweep = [1, 2, 4, 8].map((c) => ({
      ...runC,
      runId: `bench_vllm_tiny-model_smoke_2025112${c}_150000`,
      concurrency: c,
      clientHealth: null,
    }))
    const text = report(sweep)
    for (const c of [1, 2, 4, 8]) {
      assert.ok(
        text.includes(`### tiny-model · smoke · c=${c} (bench_vllm_tiny-model_smoke_2025112${c}_150000)`),
        `c=${c}`,
      )
      assert.ok(text.includes(`| tiny-model · smoke · c=${c} |`), `comparison row c=${c}`)
    }
  })

  test('comparison by model and by target group only runs that share it', () => {
    assert.match(markdown, /### Model: tiny-model \(2 runs\)/)
    assert.doesNotMatch(markdown, /### Model: big-model/)
    assert.match(markdown, /### Target: sim \(2 runs\)/)
    assert.doesNotMatch(markdown, /### Target: vllm/)
  })

  test('error section lists outcome, error code, status, count and examples per run', () => {
    assert.ok(
      markdown.includes(
        `| ${runA.runId} | http_error | HTTP_429 | 429 | 1 | HTTP 429: Rate limit exceeded |`,
      ),
      'http_error row',
    )
    assert.ok(
      markdown.includes(
        `| ${runA.runId} | timeout | TIMEOUT_TOTAL | - | 1 | No response within 2000 ms (total timeout) |`,
      ),
    )
  })

  test('says in one line how many requests were not sent and why', () => {
    assert.ok(
      markdown.includes(
        '| Not sent | 1 not sent (offered load above the concurrency cap: raise --concurrency or lower --rps) |',
      ),
    )
  })

  test('configuration falls back to what the summary knows when a run has no config', () => {
    assert.ok(
      markdown.includes(`| ${runA.runId} | sim | tiny-model | smoke | 2 | 4 | 5 | 64 | 0.7 | short | 42 |`),
    )
    assert.ok(
      markdown.includes(
        `| ${runC.runId} | vllm | tiny-model | smoke | closed loop | 8 | - | - | - | - | - |`,
      ),
    )
  })

  test('flags a client-limited run', () => {
    assert.match(markdown, /\*\*The client may have limited this run\*\* .*event loop lag p99 120 ms > 50 ms/)
  })

  test('a single run has nothing to compare; no runs says so', () => {
    const single = report([runA])
    assert.match(single, /Every workload has a single run: nothing to compare\./)
    assert.match(report([]), /No runs found\./)
  })

  test('escapes names that would break a table', () => {
    const odd = { ...runA, runId: 'run|1', model: 'a*b|c' }
    const text = report([odd])
    assert.ok(text.includes('### run\\|1'))
    assert.ok(text.includes('model **a\\*b\\|c**'))
  })
})

describe('terminal summary table', () => {
  test('English: the original "통계 요약" shape with counts and throughput', () => {
    assert.equal(
      renderRunSummaryTable(runA, 'en'),
      [
        'Summary (latency over successful requests only)',
        '| Metric         |   Mean | Median |   P95 |   P99 |',
        '|----------------|-------:|-------:|------:|------:|',
        '| TTFT (ms)      |  250.0 |  250.0 | 385.0 | 397.0 |',
        '| Total Time (s) |  1.875 |  1.750 | 2.850 | 2.970 |',
        '| Tokens/sec ¹   |  16.13 |  16.25 | 10.60 | 10.12 |',
        '| Success Rate   | 66.67% |      - |     - |     - |',
        '¹ Tokens/sec P95/P99 = 5th/1st percentile (low tail: higher is better)',
        'Requests: 7 total, 4 ok, 2 failed, 0 aborted, 1 not sent; 2 waited for a slot',
        '1 not sent (offered load above the concurrency cap: raise --concurrency or lower --rps)',
        'Throughput: 0.800 req/s, 26.80 output tokens/s over a 5.000 s window',
        // from schedule, successes [1000, 2000, 1500, 3050]: p50 (1500+2000)/2, p99 2000 + 0.97 × 1050
        'Latency from schedule (open loop, coordinated-omission safe): p50 1,750.0 ms, p99 3,018.5 ms (service time p50 1,750.0 ms, p99 2,970.0 ms)',
        // proxy overhead [5, 7, 9]: mean 7, p99 7 + 0.98 × 2
        'Proxy overhead (x-litellm-overhead-duration-ms): mean 7.00 ms, p99 8.96 ms',
        // The two failures under "Errors"; the request never sent apart (issue 12 item 1).
        'Errors: http_error HTTP_429 × 1 · timeout TIMEOUT_TOTAL × 1',
        '  http_error HTTP_429: HTTP 429: Rate limit exceeded',
        '  timeout TIMEOUT_TOTAL: No response within 2000 ms (total timeout)',
        'Not counted as failures: not_sent NOT_SENT × 1',
        '  not_sent NOT_SENT: Not sent: no concurrency slot was free before the run ended',
      ].join('\n'),
    )
  })

  test('Korean labels, padded by display width (Hangul is two columns wide)', () => {
    const lines = renderRunSummaryTable(runA, 'ko').split('\n')
    assert.equal(lines[0], '통계 요약 (지연 시간은 성공한 요청만)')
    // '총 응답 시간 (s)' is 16 columns wide (6 Hangul × 2 + 4); the widest label '토큰/초 (tokens/s) ¹' is 20.
    assert.equal(lines[1], '| 지표                 |   Mean | Median |   P95 |   P99 |')
    assert.equal(lines[4], '| 총 응답 시간 (s)     |  1.875 |  1.750 | 2.850 | 2.970 |')
    assert.equal(lines[6], '| 성공률               | 66.67% |      - |     - |     - |')
    assert.equal(lines[8], '요청: 총 7개, 성공 4개, 실패 2개, 중단 0개, 미전송 1개; 동시성 슬롯 대기 2개')
    assert.equal(
      lines[9],
      '미전송 1개 (제공 부하가 동시성 한도를 넘음: --concurrency를 올리거나 --rps를 낮추세요)',
    )
    assert.equal(lines[10], '처리량: 0.800 req/s, 출력 토큰 26.80 tokens/s (측정 구간 5.000초)')
  })

  test('a run with no successful request prints dashes, not zeros', () => {
    const failed = summarize(
      readFixture().filter((r) => r.outcome !== 'ok'),
      info({}),
    )
    const lines = renderRunSummaryTable(failed, 'en').split('\n')
    assert.match(lines[3] ?? '', /^\| TTFT \(ms\) +\| +- \| +- \| +- \| +- \|$/)
    assert.match(lines[6] ?? '', /^\| Success Rate +\| +0\.00% \|/)
  })
})
