// `run-bench slurm submit|collect` (cluster/slurm-submit.ts does the engine's part).
import { resolve } from 'node:path'
import { collectRun, collectSlurmJob, submitSlurmRun } from '../../cluster/slurm-submit.js'
import { checkRunId } from '../../workload/shard.js'
import {
  checkRunArgs,
  chooseStartAt,
  runArgsAfter,
  shardProgram,
  submittedRunId,
} from '../cluster-run-args.js'
import { EXIT_CHECKS_FAILED, EXIT_OK, type ExitCode } from '../exit-codes.js'
import type { Io } from '../io.js'
import { detectLang } from '../lang.js'
import { finishMergedRun } from '../merged-run.js'
import { wholeNumber } from './merge-action.js'
import type { SlurmSubmitFlags } from './slurm.js'

/** Default lead before the shared start: Slurm usually starts an array's tasks within seconds. */
const DEFAULT_START_IN_SEC = 60

export async function slurmSubmitCommand(
  userArgv: readonly string[],
  flags: SlurmSubmitFlags,
  io: Io,
): Promise<ExitCode> {
  const shards = wholeNumber('--shards', flags.shards, 1)
  const runArgs = runArgsAfter(userArgv, ['slurm', 'submit'])
  const opts = await checkRunArgs(runArgs)
  const startAtEpochMs = chooseStartAt(flags, DEFAULT_START_IN_SEC)
  const runId = checkRunId(flags.runId ?? submittedRunId(opts, startAtEpochMs))
  const outputDir = resolve(io.cwd, flags.outputDir ?? 'results')
  const submitted = await submitSlurmRun({
    run: { program: shardProgram(flags.program, io.cwd), runArgs, runId, shards, startAtEpochMs, outputDir },
    workDir: io.cwd,
    ...(flags.partition === undefined ? {} : { partition: flags.partition }),
    sbatchArgs: flags.sbatchArg,
    wait: flags.wait === true,
    env: { ...io.env },
    onSubmitted: (jobId) =>
      io.stdout.write(
        `Submitted Slurm job ${jobId}: ${shards} shards of run ${runId}, shared start ${new Date(startAtEpochMs).toISOString()}\n`,
      ),
  })
  io.stdout.write(`Script: ${submitted.scriptPath}\n`)
  if (submitted.merged === null) {
    io.stdout.write(
      `Merge when the job has ended: run-bench slurm collect ${submitted.jobId} --output-dir ${outputDir}\n`,
    )
    return EXIT_OK
  }
  if (submitted.exitCode !== 0)
    io.stderr.write(
      `Warning: sbatch --wait exited ${submitted.exitCode}: a task failed (logs in ${resolve(outputDir, 'cluster')})\n`,
    )
  io.stdout.write('\n')
  const exitCode = finishMergedRun(submitted.merged, outputDir, io, detectLang(io.env))
  return submitted.exitCode !== 0 ? EXIT_CHECKS_FAILED : exitCode
}

export async function slurmCollectCommand(
  jobOrDir: string,
  flags: { outputDir: string },
  io: Io,
): Promise<ExitCode> {
  const byJob = /^\d+$/.test(jobOrDir)
  const outputDir = resolve(io.cwd, byJob ? flags.outputDir : jobOrDir)
  const merged = byJob ? await collectSlurmJob(outputDir, jobOrDir) : await collectRun(outputDir)
  return finishMergedRun(merged, outputDir, io, detectLang(io.env))
}
