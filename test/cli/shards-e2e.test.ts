import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { after, before, describe, test } from 'node:test'
import { main } from '../../src/cli/main.js'
import type { MergedMeta } from '../../src/results/shard-meta.js'
import { startSimServer } from '../../src/sim/server.js'
import { summarize } from '../../src/stats/summarize.js'
import type { Summary } from '../../src/types.js'
import { OPEN_LOOP_LEAD_MS } from '../../src/workload/shard.js'
import { REPO_ROOT, spawnCli } from '../support/cli-process.js'
import { arrivalRatePerSec, type CountingFront, startCountingFront } from '../support/counting-front.js'
import { createFakeIo } from '../support/fake-io.js'
import {
  createShardProject,
  onSharedTimeline,
  PLAN,
  readJsonl,
  readShards,
  runFlags,
} from '../support/shard-project.js'

// N shards run as N processes of the CLI against ONE simulator (behind a front that counts
// what the server side received), from a shared start a few seconds ahead (time for N
// processes to load on a busy 2-core machine).
let sim: Awaited<ReturnType<typeof startSimServer>>
let front: CountingFront
let processStartMs = 0
before(async () => {
  sim = await startSimServer()
  front = await startCountingFront(sim.url)
  const startedMs = performance.now()
  const version = await spawnCli(['run', '--help'], { cwd: REPO_ROOT }).done
  assert.equal(version.code, 0, version.stderr)
  processStartMs = performance.now() - startedMs
})
after(async () => {
  await front.close()
  await sim.close()
})

/**
 * The shared start: after N processes have loaded (timed once in before(), so a busy
 * machine gets more time) and the open loop's lead for its warm-up request.
 */
function startAtFor(shards: number): number {
  const loadMs = Math.max(1500, processStartMs) * (shards + 1)
  return Math.ceil((Date.now() + OPEN_LOOP_LEAD_MS + 1000 + loadMs) / 1000) * 1000
}

/** Arrivals of the plan's own requests (the warm-up request of each shard asks for 4 tokens). */
function planArrivalsMs(fromIndex: number): number[] {
  return front.arrivals
    .slice(fromIndex)
    .filter((arrival) => arrival.maxTokens === PLAN.maxTokens)
    .map((arrival) => arrival.atMs)
}

