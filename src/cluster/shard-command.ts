import { UsageError } from '../errors.js'

/** What every shard of one submission runs, before the engine adds its index. */
export interface ShardRun {
  /** How to call the tool on the nodes, e.g. ['run-bench'] or ['node', '/app/dist/cli/bin.js']. */
  program: readonly string[]
  /** The user's run flags (target, model, workload, config files…), passed through unchanged. */
  runArgs: readonly string[]
  runId: string
  shards: number
  startAtEpochMs: number
  /** A results folder every shard can write to (shared filesystem or volume). */
  outputDir: string
}

/** Flags the submitter owns; a user value for them would fight the shard's own. */
const OWNED_FLAGS = ['--shard', '--shards', '--run-id', '--start-at', '--output-dir'] as const

/**
 * The run-bench argv every shard runs, without the shard index: `run <flags> --run-id ID
 * --start-at ISO --output-dir DIR`. The engine-specific part (`--shard $SLURM_ARRAY_TASK_ID/N`
 * or `--shards N` read with JOB_COMPLETION_INDEX) is added by the renderer.
 */
export function shardRunArgv(run: ShardRun): string[] {
  const owned = run.runArgs.filter((arg) =>
    OWNED_FLAGS.some((flag) => arg === flag || arg.startsWith(`${flag}=`)),
  )
  if (owned.length > 0) {
    throw new UsageError(`${owned.join(', ')} cannot be given to a cluster submission`, {
      hint: "the submitter sets each shard's --shard, --run-id and --start-at; give the results folder with the submit command's --output-dir",
    })
  }
  if (!Number.isInteger(run.shards) || run.shards < 1) {
    throw new UsageError(`--shards ${run.shards} must be a whole number of at least 1`)
  }
  return [
    ...run.program,
    'run',
    ...run.runArgs,
    '--run-id',
    run.runId,
    '--start-at',
    new Date(run.startAtEpochMs).toISOString(),
    '--output-dir',
    run.outputDir,
  ]
}
