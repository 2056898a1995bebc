import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { main } from '../../src/cli/main.js'
import { createFakeIo } from '../support/fake-io.js'
import { fixtureRecord, writeShards } from '../support/shard-fixture.js'

test('report treats a merged run as one run and shows its shards', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'shards-report-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  writeShards(
    dir,
    'run-r',
    2,
    Array.from({ length: 40 }, (_, k) => fixtureRecord(k)),
  )
  const merge = createFakeIo({ cwd: dir })
  assert.equal(await main(['merge', dir], merge), 0, merge.err())
  assert.match(merge.out(), /Merged run run-r: 2 of 2 shards, 40 records/)
  // The shards' own files live under shards/, so report sees the merged run alone.
  const report = createFakeIo({ cwd: dir })
  assert.equal(await main(['report', '--output-dir', dir, '--format', 'md,html'], report), 0, report.err())
  assert.match(report.out(), /Report over 1 run\(s\)/)
  const html = readFileSync(join(dir, 'reports', 'benchmark_report.html'), 'utf8')
  assert.match(html, /2 of 2 shards merged; hosts node0, node1/)
  const markdown = readFileSync(join(dir, 'reports', 'benchmark_report.md'), 'utf8')
  assert.match(markdown, /run-r/)
})
