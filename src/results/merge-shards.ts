import {
  closeSync,
  createReadStream,
  existsSync,
  mkdirSync,
  openSync,
  write,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { UsageError } from '../errors.js'
import { createSummaryAccumulator } from '../stats/summarize.js'
import type { RequestRecord, RunPlan, Summary } from '../types.js'
import { isRecordLike, normalizeRecord } from './read-raw-records.js'
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
      const report = await mergeShardFile(shardRaw, offsetMs, (line, record) => {
        sink.write(line)
        accumulator.add(record)
      })
      entry.records = report.records
      entry.skippedLines = report.skipped
      if (report.skipped > 0) {
        warnings.push(`shard ${entry.index}: ${report.skipped} torn or invalid lines skipped in ${shardRaw}`)
      }
    }
  } finally {
    await sink.close()
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

/**
 * Reads one shard's raw file as `summarize` does (same parsing and normalizing, torn lines
 * skipped) and hands on each record moved onto the shared timeline, with its line as it
 * goes into the merged file: the shard's own line with the three times moved, not the
 * record serialized again (that would cost a merge as much as reading again).
 */
async function mergeShardFile(
  path: string,
  offsetMs: number,
  onRecord: (line: string, record: RequestRecord) => void,
): Promise<{ records: number; skipped: number }> {
  const counts = { records: 0, skipped: 0 }
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY })
  for await (const line of lines) {
    if (line.trim() === '') continue
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch {
      counts.skipped++
      continue
    }
    if (!isRecordLike(value)) {
      counts.skipped++
      continue
    }
    const record = moveRecord(normalizeRecord(value), offsetMs)
    counts.records++
    onRecord(offsetMs === 0 ? line : (movedLine(line, value, offsetMs) ?? JSON.stringify(record)), record)
  }
  return counts
}

const MOVED_FIELDS = ['scheduled_at_ms', 'sent_at_ms', 'ended_at_ms'] as const

/**
 * The line with its times moved by offsetMs, or null when it does not hold all three as
 * JSON.stringify wrote them (a hand-edited or older file: it is then serialized again),
 * in that order. A parsed number prints back to the same text (String and JSON.stringify
 * agree on finite numbers), so `"sent_at_ms":12.5` is found exactly.
 */
function movedLine(line: string, value: Partial<RequestRecord>, offsetMs: number): string | null {
  // The fields are found in the order a run writes them, each search starting where the
  // last one ended; the line is rebuilt once from the pieces between them.
  const pieces: string[] = []
  let from = 0
  for (const field of MOVED_FIELDS) {
    const at = value[field]
    if (at === null && field === 'scheduled_at_ms') continue
    if (typeof at !== 'number') return null
    const key = `"${field}":`
    const written = String(at)
    const index = line.indexOf(key + written, from)
    if (index === -1) return null
    const valueAt = index + key.length
    pieces.push(line.slice(from, valueAt), String(at + offsetMs))
    from = valueAt + written.length
  }
  pieces.push(line.slice(from))
  return pieces.join('')
}

/** The record is the reader's own fresh object: moved in place, not copied (a million copies). */
function moveRecord(record: RequestRecord, offsetMs: number): RequestRecord {
  if (offsetMs === 0) return record
  if (record.scheduled_at_ms !== null) record.scheduled_at_ms += offsetMs
  record.sent_at_ms += offsetMs
  record.ended_at_ms += offsetMs
  return record
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

/** Batches of the merged raw file waiting for the disk: beyond this, writing blocks (bounds memory). */
const MAX_PENDING_BYTES = 32 << 20

/**
 * The merged raw file, written in 4 MiB batches handed to the thread pool, so the disk
 * works while this thread parses the next records (a merge writes as many bytes as it
 * reads). Up to MAX_PENDING_BYTES may wait; past that a batch is written synchronously,
 * which holds the reader back. Positional writes keep the order whichever lands first.
 * No fsync per record or at the end: unlike a live run, a merge can be redone from the
 * shards.
 */
function openBatchedSink(path: string): { write(line: string): void; close(): Promise<void> } {
  const fd = openSync(path, 'wx')
  // Lines are encoded straight into a 4 MiB buffer (no joined string, no second copy).
  const size = 4 << 20
  let current = Buffer.allocUnsafe(size)
  let used = 0
  let position = 0
  let pendingBytes = 0
  let failure: Error | null = null
  const pending = new Set<Promise<void>>()
  const hand = (buffer: Buffer) => {
    const at = position
    position += buffer.length
    if (pendingBytes + buffer.length > MAX_PENDING_BYTES) {
      writeAllSync(fd, buffer, at)
      return
    }
    pendingBytes += buffer.length
    const done = writeAll(fd, buffer, at)
      .catch((error: Error) => {
        failure ??= error
      })
      .finally(() => {
        pendingBytes -= buffer.length
        pending.delete(done)
      })
    pending.add(done)
  }
  const flush = () => {
    if (used === 0) return
    hand(current.subarray(0, used))
    current = Buffer.allocUnsafe(size)
    used = 0
  }
  return {
    write(line) {
      // A UTF-8 character takes at most 3 bytes per UTF-16 unit.
      const most = line.length * 3 + 1
      if (most > size) {
        flush()
        hand(Buffer.from(`${line}\n`))
        return
      }
      if (used + most > size) flush()
      used += current.write(line, used)
      current[used++] = 0x0a
    },
    async close() {
      flush()
      await Promise.all(pending)
      closeSync(fd)
      if (failure !== null) throw failure
    },
  }
}

async function writeAll(fd: number, buffer: Buffer, position: number): Promise<void> {
  let offset = 0
  while (offset < buffer.length) {
    const { bytesWritten } = await new Promise<{ bytesWritten: number }>((resolve, reject) =>
      write(fd, buffer, offset, buffer.length - offset, position + offset, (error, bytesWritten) =>
        error === null ? resolve({ bytesWritten }) : reject(error),
      ),
    )
    offset += bytesWritten
  }
}

function writeAllSync(fd: number, buffer: Buffer, position: number): void {
  let offset = 0
  while (offset < buffer.length) {
    offset += writeSync(fd, buffer, offset, buffer.length - offset, position + offset)
  }
}
