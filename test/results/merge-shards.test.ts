import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { UsageError } from '../../src/errors.js'
import { mergeShards } from '../../src/results/merge-shards.js'
import { readRawRecords } from '../../src/results/read-raw-records.js'
import { createShardInfo } from '../../src/results/shard-meta.js'
import { createSummaryAccumulator, type SummaryInfo, summarize } from '../../src/stats/summarize.js'
import type { RequestRecord } from '../../src/types.js'
import {
  fixturePlan,
  fixtureRecord,
  START_AT_EPOCH_MS,
  writeShard,
  writeShards,
} from '../support/shard-fixture.js'

const root = mkdtempSync(join(tmpdir(), 'merge-shards-'))
after(() => rmSync(root, { recursive: true, force: true }))
let folders = 0
const freshDir = () => join(root, `d${folders++}`)

const RECORDS: RequestRecord[] = Array.from({ length: 40 }, (_, k) => fixtureRecord(k))

function oneProcessInfo(runId: string): SummaryInfo {
  return {
    runId,
    target: 'sim',
    model: 'org/m',
    workload: 'w',
    startedAt: new Date(START_AT_EPOCH_MS).toISOString(),
    offeredRps: 20,
    concurrency: 8,
    clientHealth: null,
  }
}

async function summarizeFile(path: string, runId: string) {
  const accumulator = createSummaryAccumulator()
  await readRawRecords(path, (record) => accumulator.add(record))
  return accumulator.finish(oneProcessInfo(runId))
}

describe('mergeShards', () => {
  for (const count of [1, 2, 4]) {
    test(`${count} shard(s) merge to the one-process summary, percentile for percentile`, async () => {
      const dir = freshDir()
      writeShards(dir, 'run-a', count, RECORDS)
      const merged = await mergeShards({ dirs: [dir], outputDir: join(dir, 'merged') })
      assert.deepEqual(merged.summary, summarize(RECORDS, oneProcessInfo('run-a')))
      // Hand-computed: 36 ok ttfts 1…40 without 10, 20, 30, 40; the 18th and 19th are 19 and 21.
      assert.equal(merged.summary.requests.total, 40)
      assert.equal(merged.summary.requests.ok, 36)
      assert.equal(merged.summary.requests.failed, 4)
      assert.equal(merged.summary.ttftMs?.p50, 20)
      assert.equal(merged.summary.ttftMs?.min, 1)
      assert.equal(merged.summary.ttftMs?.max, 39)
      assert.deepEqual(
        merged.meta.shards.map((s) => s.records),
        Array.from({ length: count }, (_, i) => Math.ceil((40 - i) / count)),
      )
      assert.equal(merged.meta.complete, true)
      assert.equal(merged.meta.merged, true)
      // The merged raw file is the union: summarizing it gives the same summary again.
      assert.deepEqual(await summarizeFile(merged.rawPath, 'run-a'), merged.summary)
      assert.equal(readFileSync(merged.rawPath, 'utf8').trim().split('\n').length, 40)
    })
  }

  test('a shard that never started is reported; the others merge, marked incomplete', async () => {
    const dir = freshDir()
    for (const index of [0, 2, 3]) {
      writeShard({ dir, runId: 'run-b', index, count: 4, records: RECORDS.filter((_, k) => k % 4 === index) })
    }
    const merged = await mergeShards({ dirs: [dir], outputDir: dir })
    assert.deepEqual(merged.meta.missingShards, [1])
    assert.equal(merged.meta.complete, false)
    assert.equal(merged.meta.records, 30)
    assert.match(merged.meta.warnings[0] ?? '', /1 of 4 shards missing \(1\)/)
    const kept = RECORDS.filter((_, k) => k % 4 !== 1)
    assert.deepEqual(merged.summary, summarize(kept, oneProcessInfo('run-b')))
    const onDisk = JSON.parse(readFileSync(merged.metaPath, 'utf8'))
    assert.deepEqual(onDisk.missingShards, [1])
  })

  test('a shard that failed part-way is merged and the run marked incomplete', async () => {
    const dir = freshDir()
    writeShard({ dir, runId: 'run-f', index: 0, count: 2, records: RECORDS.filter((_, k) => k % 2 === 0) })
    writeShard({
      dir,
      runId: 'run-f',
      index: 1,
      count: 2,
      records: RECORDS.slice(0, 4).filter((_, k) => k % 2 === 1),
      complete: false,
    })
    const merged = await mergeShards({ dirs: [dir], outputDir: dir })
    assert.equal(merged.meta.complete, false)
    assert.equal(merged.meta.records, 22)
    assert.ok(merged.meta.warnings.some((w) => /shard 1 ended early: interrupted by SIGTERM/.test(w)))
  })

  test('a results folder not shared between nodes: fewer shards than submitted, named', async () => {
    const dir = freshDir()
    writeShard({ dir, runId: 'run-c', index: 0, count: 4, records: RECORDS.filter((_, k) => k % 4 === 0) })
    const merged = await mergeShards({ dirs: [dir], outputDir: dir, expectedShards: 4 })
    assert.deepEqual(merged.meta.missingShards, [1, 2, 3])
    assert.match(
      merged.meta.warnings[0] ?? '',
      /3 of 4 shards missing \(1, 2, 3\).*not shared between the nodes/,
    )
  })

  test('shards in separate folders (one per node) merge like one folder', async () => {
    const a = freshDir()
    const b = freshDir()
    writeShard({ dir: a, runId: 'run-d', index: 0, count: 2, records: RECORDS.filter((_, k) => k % 2 === 0) })
    writeShard({ dir: b, runId: 'run-d', index: 1, count: 2, records: RECORDS.filter((_, k) => k % 2 === 1) })
    const merged = await mergeShards({ dirs: [a, b], outputDir: freshDir() })
    assert.deepEqual(merged.summary, summarize(RECORDS, oneProcessInfo('run-d')))
  })

  test('skew: times move onto the shared timeline, and skew above the bound is warned', async () => {
    const dir = freshDir()
    writeShard({ dir, runId: 'run-e', index: 0, count: 2, records: RECORDS.filter((_, k) => k % 2 === 0) })
    writeShard({
      dir,
      runId: 'run-e',
      index: 1,
      count: 2,
      records: RECORDS.filter((_, k) => k % 2 === 1),
      skewMs: 1500,
    })
    const merged = await mergeShards({ dirs: [dir], outputDir: dir, maxSkewMs: 1000 })
    // The fixture wrote shard 1's offsets from its own start, 1500 ms late; the merge undoes it.
    assert.deepEqual(merged.summary, summarize(RECORDS, oneProcessInfo('run-e')))
    assert.deepEqual(merged.meta.warnings, [
      'shard 1 on node1 started 1500 ms off the shared start (bound 1000 ms)',
    ])
    const first: RequestRecord[] = []
    await readRawRecords(merged.rawPath, (r) => first.push(r))
    assert.equal(first.find((r) => r.request_id === 1)?.sent_at_ms, 51)
  })

  test('refuses duplicate shards, different plans and an index ≥ N, naming them all', async () => {
    const dir = freshDir()
    const copy = freshDir()
    writeShard({ dir, runId: 'run-x', index: 0, count: 2, records: RECORDS.slice(0, 2) })
    writeShard({ dir, runId: 'run-x', index: 1, count: 2, records: RECORDS.slice(2, 4) })
    writeShard({ dir: copy, runId: 'run-x', index: 1, count: 2, records: RECORDS.slice(2, 4) })
    await assert.rejects(mergeShards({ dirs: [dir, copy], outputDir: freshDir() }), (e: unknown) => {
      assert.ok(e instanceof UsageError)
      assert.match(e.message, /shard 1 appears twice \(overlapping shards\)/)
      return true
    })
    const mixed = freshDir()
    writeShard({ dir: mixed, runId: 'run-y', index: 0, count: 2, records: RECORDS.slice(0, 2) })
    writeShard({
      dir: mixed,
      runId: 'run-y',
      index: 1,
      count: 2,
      records: RECORDS.slice(2, 4),
      plan: fixturePlan({ rps: 30 }),
    })
    await assert.rejects(
      mergeShards({ dirs: [mixed], outputDir: mixed }),
      /shards come from different plans: shard 0 → [0-9a-f]{16}, shard 1 → [0-9a-f]{16}/,
    )
    const beyond = freshDir()
    writeShard({ dir: beyond, runId: 'run-z', index: 0, count: 2, records: RECORDS.slice(0, 2) })
    writeShard({ dir: beyond, runId: 'run-z', index: 2, count: 2, records: RECORDS.slice(2, 4) })
    await assert.rejects(mergeShards({ dirs: [beyond], outputDir: beyond }), /shard index 2 is outside 0…1/)
  })

  test('several runs in one folder: asks for --run-id, then merges the chosen one', async () => {
    const dir = freshDir()
    writeShards(dir, 'run-1', 2, RECORDS)
    writeShards(dir, 'run-2', 2, RECORDS.slice(0, 10))
    await assert.rejects(mergeShards({ dirs: [dir], outputDir: dir }), /hold shards of 2 runs: run-1, run-2/)
    const merged = await mergeShards({ dirs: [dir], outputDir: dir, runId: 'run-2' })
    assert.equal(merged.meta.records, 10)
  })
})

