import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { UsageError } from '../../src/errors.js'
import { listRawFiles, loadRuns } from '../../src/run/run-files.js'
import { sloRecord } from '../support/slo-record.js'

test('a results folder, its raw/ folder or one file name the same runs; records are pooled', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'run-files-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'raw'))
  const line = (id: number) => JSON.stringify(sloRecord({ request_id: id }))
  writeFileSync(join(dir, 'raw', 'a.jsonl'), `${line(1)}\n${line(2)}\n{"torn`)
  writeFileSync(join(dir, 'raw', 'b.jsonl'), `${line(3)}\n`)
  writeFileSync(join(dir, 'raw', 'b.server-metrics.jsonl'), '{}\n')
  writeFileSync(
    join(dir, 'raw', 'a.meta.json'),
    JSON.stringify({ runId: 'a', plan: { workload: { name: 'w' } } }),
  )
  assert.deepEqual(listRawFiles(dir, '--baseline'), [
    join(dir, 'raw', 'a.jsonl'),
    join(dir, 'raw', 'b.jsonl'),
  ])
  const loaded = await loadRuns([dir], '--baseline')
  assert.deepEqual(
    loaded.records.map((record) => record.request_id),
    [1, 2, 3],
  )
  assert.equal(loaded.meta?.runId, 'a')
  assert.deepEqual(loaded.skipped, [
    { file: join(dir, 'raw', 'a.jsonl'), line: 3, reason: 'not valid JSON (torn or corrupted line)' },
  ])
  assert.throws(
    () => listRawFiles(join(dir, 'raw', 'a.meta.json'), '--baseline'),
    (error) =>
      error instanceof UsageError && error.message.endsWith('a.meta.json: not a raw records file (.jsonl)'),
  )
  assert.throws(
    () => listRawFiles(join(dir, 'nope'), '--baseline'),
    /--baseline .*nope: no such file or folder/,
  )
})
