import { UsageError } from '../errors.js'

/** Shard `index` of `count`: sends requests k of the global schedule with k mod count = index. */
export interface ShardSpec {
  index: number
  count: number
}

/** Environment variables an engine uses to hand a task its index, in the order they are read. */
export const SHARD_INDEX_ENV = ['JOB_COMPLETION_INDEX', 'SLURM_ARRAY_TASK_ID'] as const

/**
 * A start time in the past by at most this much is accepted (the shard starts at once and
 * records the lateness as skew): a shard whose container took a second longer to pull is
 * late, not wrong. Beyond it the shared start was missed and the shards would not overlap.
 */
export const START_AT_TOLERANCE_MS = 2000

/** Parses `--shard i/N` (0-based index). */
export function parseShard(text: string, source = '--shard'): ShardSpec {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  if (match === null) {
    throw new UsageError(`${source}: "${text}" is not a shard`, {
      hint: 'write the 0-based index and the shard count, e.g. --shard 0/4 … --shard 3/4',
    })
  }
  return checkShard(Number(match[1]), Number(match[2]), source)
}

export function checkShard(index: number, count: number, source: string): ShardSpec {
  if (!Number.isInteger(count) || count < 1) {
    throw new UsageError(`${source}: shard count ${count} must be a whole number of at least 1`, {
      hint: 'use --shard i/N with N ≥ 1 (N = 1 is an unsharded run)',
    })
  }
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new UsageError(`${source}: shard index ${index} is outside 0…${count - 1}`, {
      hint: `shard indexes are 0-based: with ${count} shards use 0 to ${count - 1} (a Slurm array must be --array=0-${count - 1})`,
    })
  }
  return { index, count }
}

/**
 * The shard this process runs: `--shard i/N` when given; else `--shards N` with the index
 * from the engine's environment (Kubernetes Indexed Job: JOB_COMPLETION_INDEX; Slurm job
 * array: SLURM_ARRAY_TASK_ID); null when the run is not sharded. The env is passed in:
 * workload/ never reads process.env.
 */
export function resolveShard(options: {
  shard?: string
  shards?: number
  env: Readonly<Record<string, string | undefined>>
}): ShardSpec | null {
  if (options.shard !== undefined) {
    const spec = parseShard(options.shard)
    if (options.shards !== undefined && options.shards !== spec.count) {
      throw new UsageError(`--shard ${options.shard} disagrees with --shards ${options.shards}`, {
        hint: 'give one of them: --shard i/N, or --shards N with the index from the environment',
      })
    }
    return spec
  }
  if (options.shards === undefined) return null
  for (const name of SHARD_INDEX_ENV) {
    const value = options.env[name]
    if (value === undefined || value === '') continue
    if (!/^\d+$/.test(value.trim())) {
      throw new UsageError(`${name}="${value}" is not a shard index`, {
        hint: 'the engine sets it to a 0-based whole number; run the shard with --shard i/N instead',
      })
    }
    return checkShard(Number(value), options.shards, `--shards ${options.shards} with ${name}`)
  }
  throw new UsageError(`--shards ${options.shards} needs this shard's index`, {
    hint: `pass --shard i/${options.shards}, or run under an engine that sets ${SHARD_INDEX_ENV.join(' or ')}`,
  })
}

/** One request of the global schedule that this shard sends. */
export interface ShardArrival {
  /** k: the request's index in the global schedule (the same on every shard). */
  globalIndex: number
  /** The global deadline, ms from the shared start. */
  scheduledAtMs: number
}

/**
 * Shard i keeps requests k with k mod N = i of the one global schedule, at their global
 * deadlines. Every shard walks the whole schedule (a Poisson schedule is one seeded stream
 * of gaps, so only the full walk gives every shard the same deadlines); walking is cheap
 * next to sending, and lazy, so no schedule is held in memory.
 */