test('the plan hash ignores where a shard writes and its simulator port, not the load', () => {
  const base = {
    runId: 'r',
    index: 0,
    count: 2,
    startAtEpochMs: 1000,
    startedAtEpochMs: 1250,
    hostname: 'n0',
    concurrencyExceedsCap: false,
  }
  const sim = (port: number, outputDir: string, rps = 20) => {
    const plan = fixturePlan({ rps })
    return {
      ...plan,
      outputDir,
      target: { ...plan.target, kind: 'sim' as const, baseUrl: `http://127.0.0.1:${port}/v1` },
    }
  }
  const a = createShardInfo({ ...base, plan: sim(4001, '/a') })
  const b = createShardInfo({ ...base, plan: sim(4002, '/b') })
  const c = createShardInfo({ ...base, plan: sim(4001, '/a', 30) })
  assert.equal(a.planHash, b.planHash)
  assert.notEqual(a.planHash, c.planHash)
  assert.equal(a.skewMs, 250)
  assert.equal(createShardInfo({ ...base, startAtEpochMs: null, plan: sim(1, '') }).skewMs, 0)
})

test('merging a run twice into one folder is refused, naming the earlier file', async () => {
  const dir = freshDir()
  writeShards(dir, 'run-t', 2, RECORDS)
  await mergeShards({ dirs: [dir], outputDir: dir })
  await assert.rejects(mergeShards({ dirs: [dir], outputDir: dir }), (e: unknown) => {
    assert.ok(e instanceof UsageError)
    assert.match(e.message, /Run run-t is already merged: .*raw\/run-t\.jsonl exists/)
    return true
  })
})
