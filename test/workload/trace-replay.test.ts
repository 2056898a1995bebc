import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { ConfigError } from '../../src/errors.js'
import { createExactPromptGenerator } from '../../src/workload/exact-token-prompt.js'
import { createTokenCounter } from '../../src/workload/tokenizer.js'
import { loadTrace } from '../../src/workload/trace-file.js'
import { createTraceSource, planTraceReplay } from '../../src/workload/trace-source.js'

const SAMPLE = fileURLToPath(new URL('../../traces/sample-azure.csv', import.meta.url))

function tempFile(t: { after(fn: () => void): void }, name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'run-bench-trace-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

describe('trace files', () => {
  test('the shipped Azure-format sample: 120 rows, offsets from the first TIMESTAMP with sub-ms digits', () => {
    const rows = loadTrace(SAMPLE)
    assert.equal(rows.length, 120)
    // 09:00:00.3022000,202,212 then 09:00:01.3008250,672,126: 1300.825 − 302.2 = 998.625 ms.
    assert.deepEqual(
      rows.slice(0, 2).map((row) => [row.inputTokens, row.outputTokens, row.line]),
      [
        [202, 212, 2],
        [672, 126, 3],
      ],
    )
    assert.equal(rows[0]?.offsetMs, 0)
    assert.ok(Math.abs((rows[1]?.offsetMs ?? 0) - 998.625) < 1e-6)
  })

  test('a Mooncake JSONL trace: timestamp in ms, input_length, output_length; hash_ids ignored', (t) => {
    const path = tempFile(
      t,
      'mooncake.jsonl',
      [
        '{"timestamp": 0, "input_length": 6755, "output_length": 500, "hash_ids": [0, 1, 2]}',
        '{"timestamp": 0, "input_length": 7319, "output_length": 490, "hash_ids": [0, 3]}',
        '{"timestamp": 3052, "input_length": 2287, "output_length": 316, "hash_ids": [0, 4]}',
      ].join('\n'),
    )
    assert.deepEqual(
      loadTrace(path).map((row) => [row.offsetMs, row.inputTokens, row.outputTokens]),
      [
        [0, 6755, 500],
        [0, 7319, 490],
        [3052, 2287, 316],
      ],
    )
  })

  test('a timestamp that goes back in time is an error naming both lines', (t) => {
    const path = tempFile(
      t,
      'unsorted.csv',
      'timestamp,input_length,output_length\n0,10,5\n500,10,5\n400,10,5\n',
    )
    assert.throws(
      () => loadTrace(path),
      (error: unknown) =>
        error instanceof ConfigError &&
        /unsorted\.csv:4: timestamp goes back in time: -100 ms before line 3/.test(error.message) &&
        /sort it by time first/.test(error.hint ?? ''),
    )
  })

  test('bad cells and a wrong header are reported with file:line', (t) => {
    const bad = tempFile(t, 'bad.csv', 'TIMESTAMP,ContextTokens,GeneratedTokens\nyesterday,0,5\n10,20\n')
    assert.throws(
      () => loadTrace(bad),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.includes(
          'bad.csv:2: timestamp "yesterday" is not a number (ms) or a date-time; input length "0" is not an integer >= 1',
        ) &&
        error.message.includes('bad.csv:3: has 2 columns, the header has 3'),
    )
    const header = tempFile(t, 'header.csv', 'when,in,out\n0,1,1\n')
    assert.throws(
      () => loadTrace(header),
      /header\.csv:1: the header "when,in,out" lacks a time, input or output column/,
    )
  })
})

describe('trace replay plan', () => {
  const rows = [0, 1000, 1500, 4000].map((offsetMs, i) => ({
    offsetMs,
    inputTokens: 8 + i,
    outputTokens: 4,
    line: i + 2,
  }))

  test('window [start, start + duration) in trace time, then gaps scaled', () => {
    assert.deepEqual(
      planTraceReplay(rows, { timeScale: 0.5, startMs: 1000, durationMs: 3000 }).map((a) => [
        a.scheduledAtMs,
        a.inputTokens,
        a.line,
      ]),
      [
        [0, 9, 3],
        [250, 10, 4],
      ],
    )
    assert.deepEqual(
      planTraceReplay(rows, { timeScale: 2 }).map((a) => a.scheduledAtMs),
      [0, 2000, 3000, 8000],
    )
  })

  test('the source yields one exact-length request per arrival at its time, then null', async () => {
    const count = await createTokenCounter({ kind: 'default' })
    const arrivals = planTraceReplay(rows, { timeScale: 1 })
    const source = createTraceSource(arrivals, createExactPromptGenerator(count, 'o200k_base'), {
      name: 't',
      seed: 1,
    })
    for (const arrival of arrivals) {
      const spec = source.next()
      assert.ok(spec !== null)
      assert.equal(spec.scheduledAtMs, arrival.scheduledAtMs)
      assert.equal(count(spec.messages[0]?.content ?? ''), arrival.inputTokens)
      assert.deepEqual([spec.maxTokens, spec.requestedOutputTokens, spec.exactOutput], [4, 4, true])
    }
    assert.equal(source.next(), null)
  })
})
