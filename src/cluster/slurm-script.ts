import { join } from 'node:path'
import { UsageError } from '../errors.js'
import { type ShardRun, shardRunArgv } from './shard-command.js'
import { quoteShellCommand } from './shell-quote.js'

export interface SbatchOptions {
  run: ShardRun
  partition?: string
  /** Extra sbatch options, each one `--name=value` (or `--flag`); written as #SBATCH lines. */
  sbatchArgs?: readonly string[]
  /** Where Slurm writes each task's stdout/stderr (default: <outputDir>/cluster). */
  logDir?: string
  /** The tasks' working directory (#SBATCH --chdir): relative paths in the run flags resolve here. */
  workDir?: string
  /** Replaces the run-bench command (the Slurm harness test runs a plain shell command). */
  command?: string
}

/**
 * A job-array script: task i of `--array=0-(N-1)` runs shard i/N. Everything a shard needs
 * is in the script itself (kept beside the results for audit), so `sbatch script` alone
 * reproduces the submission.
 */
export function renderSbatchScript(options: SbatchOptions): string {
  const { run } = options
  const logDir = options.logDir ?? join(run.outputDir, 'cluster')
  const lines = [
    '#!/bin/bash',
    `# run-bench shard array for run ${run.runId}: ${run.shards} shards from a shared start at ${new Date(run.startAtEpochMs).toISOString()}.`,
    '# Task i runs shard i of the one global plan (requests k with k mod N = i).',
    `#SBATCH --job-name=${sbatchValue(`run-bench-${run.runId}`)}`,
    `#SBATCH --array=0-${run.shards - 1}`,
    '#SBATCH --ntasks=1',
    `#SBATCH --output=${sbatchValue(join(logDir, `${run.runId}.shard-%a.out`))}`,
    `#SBATCH --error=${sbatchValue(join(logDir, `${run.runId}.shard-%a.err`))}`,
  ]
  if (options.workDir !== undefined) lines.push(`#SBATCH --chdir=${sbatchValue(options.workDir)}`)
  if (options.partition !== undefined) lines.push(`#SBATCH --partition=${sbatchValue(options.partition)}`)
  for (const arg of options.sbatchArgs ?? []) {
    if (!arg.startsWith('-') || /[\r\n]/.test(arg)) {
      throw new UsageError(`--sbatch-arg "${arg}" is not one sbatch option`, {
        hint: 'give each option whole, e.g. --sbatch-arg=--time=00:30:00 --sbatch-arg=--account=lab',
      })
    }
    lines.push(`#SBATCH ${arg}`)
  }
  // exec: the shard is the task's process, so Slurm's signals (time limit, scancel) reach it.
  const command =
    options.command ??
    `exec ${quoteShellCommand(shardRunArgv(run))} --shard "\${SLURM_ARRAY_TASK_ID}/${run.shards}"`
  lines.push('set -euo pipefail', command, '')
  return lines.join('\n')
}

/** #SBATCH lines are read by sbatch, not a shell: no quoting, so refuse what would break the line. */
function sbatchValue(value: string): string {
  if (/[\s#]/.test(value)) {
    throw new UsageError(`"${value}" cannot go into an #SBATCH line (spaces or #)`, {
      hint: 'use a path and names without spaces',
    })
  }
  return value
}
