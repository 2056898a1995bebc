// 6. Merge: 4 shards of 250,000 records merged exactly (streamed through one summary
// accumulator and one merged raw file) against `summarize` of one 1,000,000-record file
// holding the same records. Goal (issue 17): merge ≤ 1.5× summarize. Both are measured in
// this process, one after the other, on files written here. Runnable alone:
//   node --import tsx bench/sections/merge.ts [--records 100000]
import { closeSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { mergeShards } from '../../src/results/merge-shards.js'
import { readRawRecords } from '../../src/results/read-raw-records.js'
import { planHash, type ShardMeta, shardPaths } from '../../src/results/shard-meta.js'
import { createSummaryAccumulator } from '../../src/stats/summarize.js'
import type { RequestRecord, Summary } from '../../src/types.js'
import type { BenchContext, SectionResult } from '../bench-context.js'
import { benchPlan } from '../bench-plan.js'
import { count, fixed, mib } from '../report-table.js'

const SHARDS = 4
const START_AT_EPOCH_MS = 1_796_328_000_000

export async function mergeSection(bench: BenchContext): Promise<SectionResult> {
  return measureMerge(bench.tmpDir, bench.quick ? 100_000 : 1_000_000, bench.log)
}

export async function measureMerge(
  dir: string,
  total: number,
  log: (line: string) => void,
): Promise<SectionResult> {
  const plan = benchPlan('http://127.0.0.1:1/v1', { rps: 1000, requests: total })
  const single = join(dir, 'single', 'raw', 'bench_single.jsonl')
  mkdirSync(join(dir, 'single', 'raw'), { recursive: true })
  mkdirSync(join(dir, 'shards', 'shards'), { recursive: true })
  log(`merge: writing ${count(total)} records once whole and once as ${SHARDS} shards ...`)
  writeFiles(single, join(dir, 'shards'), plan, total)

  const summarizeStartMs = performance.now()
  const accumulator = createSummaryAccumulator()
  await readRawRecords(single, (record) => accumulator.add(record))
  const whole = accumulator.finish(info('run-merge'))
  const summarizeMs = performance.now() - summarizeStartMs

  const mergeStartMs = performance.now()
  const merged = await mergeShards({ dirs: [join(dir, 'shards')], outputDir: join(dir, 'merged') })
  const mergeMs = performance.now() - mergeStartMs

  const same = sameStatistics(whole, merged.summary)
  const ratio = mergeMs / summarizeMs
  const met = ratio <= 1.5 && same
  const label = `${SHARDS} × ${count(total / SHARDS)} records`
  return {
    title: `6. Merge: ${label} merged exactly vs summarize of one ${count(total)}-record file`,
    rows: [
      {
        figure: `summarize one ${count(total)}-record file (${mib(statSync(single).size)})`,
        measured: `${fixed(summarizeMs / 1000, 2)} s`,
        reference: '-',
        goal: '-',
        met: null,
      },
      {
        figure: `merge ${label} (writes the merged raw file too)`,
        measured: `${fixed(mergeMs / 1000, 2)} s (${fixed(ratio, 2)}×)`,
        reference: `${fixed(summarizeMs / 1000, 2)} s summarize`,
        goal: '≤ 1.5× summarize',
        met: ratio <= 1.5,
      },
      {
        figure: '  merged statistics = one-file statistics',
        measured: same ? 'identical' : 'DIFFERENT',
        reference: '-',
        goal: 'identical',
        met: same,
      },
    ],
    goals: [
      {
        section: 'Merge',
        figure: `merging ${label}`,
        measured: `${fixed(mergeMs / 1000, 2)} s against ${fixed(summarizeMs / 1000, 2)} s for summarize (${fixed(ratio, 2)}×), statistics ${same ? 'identical' : 'different'}`,
        goal: '≤ 1.5× summarize, identical statistics',
        met,
        reason: same
          ? `merge took ${fixed(ratio, 2)}× summarize`
          : 'merged statistics differ from the one-file summary',
      },
    ],
    notes: [
      'both read JSONL through the same reader and accumulator; the merge also writes every record to the merged raw file (its extra cost)',
    ],
  }
}

function info(runId: string) {
  return {
    runId,
    target: 'bench',
    model: 'bench',
    workload: 'bench',
    startedAt: new Date(START_AT_EPOCH_MS).toISOString(),
    offeredRps: 1000,
    concurrency: 64,
    clientHealth: null,
  }
}

/** Everything but the run id and start label, which name the file, not the records. */
function sameStatistics(a: Summary, b: Summary): boolean {
  const strip = (s: Summary) => JSON.stringify({ ...s, runId: '', startedAt: '' })
  return strip(a) === strip(b)
}

function writeFiles(
  single: string,
  shardDir: string,
  plan: ReturnType<typeof benchPlan>,
  total: number,
): void {
  const whole = openSync(single, 'w')
  const fds = Array.from({ length: SHARDS }, (_, index) => {
    const paths = shardPaths(shardDir, 'run-merge', index, SHARDS)
    const meta: ShardMeta = {
      runId: `run-merge.shard-${index}-of-${SHARDS}`,
      toolVersion: 'bench',
      seed: plan.seed,
      host: { hostname: 'bench', platform: 'linux', nodeVersion: process.version, cpus: 1 },
      startedAt: new Date(START_AT_EPOCH_MS).toISOString(),
      endedAt: null,
      complete: true,
      incompleteReason: null,
      plan,
      capabilities: null,
      clientHealth: null,
      shard: {
        runId: 'run-merge',
        index,
        count: SHARDS,
        planHash: planHash(plan),
        startAtEpochMs: START_AT_EPOCH_MS,
        startedAtEpochMs: START_AT_EPOCH_MS + shardSkewMs(index),
        skewMs: shardSkewMs(index),
        clock: { source: 'system', hostname: 'bench' },
        concurrencyExceedsCap: false,
      },
    }
    const metaFd = openSync(paths.meta, 'w')
    writeSync(metaFd, JSON.stringify(meta))
    closeSync(metaFd)
    return openSync(paths.raw, 'w')
  })
  // Batched writes: building the files is setup, not what is measured.
  const batches: string[][] = fds.map(() => [])
  let wholeBatch: string[] = []
  for (let k = 0; k < total; k++) {
    const record = benchRecord(k)
    wholeBatch.push(`${JSON.stringify(record)}\n`)
    // A shard's records count from its own clock start, skewMs after the shared start,
    // so the merge has to move every record's times (as with real shards).
    batches[k % SHARDS]?.push(`${JSON.stringify(onShardClock(record, shardSkewMs(k % SHARDS)))}\n`)
    if (wholeBatch.length === 10_000 || k === total - 1) {
      writeSync(whole, wholeBatch.join(''))
      wholeBatch = []
      batches.forEach((batch, i) => {
        writeSync(fds[i] ?? -1, batch.join(''))
        batch.length = 0
      })
    }
  }
  closeSync(whole)
  for (const fd of fds) closeSync(fd)
}

/** Shard i's clock started 4·i ms after the shared start (binary-exact, like all times here). */
function shardSkewMs(index: number): number {
  return 4 * index
}

function onShardClock(record: RequestRecord, skewMs: number): RequestRecord {
  return {
    ...record,
    scheduled_at_ms: record.scheduled_at_ms === null ? null : record.scheduled_at_ms - skewMs,
    sent_at_ms: record.sent_at_ms - skewMs,
    ended_at_ms: record.ended_at_ms - skewMs,
  }
}

/**
 * A plausible streamed request: 1 ms apart, TTFT and length varied deterministically. Times
 * are multiples of 1/8 ms, so moving them by whole milliseconds and back is exact.
 */
function benchRecord(k: number): RequestRecord {
  const ok = k % 50 !== 49
  const ttftMs = 20 + ((k * 7919) % 997) / 8
  const e2eMs = ttftMs + 100 + ((k * 104_729) % 4999) / 8
  const outputTokens = 64 + (k % 65)
  return {
    timestamp: START_AT_EPOCH_MS / 1000 + k / 1000,
    model: 'bench',
    prompt: 'Write one short sentence about the sea.',
    ttft: ok ? ttftMs / 1000 : null,
    total_time: ok ? e2eMs / 1000 : null,
    input_tokens: 12,
    output_tokens: ok ? outputTokens : 0,
    tokens_per_sec: ok ? outputTokens / (e2eMs / 1000) : null,
    success: ok,
    request_id: k,
    outcome: ok ? 'ok' : 'http_error',
    http_status: ok ? 200 : 503,
    error: ok ? null : 'HTTP 503',
    error_code: ok ? null : 'HTTP_503',
    timeout_kind: null,
    scheduled_at_ms: k,
    sent_at_ms: k + 0.25,
    ended_at_ms: k + 0.25 + e2eMs,
    queue_ms: 0.25,
    ttfb_ms: ok ? ttftMs - 1 : null,
    ttft_ms: ok ? ttftMs : null,
    ttfo_ms: ok ? ttftMs : null,
    e2e_ms: ok ? e2eMs : null,
    tpot_ms: ok ? (e2eMs - ttftMs) / (outputTokens - 1) : null,
    latency_from_schedule_ms: 0.25 + e2eMs,
    itl_ms: [],
    tokens_source: 'usage',
    reasoning_tokens: null,
    finish_reason: ok ? 'length' : null,
    retries: 0,
    retry_after_s: null,
    litellm_model_id: null,
    litellm_overhead_ms: null,
  }
}

if (process.argv[1]?.endsWith('merge.ts')) {
  const { mkdtempSync, rmSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { renderTable } = await import('../report-table.js')
  const at = process.argv.indexOf('--records')
  const total = at === -1 ? 1_000_000 : Number(process.argv[at + 1])
  const dir = mkdtempSync(join(tmpdir(), 'bench-merge-'))
  try {
    const result = await measureMerge(dir, total, (line) => process.stdout.write(`${line}\n`))
    process.stdout.write(`## ${result.title}\n\n${renderTable(result.rows)}\n`)
    for (const note of result.notes) process.stdout.write(`  note: ${note}\n`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
