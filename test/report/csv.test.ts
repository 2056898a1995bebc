import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { test } from 'node:test'
import { renderRecordsCsv, renderSummaryCsv } from '../../src/report/csv.js'
import { summarize } from '../../src/stats/summarize.js'
import type { RequestRecord } from '../../src/types.js'

const GOLDEN = new URL('../golden/summary.csv', import.meta.url)

function readFixture(): RequestRecord[] {
  const text = readFileSync(new URL('../fixtures/records/small.jsonl', import.meta.url), 'utf8')
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RequestRecord)
}

const summary = summarize(readFixture(), {
  runId: 'bench_sim_tiny-model_smoke_20251128_132500',
  target: 'sim',
  model: 'tiny-model',
  workload: 'smoke',
  startedAt: '2025-11-28T13:25:00.000Z',
  offeredRps: 2,
  concurrency: 4,
  clientHealth: null,
})

/** Rows of the summary CSV keyed by metric (no cell of the fixture's summary needs quoting but notes). */
function rowsByMetric(csv: string): Map<string, string[]> {
  const lines = csv.trimEnd().split('\n')
  return new Map(lines.slice(1).map((line) => [line.split(',')[0] ?? '', line.split(',')]))
}

test('summary CSV matches the golden file (UPDATE_GOLDEN=1 rewrites it)', () => {
  const csv = renderSummaryCsv(summary)
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, csv)
  assert.equal(csv, readFileSync(GOLDEN, 'utf8'))
})

test('summary CSV: header, latency rows rounded to 3 decimals, single values in mean', () => {
  const csv = renderSummaryCsv(summary)
  assert.equal(csv.split('\n')[0], 'metric,unit,count,mean,median,p90,p95,p99,min,max,note')
  const rows = rowsByMetric(csv)
  // TTFT [100, 200, 300, 400] → mean 250, p50 250, p90 370, p95 385, p99 397
  assert.deepEqual(rows.get('ttft_ms')?.slice(0, 10), [
    'ttft_ms',
    'ms',
    '4',
    '250',
    '250',
    '370',
    '385',
    '397',
    '100',
    '400',
  ])
  // ITL mean 590 / 9 = 65.5555… → 65.556
  assert.equal(rows.get('itl_ms')?.[3], '65.556')
  // 4 ok of 6 ok + failed (the 7th was not sent) = 66.666…% → 66.67; 0.8 req/s; 134 tokens / 5 s = 26.8 tokens/s
  assert.deepEqual(rows.get('success_rate')?.slice(0, 4), ['success_rate', '%', '', '66.67'])
  assert.equal(rows.get('request_throughput')?.[3], '0.8')
  assert.equal(rows.get('output_token_throughput')?.[3], '26.8')
  assert.equal(rows.get('requests_total')?.[3], '7')
  assert.equal(rows.get('requests_ok')?.[3], '4')
  assert.equal(rows.get('requests_failed')?.[3], '2')
  assert.equal(rows.get('requests_aborted')?.[3], '0')
  assert.equal(rows.get('requests_not_sent')?.[3], '1')
  assert.match(rows.get('e2e_ms')?.join(',') ?? '', /total time; successful requests only$/)
})

test('summary CSV: tokens/sec puts the low tail in the p90/p95/p99 columns and says so', () => {
  const line = renderSummaryCsv(summary)
    .split('\n')
    .find((l) => l.startsWith('tokens_per_sec,'))
  // mean 16.125 → 16.13; p50 16.25; p10 11.2; p5 10.6; p1 10.12
  assert.equal(
    line,
    'tokens_per_sec,tokens/s,4,16.13,16.25,11.2,10.6,10.12,10,22,' +
      '"low tail: p90 column = 10th percentile, p95 column = 5th percentile, p99 column = 1st percentile; ' +
      'successful requests only"',
  )
})

test('summary CSV: a metric without data has empty cells, not zeros', () => {
  const empty = summarize([], {
    runId: 'r',
    target: 't',
    model: 'm',
    workload: 'w',
    startedAt: '',
    offeredRps: null,
    concurrency: 1,
    clientHealth: null,
  })
  const rows = rowsByMetric(renderSummaryCsv(empty))
  assert.deepEqual(rows.get('ttft_ms')?.slice(0, 10), ['ttft_ms', 'ms', '0', '', '', '', '', '', '', ''])
  assert.equal(rows.get('success_rate')?.[3], '0')
})

test('records CSV: one row per record, every field but itl_ms, quoting and formula escaping', () => {
  const records = readFixture()
  const formula = { ...(records[0] as RequestRecord), prompt: '=HYPERLINK("x")' }
  const csv = renderRecordsCsv([...records, formula])
  const header = csv.split('\n')[0]?.split(',') ?? []
  const expected = Object.keys(records[0] as RequestRecord).filter((key) => key !== 'itl_ms')
  assert.deepEqual(header, expected)
  assert.ok(csv.startsWith('timestamp,model,prompt,ttft,'))
  // Record 1: raw values, booleans as true/false, null as empty
  assert.ok(
    csv.includes(
      '\n1764336300,tiny-model,Explain the difference between a process and a thread.,0.1,1,20,10,10,true,1,ok,,,,,0,0,1000,',
    ),
  )
  // Record 3's prompt holds quotes, commas and a newline: quoted, quotes doubled
  assert.ok(csv.includes('"Write a haiku, with ""quotes"", commas\nand a second line."'))
  assert.ok(csv.includes(',false,5,http_error,429,HTTP 429: Rate limit exceeded,HTTP_429,'))
  assert.ok(csv.includes(`,"'=HYPERLINK(""x"")",`))
  // 8 records + header; record 3's prompt adds one physical line
  assert.equal(csv.trimEnd().split('\n').length, 10)
})
