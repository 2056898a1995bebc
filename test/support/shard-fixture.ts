// Hand-made shard results: a global plan, records with known values, and shard folders as
// a sharded run would leave them (shards/<run>.shard-<i>-of-<N>.jsonl + .meta.json).
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { createShardInfo, type ShardMeta, shardPaths } from '../../src/results/shard-meta.js'
import type { RequestRecord, RunPlan } from '../../src/types.js'

export const START_AT_EPOCH_MS = 1_796_328_000_000

export function fixturePlan(overrides: Partial<RunPlan['workload']> = {}): RunPlan {
  return {
    target: {
      name: 'sim',
      description: '',
      kind: 'openai',
      baseUrl: 'http://127.0.0.1:1/v1',
      headers: {},
      keepalive: true,
    },
    model: { name: 'm', fullName: 'org/m', description: '', source: 'server' },
    workload: {
      name: 'w',
      description: '',
      arrival: 'constant',
      rps: 20,
      requests: 40,
      concurrency: 8,
      maxTokens: 3,
      temperature: 0,
      promptType: 'short',
      api: 'chat',
      ignoreEos: false,
      ...overrides,
    },
    prompts: [{ text: 'hello', category: 'test' }],
    seed: 1,
    timeouts: { connectMs: 2000, firstByteMs: 5000, idleMs: 5000, totalMs: 10_000 },
    outputDir: '',
    graceMs: 2000,
    toolVersion: 'test',
  }
}

/**
 * Request k of the global plan: ttft_ms = k + 1, scheduled every 50 ms, every tenth
 * (k = 9, 19, …) a 503. Offsets are from the shared start.
 */
export function fixtureRecord(k: number): RequestRecord {
  const ok = k % 10 !== 9
  const ttftMs = k + 1
  const e2eMs = ttftMs + 2 * (k % 7) + 4
  return {
    timestamp: START_AT_EPOCH_MS / 1000 + k * 0.05,
    model: 'org/m',
    prompt: `p${k}`,
    ttft: ok ? ttftMs / 1000 : null,
    total_time: ok ? e2eMs / 1000 : null,
    input_tokens: 5 + (k % 3),
    output_tokens: ok ? 3 : 0,
    tokens_per_sec: ok ? 3 / (e2eMs / 1000) : null,
    success: ok,
    request_id: k,
    outcome: ok ? 'ok' : 'http_error',
    http_status: ok ? 200 : 503,
    error: ok ? null : 'HTTP 503: overloaded',
    error_code: ok ? null : 'HTTP_503',
    timeout_kind: null,
    scheduled_at_ms: k * 50,
    sent_at_ms: k * 50 + (k % 4),
    ended_at_ms: k * 50 + (k % 4) + e2eMs,
    queue_ms: k % 4,
    ttfb_ms: ok ? ttftMs - 0.5 : null,
    ttft_ms: ok ? ttftMs : null,
    ttfo_ms: ok ? ttftMs : null,
    e2e_ms: ok ? e2eMs : null,
    tpot_ms: ok ? (e2eMs - ttftMs) / 2 : null,
    latency_from_schedule_ms: (k % 4) + e2eMs,
    itl_ms: ok ? [(e2eMs - ttftMs) / 2, (e2eMs - ttftMs) / 2] : [],
    tokens_source: 'usage',
    reasoning_tokens: null,
    finish_reason: ok ? 'length' : null,
    retries: 0,
    retry_after_s: null,
    litellm_model_id: null,
    litellm_overhead_ms: null,
  }
}

export interface WriteShardOptions {
  dir: string
  runId: string
  index: number
  count: number
  records: RequestRecord[]
  plan?: RunPlan
  skewMs?: number
  complete?: boolean
  hostname?: string
}

/** Writes one shard as a run would: its record offsets count from its own (skewed) start. */
export function writeShard(options: WriteShardOptions): { raw: string; meta: string } {
  const plan = options.plan ?? fixturePlan()
  const skewMs = options.skewMs ?? 0
  const paths = shardPaths(options.dir, options.runId, options.index, options.count)
  mkdirSync(dirname(paths.raw), { recursive: true })
  const local = options.records.map((r) => ({
    ...r,
    scheduled_at_ms: r.scheduled_at_ms === null ? null : r.scheduled_at_ms - skewMs,
    sent_at_ms: r.sent_at_ms - skewMs,
    ended_at_ms: r.ended_at_ms - skewMs,
  }))
  writeFileSync(paths.raw, local.map((r) => `${JSON.stringify(r)}\n`).join(''))
  const meta: ShardMeta = {
    runId: `${options.runId}.shard-${options.index}-of-${options.count}`,
    toolVersion: 'test',
    seed: plan.seed,
    host: {
      hostname: options.hostname ?? `node${options.index}`,
      platform: 'linux',
      nodeVersion: 'v20',
      cpus: 2,
    },
    startedAt: new Date(START_AT_EPOCH_MS + skewMs).toISOString(),
    endedAt: new Date(START_AT_EPOCH_MS + 3000).toISOString(),
    complete: options.complete ?? true,
    incompleteReason: options.complete === false ? 'interrupted by SIGTERM' : null,
    plan,
    capabilities: null,
    clientHealth: null,
    shard: createShardInfo({
      runId: options.runId,
      index: options.index,
      count: options.count,
      plan,
      startAtEpochMs: START_AT_EPOCH_MS,
      startedAtEpochMs: START_AT_EPOCH_MS + skewMs,
      hostname: options.hostname ?? `node${options.index}`,
      concurrencyExceedsCap: false,
    }),
  }
  writeFileSync(paths.meta, `${JSON.stringify(meta, null, 2)}\n`)
  return paths
}

/** Splits records k mod N = i and writes every shard into dir. */
export function writeShards(dir: string, runId: string, count: number, records: RequestRecord[]): void {
  for (let index = 0; index < count; index++) {
    writeShard({ dir, runId, index, count, records: records.filter((_, k) => k % count === index) })
  }
}
