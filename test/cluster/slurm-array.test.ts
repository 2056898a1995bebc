import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { ClusterError } from '../../src/cluster/cluster-error.js'
import { submitSbatch } from '../../src/cluster/sbatch.js'
import { renderSbatchScript } from '../../src/cluster/slurm-script.js'
import { UsageError } from '../../src/errors.js'
import { type SlurmCluster, slurmUnavailable, startSlurmCluster } from '../support/slurm.js'

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
