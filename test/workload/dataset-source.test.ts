import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { ConfigError } from '../../src/errors.js'
import { loadDataset } from '../../src/workload/dataset-file.js'
import { createDatasetSource } from '../../src/workload/dataset-source.js'
import type { RequestSpec } from '../../src/workload/prompt-source.js'
import { createTokenCounter } from '../../src/workload/tokenizer.js'

const SAMPLE = fileURLToPath(new URL('../../datasets/sharegpt-sample.json', import.meta.url))
const count = await createTokenCounter({ kind: 'default' })
const base = { name: 'sample', exactOutput: false, seed: 11 }

function tempFile(t: { after(fn: () => void): void }, name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'run-bench-dataset-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

describe('ShareGPT dataset source', () => {
  test('the shipped sample loads 50 conversations; a pass draws each first turn once, seeded', () => {
    const dataset = loadDataset(SAMPLE, 'stop')
    assert.equal(dataset.entries.length, 50)
    assert.equal(
      dataset.entries.reduce((sum, entry) => sum + entry.turns.length, 0),
      99,
    )
    assert.deepEqual(dataset.skipped, [])
    const firstPass = () => {
      const source = createDatasetSource(dataset, { ...base, mode: 'first-turn' }, count)
      return Array.from({ length: 50 }, () => source.next() as RequestSpec)
    }
    const specs = firstPass()
    // Some first turns repeat (same topic, same wording), so compare as sorted multisets.
    assert.deepEqual(
      specs.map((spec) => spec.messages.at(-1)?.content).sort(),
      dataset.entries.map((entry) => entry.turns[0]?.user).sort(),
    )
    assert.deepEqual(
      firstPass().map((spec) => spec.messages.at(-1)?.content),
      specs.map((spec) => spec.messages.at(-1)?.content),
    )
    // sample-010 has a system turn; it leads that request's messages.
    const withSystem = specs.filter((spec) => spec.messages[0]?.role === 'system')
    assert.equal(withSystem.length, 5)
  })

  test('input and output lengths: the first prompt measured, the reference answer measured', () => {
    const dataset = loadDataset(SAMPLE, 'stop')
    const entry = dataset.entries.find((e) => e.location.endsWith(':2')) ?? dataset.entries[0]
    assert.ok(entry !== undefined)
    const only = { entries: [entry], skipped: [] }
    const spec = createDatasetSource(only, { ...base, mode: 'first-turn' }, count).next() as RequestSpec
    assert.equal(spec.requestedInputTokens, count(entry.turns[0]?.user ?? ''))
    assert.equal(spec.maxTokens, count(entry.turns[0]?.referenceAnswer ?? ''))
    assert.equal(spec.exactOutput, false)
  })

  test('a length filter keeps first prompts within bounds and counts the rest', (t) => {
    // o200k_base: "time" = 1 token, "time time time" = 3, "time time time time time" = 5.
    const path = tempFile(
      t,
      'lengths.jsonl',
      ['{"prompt": "time"}', '{"prompt": "time time time"}', '{"prompt": "time time time time time"}'].join(
        '\n',
      ),
    )
    const source = createDatasetSource(
      loadDataset(path, 'stop'),
      { ...base, mode: 'first-turn', minInputTokens: 2, maxInputTokens: 4 },
      count,
    )
    assert.equal((source.next() as RequestSpec).messages[0]?.content, 'time time time')
    assert.equal(source.counts().filteredEntries, 2)
    assert.throws(
      () =>
        createDatasetSource(
          loadDataset(path, 'stop'),
          { ...base, mode: 'first-turn', minInputTokens: 9 },
          count,
        ),
      /no conversation has a first prompt of 9\.\.Infinity tokens \(3 filtered out\)/,
    )
  })

  test('multi-turn: a conversation becomes a session of its human turns (at most `turns`)', () => {
    const dataset = loadDataset(SAMPLE, 'stop')
    const three = dataset.entries.find((entry) => entry.turns.length === 3)
    assert.ok(three !== undefined)
    const source = createDatasetSource(
      { entries: [three], skipped: [] },
      { ...base, mode: 'multi-turn', sessions: { turns: 2, thinkTimeMs: 0 } },
      count,
    )
    const first = source.next() as RequestSpec
    assert.deepEqual(first.session, { sessionId: 0, turn: 1, turns: 2 })
    const second = source.followUp(first, { ok: true, answerText: 'server answer' })
    assert.deepEqual(
      second?.spec.messages.map((m) => m.content),
      [three.turns[0]?.user, 'server answer', three.turns[1]?.user],
    )
    assert.equal(source.followUp(second?.spec as RequestSpec, { ok: true, answerText: 'again' }), null)
  })
})

describe('bad dataset entries', () => {
  const jsonl = [
    '{"prompt": "first"}',
    '{"messages": [{"role": "user", "content": "second"}]}',
    '{"prompt": ',
    '{"text": "fourth"}',
    '{"prompt": "fifth", "expected_output_tokens": 12}',
  ].join('\n')

  test("on_bad_prompt 'stop': a ConfigError listing file:line of every bad entry", (t) => {
    const path = tempFile(t, 'broken.jsonl', jsonl)
    assert.throws(
      () => loadDataset(path, 'stop'),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.startsWith('2 problems in') &&
        error.message.includes('broken.jsonl:3: is not valid JSON') &&
        error.message.includes(
          'broken.jsonl:4: needs "conversations" (ShareGPT), "messages" or a non-empty "prompt"',
        ) &&
        /on_bad_prompt: skip/.test(error.hint ?? ''),
    )
  })

  test("on_bad_prompt 'skip': bad entries are left out and counted with their lines", (t) => {
    const path = tempFile(t, 'broken.jsonl', jsonl)
    const dataset = loadDataset(path, 'skip')
    assert.deepEqual(
      dataset.entries.map((entry) => [
        entry.location.split(':').at(-1),
        entry.turns[0]?.user,
        entry.turns[0]?.expectedOutputTokens,
      ]),
      [
        ['1', 'first', undefined],
        ['2', 'second', undefined],
        ['5', 'fifth', 12],
      ],
    )
    const counts = createDatasetSource(dataset, { ...base, mode: 'first-turn' }, count).counts()
    assert.equal(counts.skippedEntries, 2)
    assert.match(counts.skippedLines[0] ?? '', /broken\.jsonl:3 is not valid JSON/)
  })

  test('a broken conversation inside a ShareGPT JSON array is located by its line', (t) => {
    const text = [
      '[',
      '  {"id": "a", "conversations": [{"from": "human", "value": "ok [really] {fine}"}]},',
      '  {"id": "b", "conversations": [{"from": "robot", "value": "?"}]},',
      '  {"id": "c", "conversations": [{"from": "human", "value": "also \\"ok\\""}, {"from": "gpt", "value": "yes"}]}',
      ']',
    ].join('\n')
    const path = tempFile(t, 'share.json', text)
    assert.throws(
      () => loadDataset(path, 'stop'),
      /share\.json:3: conversations\[0\]\.from "robot" is not human\/user/,
    )
    const dataset = loadDataset(path, 'skip')
    assert.deepEqual(
      dataset.entries.map((entry) => [
        entry.location.split(':').at(-1),
        entry.turns[0]?.user,
        entry.turns[0]?.referenceAnswer,
      ]),
      [
        ['2', 'ok [really] {fine}', undefined],
        ['4', 'also "ok"', 'yes'],
      ],
    )
  })
})
