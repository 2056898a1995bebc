import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { ClusterError } from '../../src/cluster/cluster-error.js'
import { submitSbatch } from '../../src/cluster/sbatch.js'
import { renderSbatchScript } from '../../src/cluster/slurm-script.js'
import { collectSlurmJob, submitSlurmRun } from '../../src/cluster/slurm-submit.js'
import { UsageError } from '../../src/errors.js'
import { fixtureRecord, START_AT_EPOCH_MS, writeShards } from '../support/shard-fixture.js'
import { type SlurmCluster, slurmUnavailable, startSlurmCluster } from '../support/slurm.js'

const RECORDS = Array.from({ length: 40 }, (_, k) => fixtureRecord(k))
const skip = slurmUnavailable()
if (skip !== null) process.stdout.write(`# ${skip}\n`)

describe('sbatch against a real one-node Slurm cluster', { skip: skip ?? false }, () => {
  let cluster: SlurmCluster
  const dir = mkdtempSync(join(tmpdir(), 'slurm-array-'))
  before(async () => {
    cluster = await startSlurmCluster()
  })
  after(async () => {
    await cluster?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  function script(name: string, partition: string, command: string): string {
    const path = join(dir, name)
    const run = {
      program: ['run-bench'],
      runArgs: [],
      runId: name,
      shards: 4,
      startAtEpochMs: 0,
      outputDir: dir,
    }
    writeFileSync(path, renderSbatchScript({ run, partition, logDir: dir, command }))
    return path
  }

  test('a rendered 4-task array runs every task once and --wait returns when all ended', async () => {
    const path = script(
      'array',
      cluster.partition,
      `echo "task $SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_TASK_COUNT" > ${dir}/task-$SLURM_ARRAY_TASK_ID.txt`,
    )
    const submitted = await submitSbatch({ scriptPath: path, wait: true, env: cluster.env })
    assert.match(submitted.jobId, /^\d+$/)
    assert.equal(submitted.exitCode, 0)
    for (let i = 0; i < 4; i++) {
      assert.equal(readFileSync(join(dir, `task-${i}.txt`), 'utf8'), `task ${i} of 4\n`)
    }
  })

  test('submit --wait merges the shards the array wrote; a failed task is named and the rest merged', async () => {
    // Each task puts its (hand-made) shard files into the shared results folder, as a
    // shard run would; task 2 fails before writing anything.
    const staging = join(dir, 'staging')
    const outputDir = join(dir, 'results')
    writeShards(staging, 'run-s', 4, RECORDS)
    const command =
      `if [ "$SLURM_ARRAY_TASK_ID" = 2 ]; then echo "shard 2 failed" >&2; exit 1; fi; ` +
      `mkdir -p ${outputDir}/shards && cp ${staging}/shards/run-s.shard-$SLURM_ARRAY_TASK_ID-of-4.* ${outputDir}/shards/`
    const run = {
      program: ['run-bench'],
      runArgs: [],
      runId: 'run-s',
      shards: 4,
      startAtEpochMs: START_AT_EPOCH_MS,
      outputDir,
    }
    const submitted = await submitSlurmRun({
      run,
      partition: cluster.partition,
      command,
      wait: true,
      env: cluster.env,
    })
    assert.notEqual(submitted.exitCode, 0)
    assert.ok(existsSync(join(outputDir, 'cluster', 'run-s.sbatch')))
    assert.match(readFileSync(join(outputDir, 'cluster', 'run-s.shard-2.err'), 'utf8'), /shard 2 failed/)
    const merged = submitted.merged
    assert.ok(merged !== null)
    assert.deepEqual(merged.meta.missingShards, [2])
    assert.equal(merged.meta.complete, false)
    assert.equal(merged.meta.records, 30)
    assert.deepEqual(
      merged.meta.shards.map((s) => [s.index, s.records]),
      [
        [0, 10],
        [1, 10],
        [3, 10],
      ],
    )
    // Collect by job id later finds the same run from the submission record.
    rmSync(join(outputDir, 'raw', 'run-s.jsonl'))
    rmSync(join(outputDir, 'raw', 'run-s.meta.json'))
    const collected = await collectSlurmJob(outputDir, submitted.jobId)
    assert.deepEqual(collected.summary, merged.summary)
  })

  test("a job Slurm refuses is an error carrying sbatch's own message", async () => {
    const path = script('refused', 'no-such-partition', 'true')
    await assert.rejects(
      submitSbatch({ scriptPath: path, wait: false, env: cluster.env }),
      (error: unknown) => {
        assert.ok(error instanceof ClusterError)
        assert.match(error.message, /sbatch refused .*refused.*: sbatch: error: .*[Pp]artition/)
        return true
      },
    )
  })
})

test('sbatch missing is a usage error naming it', async () => {
  await assert.rejects(
    submitSbatch({ scriptPath: '/tmp/x.sbatch', wait: false, sbatch: '/nonexistent/sbatch' }),
    (error: unknown) => {
      assert.ok(error instanceof UsageError)
      assert.match(error.message, /\/nonexistent\/sbatch not found/)
      assert.match(error.hint ?? '', /login node/)
      return true
    },
  )
})
