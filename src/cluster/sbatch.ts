import { spawn } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { UsageError } from '../errors.js'
import { ClusterError } from './cluster-error.js'

export interface SubmitOptions {
  scriptPath: string
  /** Block until every array task has ended (`sbatch --wait`). */
  wait: boolean
  /** The sbatch program (default `sbatch` on PATH). */
  sbatch?: string
  env?: NodeJS.ProcessEnv
  /** Called once with the job id as soon as sbatch prints it (before --wait returns). */
  onJobId?: (jobId: string) => void
}

export interface Submitted {
  jobId: string
  /** With wait: sbatch's exit code, non-zero when any task failed (the merge says which). */
  exitCode: number
}

/**
 * `sbatch --parsable [--wait] SCRIPT`. sbatch missing → UsageError; sbatch refusing the job
 * (no job id printed) → ClusterError carrying sbatch's own stderr. With --wait a failed task
 * is not an error here: the job ran, and the merge reports the shards it lacks.
 */
export function submitSbatch(options: SubmitOptions): Promise<Submitted> {
  const program = options.sbatch ?? 'sbatch'
  const args = ['--parsable', ...(options.wait ? ['--wait'] : []), options.scriptPath]
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let announced = false
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text
      const jobId = /^(\d+)(;\S+)?\n/m.exec(stdout)?.[1]
      if (jobId !== undefined && !announced) {
        announced = true
        options.onJobId?.(jobId)
      }
    })
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text))
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        reject(
          new UsageError(`${program} not found: Slurm's client tools are not installed on this machine`, {
            hint: `run the submit on a Slurm login node, or submit ${options.scriptPath} there with sbatch`,
            cause: error,
          }),
        )
      } else reject(error)
    })
    child.on('close', (code, signal) => {
      // --parsable prints "jobid" or "jobid;cluster" as the first line, at submission.
      const jobId = /^(\d+)(;\S+)?$/m.exec(stdout.trim())?.[1]
      if (jobId === undefined) {
        const said = stderr.trim() || stdout.trim() || `exit ${code ?? signal}`
        reject(
          new ClusterError(`sbatch refused ${options.scriptPath}: ${said}`, {
            hint: 'fix what Slurm names (partition, account, time limit: --partition, --sbatch-arg) and submit again',
          }),
        )
        return
      }
      resolve({ jobId, exitCode: code ?? 1 })
    })
  })
}

/** What submit leaves beside the script so `slurm collect JOBID` finds the run later. */
export interface SubmissionRecord {
  engine: 'slurm' | 'kubernetes'
  jobId: string | null
  runId: string
  shards: number
  outputDir: string
  script: string
  submittedAt: string
}

export function writeSubmissionRecord(clusterDir: string, record: SubmissionRecord): string {
  mkdirSync(clusterDir, { recursive: true })
  const path = join(clusterDir, `${record.runId}.submission.json`)
  writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`)
  return path
}

/** The submission of a Slurm job id, from the records in <outputDir>/cluster. */
export function findSubmission(clusterDir: string, jobId: string): SubmissionRecord {
  let names: string[] = []
  try {
    names = readdirSync(clusterDir).filter((name) => name.endsWith('.submission.json'))
  } catch {
    // A missing folder is reported below like a folder without the job.
  }
  for (const name of names) {
    const record = JSON.parse(readFileSync(join(clusterDir, name), 'utf8')) as SubmissionRecord
    if (record.jobId === jobId) return record
  }
  throw new UsageError(`No submission of Slurm job ${jobId} in ${clusterDir}`, {
    hint: 'give the --output-dir the job was submitted with, or collect by folder: run-bench slurm collect DIR',
  })
}
