import assert from 'node:assert/strict'
import { readFileSync, rmSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { after, before, describe, test } from 'node:test'
import { main } from '../../src/cli/main.js'
import type { MergedMeta } from '../../src/results/shard-meta.js'
import { startSimServer } from '../../src/sim/server.js'
import type { Summary } from '../../src/types.js'
import { OPEN_LOOP_LEAD_MS } from '../../src/workload/shard.js'
import { REPO_ROOT, spawnCli } from '../support/cli-process.js'
import { arrivalRatePerSec, type CountingFront, startCountingFront } from '../support/counting-front.js'
import { createFakeIo } from '../support/fake-io.js'
import { createShardProject, PLAN, readShards, runFlags } from '../support/shard-project.js'
import { type SlurmCluster, slurmUnavailable, startSlurmCluster } from '../support/slurm.js'

const skip = slurmUnavailable()
if (skip !== null) process.stdout.write(`# ${skip}\n`)

describe('run-bench slurm submit --shards 4 --wait on a real one-node Slurm cluster', {
  skip: skip ?? false,
}, () => {
  let cluster: SlurmCluster
  let sim: Awaited<ReturnType<typeof startSimServer>>
  let front: CountingFront
  let processStartMs = 0
  before(async () => {
    sim = await startSimServer()
    front = await startCountingFront(sim.url)
    cluster = await startSlurmCluster()
    const startedMs = performance.now()
    const help = await spawnCli(['run', '--help'], { cwd: REPO_ROOT }).done
    assert.equal(help.code, 0, help.stderr)
    processStartMs = performance.now() - startedMs
  })
  after(async () => {
    await cluster?.stop()
    await front?.close()
    await sim?.close()
  })

  test('the array runs 4 shards against the simulator on 127.0.0.1 and the merged run is the plan', async (t) => {
    const project = createShardProject(front.url)
    t.after(project.remove)
    // Time for sbatch, Slurm starting 4 tasks and 4 CLI processes loading, then the lead.
    const startInSec = Math.ceil((OPEN_LOOP_LEAD_MS + 3000 + Math.max(1500, processStartMs) * 5) / 1000)
    const submit = await spawnCli(
      [
        'slurm',
        'submit',
        ...runFlags(project),
        '--shards',
        '4',
        '--wait',
        '--partition',
        cluster.partition,
        '--start-in',
        String(startInSec),
        '--run-id',
        'slurm-e2e',
        '--output-dir',
        project.outputDir,
      ],
      { cwd: project.dir, env: cluster.env },
    ).done
    assert.equal(submit.code, 0, `${submit.stdout}\n${submit.stderr}`)
    const jobId = /Submitted Slurm job (\d+): 4 shards of run slurm-e2e/.exec(submit.stdout)?.[1]
    assert.ok(jobId !== undefined, submit.stdout)
    assert.match(submit.stdout, /Merged run slurm-e2e: 4 of 4 shards, 80 records/)

    // The script is kept beside the results, and is what ran: task i ran shard i/4.
    const script = readFileSync(join(project.outputDir, 'cluster', 'slurm-e2e.sbatch'), 'utf8')
    assert.match(script, /#SBATCH --array=0-3/)
    assert.match(script, /--shard "\$\{SLURM_ARRAY_TASK_ID\}\/4"/)
    const shards = readShards(project.outputDir)
    assert.deepEqual(
      shards.map((s) => [s.meta.shard.index, s.meta.shard.clock.hostname, s.records.length]),
      [0, 1, 2, 3].map((i) => [i, hostname(), 20]),
    )
    const meta = JSON.parse(
      readFileSync(join(project.outputDir, 'raw', 'slurm-e2e.meta.json'), 'utf8'),
    ) as MergedMeta
    assert.equal(meta.complete, true)
    assert.equal(meta.records, 80)
    const summary = JSON.parse(
      readFileSync(join(project.outputDir, 'summary', 'slurm-e2e.json'), 'utf8'),
    ) as Summary
    assert.equal(summary.requests.total, 80)
    assert.equal(summary.requests.ok, 80)

    // What the server saw: the 80 requests of the plan at 20 req/s within 1%.
    const arrivals = front.arrivals.filter((a) => a.maxTokens === PLAN.maxTokens).map((a) => a.atMs)
    assert.equal(arrivals.length, 80)
    const rate = arrivalRatePerSec(arrivals)
    assert.ok(Math.abs(rate - PLAN.rps) / PLAN.rps <= 0.01, `server-side rate ${rate.toFixed(3)} req/s`)

    // Collecting later by job id merges the same run again.
    rmSync(join(project.outputDir, 'raw'), { recursive: true })
    const io = createFakeIo({ cwd: project.dir })
    assert.equal(await main(['slurm', 'collect', jobId, '--output-dir', project.outputDir], io), 0, io.err())
    const again = JSON.parse(
      readFileSync(join(project.outputDir, 'summary', 'slurm-e2e.json'), 'utf8'),
    ) as Summary
    assert.deepEqual(again, summary)
  })
})
