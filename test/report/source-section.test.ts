// Prompt-source figures (issue 16) in the Markdown and HTML reports and the summary CSV, also
// when `report` / `summarize` rebuild the summary from a raw file alone.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { main } from '../../src/cli/main.js'
import { renderSummaryCsv } from '../../src/report/csv.js'
import { renderHtmlReport } from '../../src/report/html.js'
import { renderMarkdownReport } from '../../src/report/markdown.js'
import type { SourceStats } from '../../src/types.js'
import { createFakeIo } from '../support/fake-io.js'
import { distribution, summary } from '../support/summary-fixture.js'

const STATS: SourceStats = {
  promptTokensVsRequested: { count: 4, exact: 0, meanDiff: 5, minDiff: 5, maxDiff: 5 },
  outputTokensVsRequested: { count: 4, met: 3 },
  ttftByTurn: [
    { turn: 1, ttftMs: distribution({ count: 2, mean: 110, p50: 110, p95: 119, p99: 119.8 }) },
    { turn: 2, ttftMs: distribution({ count: 2, mean: 50, p50: 50, p95: 59, p99: 59.8 }) },
  ],
  sessions: { started: 2, completed: 1, failed: 1, cut: 0 },
  prefixCache: { url: 'http://127.0.0.1:9/metrics', queriedTokens: 8000, hitTokens: 7000, hitRate: 0.875 },
  warnings: ['a "random" prefix run shows prefix-cache hits'],
  label: 'exact lengths 64 in / 16 out',
}

const withSource = summary({ runId: 'run-a', model: 'm', workload: 'chat-multiturn', sources: STATS })
const plain = summary({ runId: 'run-b', model: 'm', workload: 'plain' })

test('Markdown: a Prompt source block per run with a source, none without', () => {
  const md = renderMarkdownReport({ summaries: [withSource], generatedAt: 'now', toolVersion: 't' })
  assert.ok(md.includes('#### Prompt source\n\nSource: exact lengths 64 in / 16 out'), md)
  assert.ok(
    md.includes(
      '| Input tokens: server usage − requested | +5 mean (min +5, max +5) over 4 requests, exact for 0 |',
    ),
  )
  assert.ok(md.includes('| Requested output length met | 3 of 4 requests (75.0 %) |'))
  assert.ok(
    md.includes(
      '| Sessions | 2 started · 1 completed · 1 ended by a failed turn · 0 cut by the end of the run |',
    ),
  )
  assert.ok(
    md.includes(
      '| Prefix-cache hit rate (server counters) | 87.5 % of prompt tokens (7,000 of 8,000, http://127.0.0.1:9/metrics) |',
    ),
  )
  assert.ok(md.includes('| 1 | 2 | 110.0 | 110.0 | 119.0 | 119.8 |'))
  assert.ok(md.includes('| 2 | 2 | 50.0 | 50.0 | 59.0 | 59.8 |'))
  assert.ok(md.includes('- ⚠️ a "random" prefix run shows prefix-cache hits'))
  const none = renderMarkdownReport({ summaries: [plain], generatedAt: 'now', toolVersion: 't' })
  assert.ok(!none.includes('Prompt source'))
})

test('HTML: one Prompt source section over the runs that have one', () => {
  const html = renderHtmlReport({
    summaries: [withSource, plain],
    series: {},
    generatedAt: 'now',
    toolVersion: 't',
  })
  assert.equal(html.match(/<h2>Prompt source<\/h2>/g)?.length, 1)
  assert.ok(html.includes('<td class="text">3 of 4 requests (75.0 %)</td>'))
  assert.ok(
    html.includes('<tr><td>2</td><td>2</td><td>50.0</td><td>50.0</td><td>59.0</td><td>59.8</td></tr>'),
  )
  assert.ok(html.includes('⚠️ a &quot;random&quot; prefix run shows prefix-cache hits'))
  assert.ok(!html.includes('run-b</h3>\n<p>Source'))
  const none = renderHtmlReport({ summaries: [plain], series: {}, generatedAt: 'now', toolVersion: 't' })
  assert.ok(!none.includes('Prompt source'))
})

test('summary CSV: one row per figure, one distribution row per turn', () => {
  const lines = renderSummaryCsv(withSource).trim().split('\n')
  const row = (metric: string) => lines.find((line) => line.startsWith(`${metric},`))
  assert.equal(
    row('source_prompt_tokens_minus_requested'),
    'source_prompt_tokens_minus_requested,tokens,,5,,,,,,,"Input tokens: server usage − requested: +5 mean (min +5, max +5) over 4 requests, exact for 0"',
  )
  assert.equal(
    row('source_output_length_met'),
    'source_output_length_met,requests,,3,,,,,,,Requested output length met: 3 of 4 requests (75.0 %)',
  )
  assert.match(row('source_sessions_completed') ?? '', /^source_sessions_completed,sessions,,1,/)
  assert.match(row('source_prefix_cache_hit_rate') ?? '', /^source_prefix_cache_hit_rate,%,,87\.5,/)
  assert.equal(
    row('source_ttft_turn_1'),
    'source_ttft_turn_1,ms,2,110,110,0,119,119.8,0,0,TTFT of successful turn-1 requests (multi-turn sessions)',
  )
  assert.match(row('source_warning') ?? '', /prefix run shows prefix-cache hits/)
  assert.ok(!renderSummaryCsv(plain).includes('source_'))
})