export function* sliceArrivals(global: Iterable<number>, shard: ShardSpec): Generator<ShardArrival> {
  let k = 0
  for (const scheduledAtMs of global) {
    if (k % shard.count === shard.index) yield { globalIndex: k, scheduledAtMs }
    k++
  }
}

/** The share of a whole-number budget (cap, workers, request count) that shard i gets. */
export function shareOf(total: number, shard: ShardSpec): number {
  return Math.floor(total / shard.count) + (shard.index < total % shard.count ? 1 : 0)
}

/**
 * How many requests this process is expected to send, from its plan's expected count. An
 * open-loop shard's plan keeps the global bounds (it walks the whole schedule), so its count
 * is its share of them, the k with k mod N = i; a closed-loop shard's request bound is
 * already its share (sliceWorkload), so it stands.
 */
export function expectedShardRequests(
  planned: number | null,
  openLoop: boolean,
  shard: ShardSpec | undefined,
): number | null {
  if (planned === null || shard === undefined || !openLoop) return planned
  return shareOf(planned, shard)
}

export interface ConcurrencyShare {
  concurrency: number
  /**
   * True when the cap is smaller than the shard count: every shard still needs one slot to
   * send anything, so the shards together allow `count` in flight, more than the cap. The
   * caller prints this; the meta keeps it.
   */
  exceedsCap: boolean
}

/**
 * Open loop: the cap split so the shares sum to the cap (floor(c/N), the first c mod N
 * shards one more), at least 1 per shard.
 */
export function openLoopConcurrency(cap: number, shard: ShardSpec): ConcurrencyShare {
  const share = shareOf(cap, shard)
  return { concurrency: Math.max(1, share), exceedsCap: cap < shard.count }
}

/**
 * Closed loop: the `workers` are split like the cap, so the N shards together run exactly
 * the workers one process would. A request bound is split the same way (the shares sum to
 * it). Fewer workers than shards is refused: a shard with no worker sends nothing, and
 * giving it one would change the load the plan describes.
 */
export function closedLoopShare(
  workers: number,
  maxRequests: number | undefined,
  shard: ShardSpec,
): { workers: number; maxRequests?: number } {
  if (workers < shard.count) {
    throw new UsageError(`A closed loop of ${workers} workers cannot be split over ${shard.count} shards`, {
      hint: `use at most ${workers} shards, or raise --concurrency to at least ${shard.count}`,
    })
  }
  const share = { workers: shareOf(workers, shard) }
  return maxRequests === undefined ? share : { ...share, maxRequests: shareOf(maxRequests, shard) }
}

/** `--start-at`: an ISO 8601 time with a zone, or epoch milliseconds. */
export function parseStartAt(text: string): number {
  const trimmed = text.trim()
  const epochMs = /^\d{10,}$/.test(trimmed) ? Number(trimmed) : Date.parse(trimmed)
  const hasZone = /^\d+$/.test(trimmed) || /(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed)
  if (!Number.isFinite(epochMs) || !hasZone) {
    throw new UsageError(`--start-at: "${text}" is not a start time`, {
      hint: 'give an ISO time with its zone (2026-12-03T20:00:00Z) or epoch milliseconds (1796328000000)',
    })
  }
  return epochMs
}

export interface StartWait {
  /** How long to sleep before the run starts (0 when the start time has just passed). */
  waitMs: number
  /** How late the start already is (0 when in the future); the shard's skew floor. */
  lateByMs: number
}

/**
 * The wait before a shared start. A start up to `toleranceMs` in the past starts at once and
 * counts as skew; further in the past is an error (the other shards already run).
 */
export function planStartWait(
  startAtEpochMs: number,
  nowEpochMs: number,
  toleranceMs = START_AT_TOLERANCE_MS,
): StartWait {
  const aheadMs = startAtEpochMs - nowEpochMs
  if (aheadMs >= 0) return { waitMs: aheadMs, lateByMs: 0 }
  if (-aheadMs <= toleranceMs) return { waitMs: 0, lateByMs: -aheadMs }
  throw new UsageError(
    `--start-at ${new Date(startAtEpochMs).toISOString()} is ${(-aheadMs / 1000).toFixed(1)} s in the past`,
    {
      hint: `a shard may start at most ${toleranceMs / 1000} s late; submit again with a later --start-at (the submit command picks one for you)`,
    },
  )
}