describe('shards as local processes against one simulator', () => {
  for (const count of [1, 2, 4]) {
    test(`${count} shard(s): the merged summary equals one summary of the same records; count and server-side rate match the plan`, async (t) => {
      const project = createShardProject(front.url)
      t.after(project.remove)
      const runId = `e2e-${count}`
      const startAt = startAtFor(count)
      const firstArrival = front.arrivals.length
      const shards = Array.from({ length: count }, (_, i) =>
        spawnCli(
          [
            'run',
            ...runFlags(project),
            '--shard',
            `${i}/${count}`,
            '--run-id',
            runId,
            '--start-at',
            new Date(startAt).toISOString(),
            '--output-dir',
            project.outputDir,
          ],
          { cwd: project.dir },
        ),
      )
      const results = await Promise.all(shards.map((shard) => shard.done))
      for (const [i, result] of results.entries())
        assert.equal(result.code, 0, `shard ${i}: ${result.stderr}`)

      const io = createFakeIo({ cwd: project.dir })
      assert.equal(await main(['merge', project.outputDir], io), 0, io.err())
      assert.match(io.out(), new RegExp(`Merged run ${runId}: ${count} of ${count} shards, 80 records`))

      // Each shard sent exactly its slice k mod N = i, with global request ids.
      const onDisk = readShards(project.outputDir)
      assert.equal(onDisk.length, count)
      for (const [i, shard] of onDisk.entries()) {
        assert.equal(shard.meta.shard.index, i)
        assert.equal(shard.meta.shard.runId, runId)
        assert.equal(shard.meta.shard.startAtEpochMs, startAt)
        assert.equal(shard.meta.shard.clock.source, 'system')
        assert.ok(shard.meta.shard.skewMs >= 0, `skew ${shard.meta.shard.skewMs}`)
        const ids = shard.records.map((r) => r.request_id).sort((a, b) => a - b)
        assert.deepEqual(
          ids,
          Array.from({ length: 80 / count }, (_, j) => j * count + i),
        )
        // The cap of 80 split over the shards: 80, 40 + 40, 4 × 20.
        assert.equal(shard.meta.plan.workload.concurrency, 80 / count)
      }

      // Exactness: the merged summary is the one-process summary of the union, in full.
      const merged = JSON.parse(
        readFileSync(join(project.outputDir, 'summary', `${runId}.json`), 'utf8'),
      ) as Summary
      const union = onDisk.flatMap(onSharedTimeline)
      const single = summarize(union, {
        runId,
        target: 'front',
        model: 'sim-llama-8b',
        workload: 'sharded',
        startedAt: new Date(startAt).toISOString(),
        offeredRps: PLAN.rps,
        concurrency: PLAN.concurrency,
        clientHealth: null,
      })
      assert.deepEqual(merged, JSON.parse(JSON.stringify(single)))
      assert.equal(merged.requests.total, 80)
      assert.equal(merged.requests.ok, 80)
      // The merged raw file holds exactly that union.
      assert.deepEqual(readJsonl(join(project.outputDir, 'raw', `${runId}.jsonl`)), union)
      const meta = JSON.parse(
        readFileSync(join(project.outputDir, 'raw', `${runId}.meta.json`), 'utf8'),
      ) as MergedMeta
      assert.equal(meta.complete, true)
      assert.equal(meta.plan.workload.concurrency, 80)
      assert.equal(meta.plan.workload.requests, 80)
      assert.deepEqual(
        meta.shards.map((s) => s.records),
        Array.from({ length: count }, () => 80 / count),
      )

      // Server side: 80 plan requests received, at the planned 20 req/s within 1%.
      const arrivals = planArrivalsMs(firstArrival)
      assert.equal(arrivals.length, 80)
      const rate = arrivalRatePerSec(arrivals)
      console.log(
        JSON.stringify({
          skew: onDisk.map((s) => s.meta.shard.skewMs),
          arr: arrivals.map((a) => Math.round(a - (arrivals[0] ?? 0))),
          rec: union.map((r) => [r.request_id, r.scheduled_at_ms, Math.round(r.sent_at_ms)]),
        }),
      )
      assert.ok(Math.abs(rate - PLAN.rps) / PLAN.rps <= 0.01, `server-side rate ${rate.toFixed(3)} req/s`)
    })
  }

  test('a shard that never starts and one stopped mid-run: the merge names them and merges the rest, incomplete', async (t) => {
    const project = createShardProject(front.url)
    t.after(project.remove)
    const runId = 'e2e-broken'
    const startAt = startAtFor(3)
    const shard = (i: number) =>
      spawnCli(
        [
          'run',
          ...runFlags(project),
          '--shard',
          `${i}/4`,
          '--run-id',
          runId,
          '--start-at',
          String(startAt),
          '--output-dir',
          project.outputDir,
        ],
        { cwd: project.dir },
      )
    // Shard 2 is never started; shard 3 is stopped (SIGTERM) once it has sent its first requests.
    const running = [shard(0), shard(1), shard(3)]
    const stopped = running[2]
    const rawOf3 = join(project.outputDir, 'shards', `${runId}.shard-3-of-4.jsonl`)
    const poll = setInterval(() => {
      try {
        if (readFileSync(rawOf3, 'utf8').split('\n').length > 3) {
          stopped?.child.kill('SIGTERM')
          clearInterval(poll)
        }
      } catch {
        // Not written yet.
      }
    }, 20)
    t.after(() => clearInterval(poll))
    const results = await Promise.all(running.map((p) => p.done))
    assert.equal(results[0]?.code, 0, results[0]?.stderr)
    assert.equal(results[1]?.code, 0, results[1]?.stderr)
    assert.equal(results[2]?.code, 143, results[2]?.stderr)

    const io = createFakeIo({ cwd: project.dir })
    assert.equal(await main(['merge', project.outputDir, '--shards', '4'], io), 1)
    assert.match(io.err(), /1 of 4 shards missing \(2\)/)
    assert.match(io.err(), /shard 3 ended early: interrupted by SIGTERM/)
    assert.match(io.out(), /INCOMPLETE: shards missing: 2; shards ended early: 3/)
    const meta = JSON.parse(
      readFileSync(join(project.outputDir, 'raw', `${runId}.meta.json`), 'utf8'),
    ) as MergedMeta
    assert.equal(meta.complete, false)
    assert.deepEqual(meta.missingShards, [2])
    const [r0, r1, r3] = meta.shards
    assert.equal(r0?.records, 20)
    assert.equal(r1?.records, 20)
    assert.ok((r3?.records ?? 0) >= 3 && (r3?.records ?? 0) <= 20, `shard 3 records ${r3?.records}`)
    assert.equal(meta.records, 40 + (r3?.records ?? 0))
  })
})