/** Two 2-turn sessions: turn 1 at 100/120 ms TTFT, turn 2 at 40/60 ms; 69 prompt tokens for 64 requested. */
function sessionRecords(): string {
  const records = [
    { id: 1, session: 1, turn: 1, ttftMs: 100 },
    { id: 2, session: 2, turn: 1, ttftMs: 120 },
    { id: 3, session: 1, turn: 2, ttftMs: 40 },
    { id: 4, session: 2, turn: 2, ttftMs: 60 },
  ].map(({ id, session, turn, ttftMs }) => ({
    timestamp: 1764336300 + id,
    model: 'tiny-model',
    prompt: 'hi',
    ttft: ttftMs / 1000,
    total_time: 1,
    input_tokens: 69,
    output_tokens: 16,
    tokens_per_sec: 16,
    success: true,
    request_id: id,
    outcome: 'ok',
    http_status: 200,
    error: null,
    scheduled_at_ms: id * 1000,
    sent_at_ms: id * 1000,
    ended_at_ms: id * 1000 + 1000,
    queue_ms: 0,
    ttfb_ms: ttftMs,
    ttft_ms: ttftMs,
    ttfo_ms: ttftMs,
    e2e_ms: 1000,
    tpot_ms: 60,
    latency_from_schedule_ms: 1000,
    itl_ms: [],
    tokens_source: 'usage',
    finish_reason: 'length',
    retries: 0,
    requested_input_tokens: 64,
    requested_output_tokens: 16,
    requested_output_met: true,
    exact_output: 'ignore_eos',
    session_id: session,
    turn,
    session_turns: 2,
  }))
  return `${records.map((r) => JSON.stringify(r)).join('\n')}\n`
}

test('report and summarize rebuilt from the raw file keep the figures the records hold', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'source-report-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'raw'))
  const raw = join(dir, 'raw', 'bench_sim_tiny-model_chat_20251128_132500.jsonl')
  writeFileSync(raw, sessionRecords())
  // What only the run knew (the /metrics scrape, its warning, its label), in its summary.json.
  mkdirSync(join(dir, 'summary'))
  const stored = join(dir, 'summary', 'bench_sim_tiny-model_chat_20251128_132500.json')
  const { prefixCache, warnings, label } = STATS
  writeFileSync(stored, JSON.stringify({ sources: { prefixCache, warnings, label } }))
  const io = createFakeIo({ cwd: dir })
  assert.equal(await main(['report', '--output-dir', '.', '--format', 'md,html'], io), 0, io.err())
  for (const file of ['benchmark_report.md', 'benchmark_report.html']) {
    const text = readFileSync(join(dir, 'reports', file), 'utf8')
    assert.ok(text.includes('Prompt source'), file)
    assert.ok(text.includes('+5 mean (min +5, max +5) over 4 requests, exact for 0'), file)
    assert.ok(text.includes('2 started · 2 completed · 0 ended by a failed turn · 0 cut'), file)
  }
  const html = readFileSync(join(dir, 'reports', 'benchmark_report.html'), 'utf8')
  assert.ok(html.includes('87.5 % of prompt tokens (7,000 of 8,000, http://127.0.0.1:9/metrics)'), html)
  assert.ok(html.includes('<p>Source: exact lengths 64 in / 16 out</p>'))
  const md = readFileSync(join(dir, 'reports', 'benchmark_report.md'), 'utf8')
  // TTFT by turn: mean of 100 and 120, then of 40 and 60.
  assert.ok(md.includes('| 1 | 2 | 110.0 | 110.0 |'), md)
  assert.ok(md.includes('| 2 | 2 | 50.0 | 50.0 |'), md)

  const summarized = createFakeIo({ cwd: dir })
  assert.equal(await main(['summarize', raw], summarized), 0, summarized.err())
  const csv = readFileSync(join(dir, 'summary', 'bench_sim_tiny-model_chat_20251128_132500.csv'), 'utf8')
  assert.match(csv, /^source_output_length_met,requests,,4,.*4 of 4 requests \(100\.0 %\)$/m)
  assert.match(csv, /^source_ttft_turn_2,ms,2,50,/m)
  assert.match(csv, /^source_prefix_cache_hit_rate,%,,87\.5,/m)
  // summary.json rewritten: recomputed figures plus those carried over.
  const rewritten = JSON.parse(readFileSync(stored, 'utf8')) as { sources: SourceStats }
  assert.deepEqual(rewritten.sources.sessions, { started: 2, completed: 2, failed: 0, cut: 0 })
  assert.deepEqual(rewritten.sources.prefixCache, prefixCache)
  assert.deepEqual(rewritten.sources.warnings, warnings)
})
