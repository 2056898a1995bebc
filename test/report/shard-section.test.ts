import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { main } from '../../src/cli/main.js'
import { shardMarkdownParts } from '../../src/report/shard-section.js'
import { createFakeIo } from '../support/fake-io.js'
import { fixtureRecord, writeShard } from '../support/shard-fixture.js'

// Shards 0 and 1 of 3 (k mod 3 of 30 records: 10 each); shard 1 started 12 ms late and
// ended early; shard 2 left no files.
function writeIncompleteRun(dir: string): void {
  const records = Array.from({ length: 30 }, (_, k) => fixtureRecord(k))
  for (const index of [0, 1]) {
    writeShard({
      dir,
      runId: 'run-s',
      index,
      count: 3,
      records: records.filter((_, k) => k % 3 === index),
      ...(index === 1 ? { skewMs: 12, complete: false } : {}),
    })
  }
}

const SHARDS_MD = `#### Shards

2 of 3 shards merged, missing 2, **incomplete**

| Shard | Host | Records | Skew (ms) | Finished |
|---|---|---:|---:|---|
| 0/3 | node0 | 10 | 0 | yes |
| 1/3 | node1 | 10 | 12 | no (ended early) |
| 2/3 | – | – | – | missing (no files) |`

test('the Markdown report of a merged run shows its shards: host, records, skew, missing, incomplete', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'shard-section-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  writeIncompleteRun(dir)
  const merge = createFakeIo({ cwd: dir })
  assert.equal(await main(['merge', dir], merge), 1, merge.err())
  const written = join(dir, 'reports', 'benchmark_report.md')
  // The report `merge` writes, and the one `report` rebuilds (from the summary file for md
  // alone, from the raw file when a visual format is asked for too).
  for (const formats of [null, 'md', 'md,html']) {
    if (formats !== null) {
      const io = createFakeIo({ cwd: dir })
      assert.equal(await main(['report', '--output-dir', dir, '--format', formats], io), 0, io.err())
    }
    const markdown = readFileSync(written, 'utf8')
    assert.ok(markdown.includes(SHARDS_MD), `${formats}:\n${markdown}`)
  }
})

test('a complete merge says so in one line; a run that was not sharded gets no shard block', () => {
  const shards = {
    count: 2,
    missing: [],
    shards: [
      { index: 1, hostname: 'b|c', records: 1500, skewMs: 3.4, complete: true },
      { index: 0, hostname: 'a', records: 1500, skewMs: 0, complete: true },
    ],
    warnings: ['shard 1: 2 torn or invalid lines skipped'],
  }
  assert.deepEqual(shardMarkdownParts(shards), [
    '#### Shards',
    '2 of 2 shards merged',
    '| Shard | Host | Records | Skew (ms) | Finished |\n|---|---|---:|---:|---|\n| 0/2 | a | 1,500 | 0 | yes |\n| 1/2 | b\\|c | 1,500 | 3 | yes |',
    '- Warning: shard 1: 2 torn or invalid lines skipped',
  ])
  assert.deepEqual(shardMarkdownParts(shards, 'ko').slice(0, 2), ['#### 샤드', '샤드 2개 중 2개 병합'])
  assert.deepEqual(shardMarkdownParts(undefined), [])
})
