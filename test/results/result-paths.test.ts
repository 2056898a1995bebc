import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { OutputError } from '../../src/errors.js'
import {
  fileStamp,
  planResultPaths,
  prepareOutputDirs,
  safeNamePart,
} from '../../src/results/result-paths.js'

test('names files as the original does and never reuses an existing name', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'paths-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  prepareOutputDirs(dir)
  const when = new Date(2025, 10, 7, 14, 30, 22)
  assert.equal(fileStamp(when), '20251107_143022')
  const parts = { target: 'spark-test', model: 'Qwen/Qwen3-Coder-30B-A3B-Instruct', workload: 'stress-test' }
  const first = planResultPaths(dir, parts, when)
  assert.equal(first.runId, 'bench_spark-test_Qwen-Qwen3-Coder-30B-A3B-Instruct_stress-test_20251107_143022')
  assert.equal(first.raw, join(dir, 'raw', `${first.runId}.jsonl`))
  writeFileSync(first.raw, '')
  const second = planResultPaths(dir, parts, when)
  assert.equal(second.runId, `${first.runId}_2`)
  assert.equal(safeNamePart('a b/c'), 'a-b-c')
})

test('file names keep Hangul and other letters; only path-unsafe characters are replaced', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'paths-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const when = new Date(2025, 10, 7, 14, 30, 22)
  const paths = planResultPaths(dir, { target: 'sim', model: 'sim-llama-8b', workload: '짧은테스트' }, when)
  assert.equal(paths.runId, 'bench_sim_sim-llama-8b_짧은테스트_20251107_143022')
  assert.equal(safeNamePart('모델:v2*?"<>|'), '모델-v2')
  assert.equal(safeNamePart('..\\..\\etc/passwd'), 'etc-passwd')
  assert.equal(safeNamePart('a\u0000b\tc\u001bd'), 'a-b-c-d')
  assert.equal(safeNamePart('.hidden'), 'hidden')
  assert.equal(safeNamePart('Café-ünïcode.v1'), 'Café-ünïcode.v1')
  assert.equal(safeNamePart('///'), 'unnamed')
})

test('an output folder that cannot be created is an OutputError naming it', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'paths-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const blocker = join(dir, 'file')
  writeFileSync(blocker, 'not a folder')
  assert.throws(
    () => prepareOutputDirs(join(blocker, 'results')),
    (error: unknown) =>
      error instanceof OutputError &&
      error.message.includes(join(blocker, 'results', 'raw')) &&
      error.message.includes('ENOTDIR'),
  )
})
