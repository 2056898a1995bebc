// `run` flags of the shards (issue 17): --shard, --shards, --run-id, --start-at. A shard runs
// the one global plan's slice (workload/shard.ts), waits for the shared start, and records
// in its meta the run id, the shard, its host, its start skew and the clock it used.
import { hostname } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { type Command, InvalidArgumentError, type OptionValues } from '@commander-js/extra-typings'
import { UsageError } from '../../errors.js'
import { maskTarget } from '../../http/mask.js'
import { safeNamePart } from '../../results/result-paths.js'
import { writeMeta } from '../../results/run-files.js'
import { createShardInfo, type ShardInfo, type ShardMeta } from '../../results/shard-meta.js'
import type { RunHook, RunHookContext } from '../../run/run-hooks.js'
import type { RunPlan } from '../../types.js'
import {
  checkRunId,
  parseStartAt,
  planStartWait,
  resolveShard,
  type ShardSpec,
  shardWaitUntilEpochMs,
  sliceWorkload,
} from '../../workload/shard.js'
import type { Io } from '../io.js'
import type { RunExtension } from '../run-extension.js'

export type ShardFlags = {
  shard?: string
  shards?: number
  runId?: string
  startAt?: string
}

function shardCount(value: string): number {
  const parsed = Number(value)
  if (!/^\s*\d+\s*$/.test(value) || parsed < 1)
    throw new InvalidArgumentError('Not a shard count (1 or more).')
  return parsed
}

export function addShardOptions<Args extends unknown[], Opts extends OptionValues>(
  command: Command<Args, Opts>,
) {
  return command
    .option('--shard <i/N>', 'run shard i (0-based) of N: requests k of the global schedule with k mod N = i')
    .option(
      '--shards <n>',
      'run one of N shards, its index from JOB_COMPLETION_INDEX (Kubernetes) or SLURM_ARRAY_TASK_ID (Slurm)',
      shardCount,
    )
    .option('--run-id <id>', 'the run id all shards share (names their files; default from --start-at)')
    .option('--start-at <time>', 'shared start of all shards: ISO time with zone, or epoch ms')
}

/** The shard this process runs, checked before anything is sent; null when not sharded. */
export async function shardExtension(flags: ShardFlags, io: Io): Promise<RunExtension | null> {
  const spec = resolveShard({
    ...(flags.shard === undefined ? {} : { shard: flags.shard }),
    ...(flags.shards === undefined ? {} : { shards: flags.shards }),
    env: io.env,
  })
  if (spec === null) {
    if (flags.runId !== undefined || flags.startAt !== undefined) {
      throw new UsageError(
        `${flags.runId === undefined ? '--start-at' : '--run-id'} belongs to a sharded run`,
        {
          hint: 'add --shard i/N (or --shards N under Slurm or Kubernetes)',
        },
      )
    }
    return null
  }
  const startAtEpochMs = flags.startAt === undefined ? null : parseStartAt(flags.startAt)
  // Refused here, before configs are read or the target probed, when already too late.
  if (startAtEpochMs !== null) planStartWait(startAtEpochMs, Date.now())
  if (flags.runId === undefined && startAtEpochMs === null) {
    throw new UsageError(`Shard ${spec.index}/${spec.count} needs the run id all shards share`, {
      hint: 'give every shard the same --run-id ID (or the same --start-at, which names the run)',
    })
  }
  const runIdFlag = flags.runId === undefined ? undefined : checkRunId(flags.runId)
  let global: RunPlan | null = null
  let exceedsCap = false
  return {
    name: 'shards',
    plan(plan) {
      global = plan
      const sliced = sliceWorkload(plan.workload, spec)
      exceedsCap = sliced.exceedsCap
      if (exceedsCap) {
        io.stderr.write(
          `Warning: --concurrency ${plan.workload.concurrency} is below the ${spec.count} shards: each shard keeps 1 slot, so up to ${spec.count} requests are in flight\n`,
        )
      }
      const runId = runIdFlag ?? defaultRunId(plan, startAtEpochMs ?? 0)
      const start =
        startAtEpochMs === null ? 'no shared start' : `shared start ${new Date(startAtEpochMs).toISOString()}`
      io.stdout.write(
        `Shard ${spec.index}/${spec.count} of run ${runId}: requests k with k mod ${spec.count} = ${spec.index} of the global plan, ${start}\n`,
      )
      return { ...plan, workload: sliced.workload, shard: { ...spec, runId, startAtEpochMs } }
    },
    hooks(plan) {
      if (global === null || plan.shard === undefined) return []
      return [shardHook({ global, shard: spec, runId: plan.shard.runId, startAtEpochMs, exceedsCap })]
    },
  }
}

/** bench_<target>_<model>_<workload>_<start, UTC>: the same on every shard of one submission. */
export function defaultRunId(plan: RunPlan, startAtEpochMs: number): string {
  const stamp = new Date(startAtEpochMs).toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15)
  return `bench_${safeNamePart(plan.target.name)}_${safeNamePart(plan.model.name)}_${safeNamePart(plan.workload.name)}_${stamp}Z`
}

interface ShardHookOptions {
  global: RunPlan
  shard: ShardSpec
  runId: string
  startAtEpochMs: number | null
  exceedsCap: boolean
}

/**
 * Waits for the shared start just before the load (refused when already too late, e.g.
 * after a slow probe), then writes the shard block into the meta at once, so a shard killed mid-run still leaves a meta the merge can name. After the
 * load, the block gets the exact start of the shard's clock (after its warm-up request).
 */
function shardHook(options: ShardHookOptions): RunHook {
  let info: ShardInfo | null = null
  const build = (startedAtEpochMs: number) =>
    createShardInfo({
      runId: options.runId,
      index: options.shard.index,
      count: options.shard.count,
      plan: { ...options.global, target: maskTarget(options.global.target) },
      startAtEpochMs: options.startAtEpochMs,
      startedAtEpochMs,
      hostname: hostname(),
      concurrencyExceedsCap: options.exceedsCap,
      globalWorkload: options.global.workload,
    })
  return {
    name: 'shards',
    async beforeLoad(ctx: RunHookContext) {
      if (options.startAtEpochMs !== null) {
        planStartWait(options.startAtEpochMs, Date.now())
        const openLoop = options.global.workload.rps !== undefined
        await waitUntil(shardWaitUntilEpochMs(options.startAtEpochMs, openLoop), ctx.signal)
      }
      info = build(Date.now())
      ;(ctx.meta as ShardMeta).shard = info
      writeMeta(ctx.paths, ctx.meta)
    },
    afterLoad(ctx) {
      ;(ctx.meta as ShardMeta).shard = build(ctx.result.startedAtEpochMs)
    },
  }
}

/**
 * Sleeps until the wall clock reaches epochMs: a timer for all but the last few
 * milliseconds, then short waits, so the start is late by about a millisecond, not by a
 * timer's slack.
 */
async function waitUntil(epochMs: number, signal: AbortSignal): Promise<void> {
  const waitMs = epochMs - Date.now()
  // An interrupt during the wait ends it; the run then records the interrupt as usual.
  if (waitMs > 20) await sleep(waitMs - 10, undefined, { signal }).catch(() => {})
  while (!signal.aborted && Date.now() < epochMs) await sleep(1)
}
