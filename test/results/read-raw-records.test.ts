import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { readRawRecords } from '../../src/results/read-raw-records.js'
import type { RequestRecord } from '../../src/types.js'

test('skips and reports a torn last line; fills new fields of original-format records', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'raw-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'run.jsonl')
  const original = {
    timestamp: 1699615234.567,
    model: 'Qwen/Qwen3-Coder-30B-A3B-Instruct',
    prompt: 'Write a Python function to...',
    ttft: 0.342,
    total_time: 2.156,
    input_tokens: 45,
    output_tokens: 512,
    tokens_per_sec: 237.5,
    success: true,
  }
  writeFileSync(path, `${JSON.stringify(original)}\n\n{"timestamp": 1, "model": "x", "succ`)
  const records: RequestRecord[] = []
  const report = await readRawRecords(path, (r) => records.push(r))
  assert.equal(report.records, 1)
  assert.deepEqual(report.skipped, [{ line: 3, reason: 'not valid JSON (torn or corrupted line)' }])
  const [record] = records
  assert.ok(record)
  assert.equal(record.ttft_ms, 342)
  assert.equal(record.e2e_ms, 2156)
  // (2156 − 342) / (512 − 1) = 3.5499 ms
  assert.equal(record.tpot_ms?.toFixed(4), '3.5499')
  assert.equal(record.outcome, 'ok')
})
