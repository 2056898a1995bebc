import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type MergedRun, mergeShards } from '../results/merge-shards.js'
import { findSubmission, type Submitted, submitSbatch, writeSubmissionRecord } from './sbatch.js'
import { renderSbatchScript, type SbatchOptions } from './slurm-script.js'

export interface SlurmSubmitOptions extends SbatchOptions {
  wait: boolean
  sbatch?: string
  env?: NodeJS.ProcessEnv
  onSubmitted?: (jobId: string) => void
}

export interface SlurmSubmitted extends Submitted {
  scriptPath: string
  /** With wait: the merged run (possibly incomplete; its meta names the missing shards). */
  merged: MergedRun | null
}

/**
 * `slurm submit`: writes the array script to <outputDir>/cluster/<runId>.sbatch (kept for
 * audit), submits it, records the job id beside it, and with wait merges once the array ends.
 */
export async function submitSlurmRun(options: SlurmSubmitOptions): Promise<SlurmSubmitted> {
  const { run } = options
  const clusterDir = join(run.outputDir, 'cluster')
  mkdirSync(clusterDir, { recursive: true })
  const scriptPath = join(clusterDir, `${run.runId}.sbatch`)
  writeFileSync(scriptPath, renderSbatchScript(options), { mode: 0o755 })
  // The record is written as soon as the job id is known, so `slurm collect JOBID` works
  // even when the waiting submitter is interrupted.
  const record = (jobId: string) =>
    writeSubmissionRecord(clusterDir, {
      engine: 'slurm',
      jobId,
      runId: run.runId,
      shards: run.shards,
      outputDir: run.outputDir,
      script: scriptPath,
      submittedAt: new Date().toISOString(),
    })
  const submitted = await submitSbatch({
    scriptPath,
    wait: options.wait,
    ...(options.sbatch === undefined ? {} : { sbatch: options.sbatch }),
    ...(options.env === undefined ? {} : { env: options.env }),
    onJobId: (jobId) => {
      record(jobId)
      options.onSubmitted?.(jobId)
    },
  })
  record(submitted.jobId)
  const merged = options.wait ? await collectRun(run.outputDir, run.runId, run.shards) : null
  return { ...submitted, scriptPath, merged }
}

/**
 * `slurm collect JOBID|DIR` and `k8s collect DIR…`: merge the shards of one run. With a job
 * id, the submission record says the run id and shard count, so shards that left no files
 * (never started, or wrote to a folder this node does not see) are named.
 */
export async function collectRun(
  outputDir: string,
  runId?: string,
  expectedShards?: number,
): Promise<MergedRun> {
  return mergeShards({
    dirs: [outputDir],
    outputDir,
    ...(runId === undefined ? {} : { runId }),
    ...(expectedShards === undefined ? {} : { expectedShards }),
  })
}

export async function collectSlurmJob(outputDir: string, jobId: string): Promise<MergedRun> {
  const submission = findSubmission(join(outputDir, 'cluster'), jobId)
  return collectRun(submission.outputDir, submission.runId, submission.shards)
}
