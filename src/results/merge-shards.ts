import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { UsageError } from '../errors.js'
import { createSummaryAccumulator } from '../stats/summarize.js'
import type { RequestRecord, RunPlan, Summary } from '../types.js'
import { readRawRecords } from './read-raw-records.js'
import type { MergedMeta, MergedShardEntry, ShardMeta } from './shard-meta.js'
import { findShardSet, type ShardSet } from './shard-set.js'

export interface MergeOptions {
  /** Folders holding the shards' raw/ files (one shared folder, or one per node). */
  dirs: readonly string[]
  /** Where the merged raw/<runId>.jsonl and .meta.json go. */
  outputDir: string
  runId?: string
  /** The shard count the submitter asked for; missing shards are named against it. */
  expectedShards?: number
  maxSkewMs?: number
}

export interface MergedRun {
  set: ShardSet
  meta: MergedMeta
  summary: Summary
  rawPath: string
  metaPath: string
}

/**
 * One run from its shards' raw files: every record is streamed from its shard file into one
 * merged raw file and one summary accumulator (never all in memory), so the statistics come
 * from the union of the records, never from per-shard summaries. Record times are moved onto
 * one timeline: a shard's offsets count from its own start, which was skewMs after the
 * shared start, so skewMs is added. The merged raw file holds the moved records, so
 * `summarize` of it gives this summary exactly.
 */
export async function mergeShards(options: MergeOptions): Promise<MergedRun> {
  const set = findShardSet(options.dirs, {
    ...(options.runId === undefined ? {} : { runId: options.runId }),
    ...(options.expectedShards === undefined ? {} : { expectedShards: options.expectedShards }),
    ...(options.maxSkewMs === undefined ? {} : { maxSkewMs: options.maxSkewMs }),
  })
  const first = set.shards[0]
  if (first === undefined) throw new Error('findShardSet returned no shards')
  const rawPath = join(options.outputDir, 'raw', `${set.runId}.jsonl`)
  const metaPath = join(options.outputDir, 'raw', `${set.runId}.meta.json`)
  if (existsSync(rawPath)) {
    throw new UsageError(`Run ${set.runId} is already merged: ${rawPath} exists`, {
      hint: 'merge into another --output-dir, or remove the earlier merged files first',
    })
  }
  mkdirSync(dirname(rawPath), { recursive: true })
  const originEpochMs =
    first.meta.shard.startAtEpochMs ?? Math.min(...set.shards.map((s) => s.meta.shard.startedAtEpochMs))
  const sink = openBatchedSink(rawPath)
  const accumulator = createSummaryAccumulator()
  const entries: MergedShardEntry[] = []
  const warnings = [...set.warnings]
  try {
    for (const { meta, metaPath: shardMeta, rawPath: shardRaw } of set.shards) {
      const offsetMs = meta.shard.startedAtEpochMs - originEpochMs
      const entry: MergedShardEntry = {
        index: meta.shard.index,
        raw: shardRaw,
        meta: shardMeta,
        hostname: meta.shard.clock.hostname,
        records: 0,
        skippedLines: 0,
        skewMs: meta.shard.skewMs,
        complete: meta.complete,
      }
      entries.push(entry)
      if (!existsSync(shardRaw)) {
        warnings.push(`shard ${entry.index}: ${shardRaw} is missing (meta without records)`)
        continue
      }
      const report = await readRawRecords(shardRaw, (record) => {
        const moved = moveRecord(record, offsetMs)
        sink.write(moved)
        accumulator.add(moved)
      })
      entry.records = report.records
      entry.skippedLines = report.skipped.length
      if (report.skipped.length > 0) {
        warnings.push(
          `shard ${entry.index}: ${report.skipped.length} torn or invalid lines skipped in ${shardRaw}`,
        )
      }
    }
  } finally {
    sink.close()
  }
  const records = entries.reduce((sum, entry) => sum + entry.records, 0)
  const plan = globalPlanOf(first.meta)
  const complete = set.missing.length === 0 && entries.every((entry) => entry.complete)
  const hosts = [...new Set(set.shards.map((s) => s.meta.host.hostname))]
  const endedAts = set.shards.flatMap((s) => (s.meta.endedAt === null ? [] : [Date.parse(s.meta.endedAt)]))
  const meta: MergedMeta = {
    runId: set.runId,
    toolVersion: first.meta.toolVersion,
    seed: first.meta.seed,
    host: { ...first.meta.host, hostname: hosts.join(',') },
    startedAt: new Date(originEpochMs).toISOString(),
    endedAt: endedAts.length === 0 ? null : new Date(Math.max(...endedAts)).toISOString(),
    complete,
    incompleteReason: complete ? null : incompleteReason(set.missing, entries),
    plan,
    capabilities: first.meta.capabilities,
    // Per-shard client health lives in each shard's meta; no one process saw the whole load.
    clientHealth: null,
    merged: true,
    planHash: set.planHash,
    shardCount: set.count,
    missingShards: set.missing,
    shards: entries,
    records,
    originEpochMs,
    warnings,
    mergedAt: new Date().toISOString(),
  }
  writeFileSync(metaPath, `${JSON.stringify(meta, null, 2)}\n`)
  const summary = accumulator.finish({
    runId: set.runId,
    target: plan.target.name,
    model: plan.model.fullName,
    workload: plan.workload.name,
    startedAt: meta.startedAt,
    offeredRps: plan.workload.rps ?? null,
    concurrency: plan.workload.concurrency,
    clientHealth: null,
  })
  return { set, meta, summary, rawPath, metaPath }
}

function moveRecord(record: RequestRecord, offsetMs: number): RequestRecord {
  if (offsetMs === 0) return record
  return {
    ...record,
    scheduled_at_ms: record.scheduled_at_ms === null ? null : record.scheduled_at_ms + offsetMs,
    sent_at_ms: record.sent_at_ms + offsetMs,
    ended_at_ms: record.ended_at_ms + offsetMs,
  }
}

/** The plan every shard was sliced from: a shard's meta holds its slice and the global workload. */
function globalPlanOf(meta: ShardMeta): RunPlan {
  const { shard: _slice, ...plan } = meta.plan
  return meta.shard.globalWorkload === undefined ? plan : { ...plan, workload: meta.shard.globalWorkload }
}

function incompleteReason(missing: number[], entries: MergedShardEntry[]): string {
  const early = entries.filter((entry) => !entry.complete).map((entry) => entry.index)
  const parts = [
    ...(missing.length === 0 ? [] : [`shards missing: ${missing.join(', ')}`]),
    ...(early.length === 0 ? [] : [`shards ended early: ${early.join(', ')}`]),
  ]
  return parts.join('; ')
}

/**
 * The merged raw file, written in ~1 MiB batches: unlike a live run, which must hand every
 * record to the kernel as it completes, a merge can be redone from the shards, and one
 * write per record would cost a system call per record (a million for 4 × 250,000).
 */
function openBatchedSink(path: string): { write(record: RequestRecord): void; close(): void } {
  const fd = openSync(path, 'wx')
  let batch: string[] = []
  let batchChars = 0
  const flush = () => {
    if (batch.length === 0) return
    writeSync(fd, batch.join(''))
    batch = []
    batchChars = 0
  }
  return {
    write(record) {
      const line = `${JSON.stringify(record)}\n`
      batch.push(line)
      batchChars += line.length
      if (batchChars >= 1 << 20) flush()
    },
    close() {
      flush()
      fsyncSync(fd)
      closeSync(fd)
    },
  }
}