/**
 * An open-loop shard starts its clock this long before the shared start: the warm-up
 * request and the first connection happen in that lead, and the executor then waits for
 * the global deadlines (shardClockShiftMs), so a slow warm-up on a busy node does not make
 * the shard late. A closed loop has no deadlines to wait for and starts at the start time.
 */
export const OPEN_LOOP_LEAD_MS = 5000

/** When a shard's hook stops waiting: the lead before the shared start for an open loop. */
export function shardWaitUntilEpochMs(startAtEpochMs: number, openLoop: boolean): number {
  return openLoop ? startAtEpochMs - OPEN_LOOP_LEAD_MS : startAtEpochMs
}

/** Start-time skew of a shard: when it actually started against the shared plan (ms, + = late). */
export function startSkewMs(startAtEpochMs: number, startedAtEpochMs: number): number {
  return startedAtEpochMs - startAtEpochMs
}

/** Shard i of N's walk of the global schedule, and how many global requests it passed. */
export interface ShardSchedule {
  /** One pass only: the open loop and its backlog drain share it. */
  arrivals: IterableIterator<ShardArrival>
  /** Requests of the global schedule walked so far, every shard's (the count bound is global). */
  walked(): number
}

/** The open loop's schedule: the whole one without a shard, its slice with one. */
export function sliceSchedule(global: Iterable<number>, shard: ShardSpec | undefined): ShardSchedule {
  let walked = 0
  const counted = (function* () {
    for (const scheduledAtMs of global) {
      walked++
      yield scheduledAtMs
    }
  })()
  return { arrivals: sliceArrivals(counted, shard ?? { index: 0, count: 1 }), walked: () => walked }
}

/**
 * How far this shard's clock started after the shared start (ms). The open loop subtracts
 * it from every deadline, so a shard whose clock started late (it waited for its warm-up
 * request) still sends at the global deadlines, and records them on its own clock.
 */
export function shardClockShiftMs(
  shard: { startAtEpochMs: number | null } | undefined,
  runStartEpochMs: number,
): number {
  if (shard === undefined || shard.startAtEpochMs === null) return 0
  return runStartEpochMs - shard.startAtEpochMs
}

/** Closed loop: worker request j of shard i gets the global id j·N + i, disjoint across shards. */
export function globalRequestId(localId: number, shard: ShardSpec | undefined): number {
  return shard === undefined ? localId : localId * shard.count + shard.index
}

/** A run id every shard can share: letters, digits, '.', '_' and '-' (it names files and a Job). */
export function checkRunId(runId: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/.test(runId)) {
    throw new UsageError(`--run-id "${runId}" cannot name result files`, {
      hint: 'use letters, digits, ".", "_" and "-" (up to 200), starting with a letter or digit',
    })
  }
  return runId
}

/**
 * The slice of a workload that shard i runs: open loop, its share of the concurrency cap
 * (the schedule itself is sliced by the executor); closed loop, its share of the workers
 * and of a request bound.
 */
export function sliceWorkload<W extends { rps?: number; concurrency: number; requests?: number }>(
  workload: W,
  shard: ShardSpec,
): { workload: W; exceedsCap: boolean } {
  if (workload.rps !== undefined) {
    const share = openLoopConcurrency(workload.concurrency, shard)
    return { workload: { ...workload, concurrency: share.concurrency }, exceedsCap: share.exceedsCap }
  }
  const share = closedLoopShare(workload.concurrency, workload.requests, shard)
  const sliced = { ...workload, concurrency: share.workers }
  if (share.maxRequests !== undefined) sliced.requests = share.maxRequests
  return { workload: sliced, exceedsCap: false }
}
