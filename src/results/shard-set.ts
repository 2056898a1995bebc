import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { UsageError } from '../errors.js'
import { isShardMeta, type ShardMeta } from './shard-meta.js'

/** Skew above this between a shard's start and the shared start is warned about. */
export const DEFAULT_MAX_SKEW_MS = 1000

export interface FoundShard {
  meta: ShardMeta
  metaPath: string
  rawPath: string
}

/** The shards of one run found in the given folders, checked against each other. */
export interface ShardSet {
  runId: string
  count: number
  planHash: string
  /** In index order. */
  shards: FoundShard[]
  missing: number[]
  warnings: string[]
}

/**
 * Finds shard metas in each DIR (a results folder, its raw/ folder, or a meta file), groups
 * them by run id and checks them. Refused (UsageError): several runs and no run id chosen,
 * a duplicate or overlapping shard, shards of different plans or counts, an index ≥ N.
 * Reported as warnings and still merged: missing shards (named, with the likely cause) and
 * skew above maxSkewMs.
 */
export function findShardSet(
  dirs: readonly string[],
  options: { runId?: string; expectedShards?: number; maxSkewMs?: number } = {},
): ShardSet {
  const all = dirs.flatMap(findShardMetas)
  const runIds = [...new Set(all.map((found) => found.meta.shard.runId))].sort()
  if (all.length === 0) {
    throw new UsageError(`No shard results in ${dirs.join(', ')}`, {
      hint: 'point at the --output-dir the shards wrote to (it holds shards/<run>.shard-<i>-of-<N>.meta.json)',
    })
  }
  const runId = options.runId ?? runIds[0] ?? ''
  if (options.runId === undefined && runIds.length > 1) {
    throw new UsageError(`${dirs.join(', ')} hold shards of ${runIds.length} runs: ${runIds.join(', ')}`, {
      hint: 'choose one with --run-id',
    })
  }
  const found = all.filter((entry) => entry.meta.shard.runId === runId)
  if (found.length === 0) {
    throw new UsageError(`No shards of run ${runId} in ${dirs.join(', ')}`, {
      hint: `runs found there: ${runIds.join(', ')}`,
    })
  }
  const problems: string[] = []
  const counts = new Set(found.map((entry) => entry.meta.shard.count))
  const hashes = new Set(found.map((entry) => entry.meta.shard.planHash))
  if (counts.size > 1) problems.push(`shard counts differ: ${describeBy(found, (s) => String(s.count))}`)
  if (hashes.size > 1)
    problems.push(`shards come from different plans: ${describeBy(found, (s) => s.planHash)}`)
  const count = options.expectedShards ?? found[0]?.meta.shard.count ?? 1
  const byIndex = new Map<number, FoundShard>()
  for (const entry of found) {
    const { index } = entry.meta.shard
    if (index >= count || index < 0)
      problems.push(`${entry.metaPath}: shard index ${index} is outside 0…${count - 1}`)
    const earlier = byIndex.get(index)
    if (earlier !== undefined) {
      problems.push(
        `shard ${index} appears twice (overlapping shards): ${earlier.metaPath} and ${entry.metaPath}`,
      )
    } else byIndex.set(index, entry)
  }
  if (problems.length > 0) {
    throw new UsageError(`Cannot merge run ${runId}:\n  - ${problems.join('\n  - ')}`, {
      hint: 'merge only the shards of one submission: remove stray copies, or pick the run with --run-id',
    })
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i))
  const shards = [...byIndex.values()].sort((a, b) => a.meta.shard.index - b.meta.shard.index)
  const warnings: string[] = []
  if (missing.length > 0) {
    warnings.push(
      `${missing.length} of ${count} shards missing (${missing.join(', ')}): the merged run is incomplete. ` +
        'A shard that never started or failed before writing leaves no files; ' +
        'when most are missing, the results folder is probably not shared between the nodes',
    )
  }
  const maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS
  for (const { meta } of shards) {
    if (Math.abs(meta.shard.skewMs) > maxSkewMs) {
      warnings.push(
        `shard ${meta.shard.index} on ${meta.shard.clock.hostname} started ${meta.shard.skewMs.toFixed(0)} ms off the shared start (bound ${maxSkewMs} ms)`,
      )
    }
    if (meta.incompleteReason === 'running') {
      warnings.push(
        `shard ${meta.shard.index} on ${meta.shard.clock.hostname} did not finish: its meta still says running (the process was killed, or is still running)`,
      )
    } else if (!meta.complete) {
      warnings.push(`shard ${meta.shard.index} ended early: ${meta.incompleteReason ?? 'unknown reason'}`)
    }
  }
  const hash = shards[0]?.meta.shard.planHash ?? ''
  return { runId, count, planHash: hash, shards, missing, warnings }
}

function describeBy(found: FoundShard[], key: (shard: ShardMeta['shard']) => string): string {
  return found.map((entry) => `shard ${entry.meta.shard.index} → ${key(entry.meta.shard)}`).join(', ')
}

function findShardMetas(dirOrFile: string): FoundShard[] {
  if (!existsSync(dirOrFile)) {
    throw new UsageError(`${dirOrFile} does not exist`, { hint: 'give the folders the shards wrote to' })
  }
  const files = statSync(dirOrFile).isFile()
    ? [dirOrFile]
    : [dirOrFile, join(dirOrFile, 'shards'), join(dirOrFile, 'raw')]
        .filter((dir) => existsSync(dir) && statSync(dir).isDirectory())
        .flatMap((dir) =>
          readdirSync(dir)
            .filter((name) => /\.shard-\d+-of-\d+\.meta\.json$/.test(name))
            .map((name) => join(dir, name)),
        )
  return files.flatMap((metaPath) => {
    let value: unknown
    try {
      value = JSON.parse(readFileSync(metaPath, 'utf8'))
    } catch (error) {
      throw new UsageError(`${metaPath} is not valid JSON (${(error as Error).message})`, {
        hint: 'a shard killed while writing its meta leaves it torn; move the file away to merge the rest',
      })
    }
    if (!isShardMeta(value)) return []
    return [{ meta: value, metaPath, rawPath: metaPath.replace(/\.meta\.json$/, '.jsonl') }]
  })
}
