import { createHash } from 'node:crypto'
import type { RunMeta, RunShards, Workload } from '../types.js'
import { shardResultPaths, shardFileStem as stemOf } from './result-paths.js'

/**
 * What a shard adds to its run's `*.meta.json` (key `shard`). Record times in a shard's raw
 * file are performance.now() offsets from that shard's own start, so the merge needs when
 * that start was on the wall clock to put all shards on one timeline.
 */
export interface ShardInfo {
  /** The run id every shard of one plan shares (not the per-file id). */
  runId: string
  index: number
  count: number
  /** planHash of the global (unsliced) plan: shards of different plans must not merge. */
  planHash: string
  /** The shared start (epoch ms), or null when shards started on their own. */
  startAtEpochMs: number | null
  /** Date.now() when this shard's clock started (its record offsets count from here). */
  startedAtEpochMs: number
  /**
   * How late this shard was ready to send against the shared start (ms, ≥ 0): its clock
   * start minus the start when later, else 0 (an open-loop shard starts its clock a lead
   * early and waits for the global deadlines); 0 without a shared start.
   */
  skewMs: number
  /** The clock behind startedAtEpochMs: the host's system clock (NTP-disciplined on clusters). */
  clock: { source: 'system'; hostname: string }
  /** True when the concurrency cap was smaller than the shard count (each shard kept 1 slot). */
  concurrencyExceedsCap: boolean
  /**
   * The workload of the global plan (meta.plan holds this shard's slice: its share of the
   * cap, of closed-loop workers and of a request bound); the merged run reports this one.
   */
  globalWorkload?: Workload
}

export type ShardMeta = RunMeta & { shard: ShardInfo }

export interface MergedShardEntry {
  index: number
  raw: string
  meta: string
  hostname: string
  records: number
  skippedLines: number
  skewMs: number
  complete: boolean
}

/**
 * The `*.meta.json` of a merged run: a RunMeta (so `report` and `summarize` read it as one
 * run; its plan is the global plan) plus what the merge found. Its raw file is the union of
 * the shards' records.
 */
export type MergedMeta = RunMeta & {
  merged: true
  planHash: string
  shardCount: number
  missingShards: number[]
  shards: MergedShardEntry[]
  records: number
  /** Offsets in the merged raw file count from this epoch ms (the shared start). */
  originEpochMs: number
  warnings: string[]
  mergedAt: string
}

export function isMergedMeta(value: unknown): value is MergedMeta {
  return typeof value === 'object' && value !== null && (value as { merged?: unknown }).merged === true
}

/** One line on a merged run's shards, for reports: "4 of 4 shards merged (node1, node2)". */
export function describeShards(meta: MergedMeta): string {
  const hosts = [...new Set(meta.shards.map((shard) => shard.hostname))]
  const found = `${meta.shards.length} of ${meta.shardCount} shards merged`
  const missing = meta.missingShards.length === 0 ? '' : `, missing ${meta.missingShards.join(', ')}`
  const state = meta.complete ? '' : ' (incomplete)'
  return `${found}${missing}${state}; hosts ${hosts.join(', ')}`
}

/** A merged run's shards as the reports show them (per shard: host, records, skew, finished). */
export function runShardsOf(meta: MergedMeta): RunShards {
  return {
    count: meta.shardCount,
    missing: [...meta.missingShards],
    shards: meta.shards.map(({ index, hostname, records, skewMs, complete }) => ({
      index,
      hostname,
      records,
      skewMs,
      complete,
    })),
    warnings: [...meta.warnings],
  }
}

/** One shard's raw file and meta: shards/<runId>.shard-<i>-of-<N>.jsonl and .meta.json. */
export function shardFileStem(runId: string, index: number, count: number): string {
  return stemOf({ runId, index, count })
}

export function shardPaths(
  outputDir: string,
  runId: string,
  index: number,
  count: number,
): { raw: string; meta: string } {
  const paths = shardResultPaths(outputDir, { runId, index, count })
  return { raw: paths.raw, meta: paths.meta }
}

/**
 * A stable hash of the global plan: JSON with sorted keys, so key order and the machine
 * that wrote it do not matter. Pass the masked plan without per-process fields (output
 * folder, resolved sim URL): what the load is, not where it was written.
 */
export function planHash(plan: unknown): string {
  return createHash('sha256').update(canonicalJson(plan)).digest('hex').slice(0, 16)
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

export function isShardMeta(value: unknown): value is ShardMeta {
  if (typeof value !== 'object' || value === null || !('shard' in value)) return false
  const shard = (value as { shard: unknown }).shard
  return (
    typeof shard === 'object' &&
    shard !== null &&
    typeof (shard as ShardInfo).runId === 'string' &&
    typeof (shard as ShardInfo).index === 'number' &&
    typeof (shard as ShardInfo).count === 'number'
  )
}

/**
 * The `shard` block of a shard's meta, built when its clock starts. `plan` is the global
 * plan as masked for the meta; outputDir and the simulator's resolved URL are per process,
 * so they are left out of the hash.
 */
export function createShardInfo(options: {
  runId: string
  index: number
  count: number
  plan: RunMeta['plan']
  startAtEpochMs: number | null
  startedAtEpochMs: number
  hostname: string
  concurrencyExceedsCap: boolean
  globalWorkload?: Workload
}): ShardInfo {
  const { plan } = options
  const target = plan.target.kind === 'sim' ? { ...plan.target, baseUrl: '' } : plan.target
  return {
    runId: options.runId,
    index: options.index,
    count: options.count,
    planHash: planHash({ ...plan, target, outputDir: '', shard: undefined }),
    startAtEpochMs: options.startAtEpochMs,
    startedAtEpochMs: options.startedAtEpochMs,
    skewMs:
      options.startAtEpochMs === null ? 0 : Math.max(0, options.startedAtEpochMs - options.startAtEpochMs),
    clock: { source: 'system', hostname: options.hostname },
    concurrencyExceedsCap: options.concurrencyExceedsCap,
    ...(options.globalWorkload === undefined ? {} : { globalWorkload: options.globalWorkload }),
  }
}
