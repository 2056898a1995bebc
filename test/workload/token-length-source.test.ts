import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createExactPromptGenerator } from '../../src/workload/exact-token-prompt.js'
import type { RequestSpec } from '../../src/workload/prompt-source.js'
import { createTokenLengthSource } from '../../src/workload/token-length-source.js'
import { createTokenCounter } from '../../src/workload/tokenizer.js'

const count = await createTokenCounter({ kind: 'default' })
const generator = createExactPromptGenerator(count, 'o200k_base (approximate)')
const fixed = (tokens: number) => ({ kind: 'fixed' as const, tokens })

function contentTokens(spec: RequestSpec, role: string): number[] {
  return spec.messages.filter((m) => m.role === role).map((m) => count(m.content))
}

describe('token-length source', () => {
  test('each request has exactly the drawn input length and asks for exactly the output length', () => {
    const source = createTokenLengthSource(
      { inputTokens: { kind: 'uniform', min: 100, max: 140 }, outputTokens: fixed(16), seed: 3 },
      generator,
    )
    assert.equal(source.label, 'exact lengths 100-140 in / 16 out (o200k_base (approximate))')
    assert.deepEqual(source.priming(), [])
    for (let i = 0; i < 20; i++) {
      const spec = source.next() as RequestSpec
      assert.equal(spec.messages.length, 1)
      assert.deepEqual(contentTokens(spec, 'user'), [spec.requestedInputTokens])
      assert.ok((spec.requestedInputTokens as number) >= 100 && (spec.requestedInputTokens as number) <= 140)
      assert.equal(spec.maxTokens, 16)
      assert.equal(spec.requestedOutputTokens, 16)
      assert.equal(spec.exactOutput, true)
      assert.equal(source.followUp(spec, { ok: true, answerText: 'x' }), null)
    }
  })

  test('shared prefix: requests cycle through the groups; priming sends each group once', () => {
    const options = { inputTokens: fixed(32), outputTokens: fixed(8), seed: 5 }
    const source = createTokenLengthSource(
      { ...options, prefix: { groups: 3, tokens: 200, mode: 'shared' } },
      generator,
    )
    const priming = source.priming()
    assert.deepEqual(
      priming.map((spec) => [
        spec.prefixGroup,
        spec.maxTokens,
        spec.exactOutput,
        contentTokens(spec, 'system')[0],
      ]),
      [
        [0, 1, false, 200],
        [1, 1, false, 200],
        [2, 1, false, 200],
      ],
    )
    const specs = Array.from({ length: 7 }, () => source.next() as RequestSpec)
    assert.deepEqual(
      specs.map((spec) => spec.prefixGroup),
      [0, 1, 2, 0, 1, 2, 0],
    )
    for (const spec of specs) {
      // The system prompt is the primed one of its group, byte for byte; user text is fresh.
      assert.equal(spec.messages[0]?.content, priming[spec.prefixGroup as number]?.messages[0]?.content)
      assert.deepEqual(contentTokens(spec, 'system'), [200])
      assert.deepEqual(contentTokens(spec, 'user'), [32])
      assert.equal(spec.requestedInputTokens, 232)
    }
    assert.notEqual(specs[0]?.messages[1]?.content, specs[3]?.messages[1]?.content)
  })

  test('random prefix: every request leads with its own system prompt; nothing to prime', () => {
    const source = createTokenLengthSource(
      {
        inputTokens: fixed(16),
        outputTokens: fixed(4),
        seed: 5,
        prefix: { groups: 3, tokens: 64, mode: 'random' },
      },
      generator,
    )
    assert.deepEqual(source.priming(), [])
    const systems = Array.from(
      { length: 10 },
      () => (source.next() as RequestSpec).messages[0]?.content ?? '',
    )
    assert.equal(new Set(systems.map((text) => text.split(' ').slice(0, 16).join(' '))).size, 10)
    for (const text of systems) assert.equal(count(text), 64)
  })
})

describe('multi-turn sessions', () => {
  const source = () =>
    createTokenLengthSource(
      { inputTokens: fixed(10), outputTokens: fixed(5), seed: 9, sessions: { turns: 3, thinkTimeMs: 250 } },
      generator,
    )

  test('the next turn carries the whole history plus the previous answer, after the think time', () => {
    const sessions = source()
    const first = sessions.next() as RequestSpec
    assert.deepEqual(first.session, { sessionId: 0, turn: 1, turns: 3 })
    assert.equal(first.requestedInputTokens, 10)
    const second = sessions.followUp(first, { ok: true, answerText: 'answer one' })
    assert.ok(second !== null)
    assert.equal(second.delayMs, 250)
    assert.deepEqual(second.spec.session, { sessionId: 0, turn: 2, turns: 3 })
    assert.deepEqual(
      second.spec.messages.map((m) => m.role),
      ['user', 'assistant', 'user'],
    )
    assert.equal(second.spec.messages[0]?.content, first.messages[0]?.content)
    assert.equal(second.spec.messages[1]?.content, 'answer one')
    assert.equal(count(second.spec.messages[2]?.content ?? ''), 10)
    // Later turns hold server text, so no input target is claimed for them.
    assert.equal(second.spec.requestedInputTokens, undefined)
    assert.equal(second.spec.maxTokens, 5)
    const third = sessions.followUp(second.spec, { ok: true, answerText: 'answer two' })
    assert.deepEqual(
      third?.spec.messages.map((m) => m.content.slice(0, 10)),
      [
        first.messages[0]?.content.slice(0, 10),
        'answer one',
        second.spec.messages[2]?.content.slice(0, 10),
        'answer two',
        third?.spec.messages[4]?.content.slice(0, 10),
      ],
    )
    assert.equal(
      sessions.followUp(third?.spec as RequestSpec, { ok: true, answerText: 'answer three' }),
      null,
    )
    assert.equal(sessions.counts().sessionsCompleted, 1)
  })

  test('a failed turn ends its session, counted once; the other sessions go on', () => {
    const sessions = source()
    const a = sessions.next() as RequestSpec
    const b = sessions.next() as RequestSpec
    assert.deepEqual([a.session?.sessionId, b.session?.sessionId], [0, 1])
    const a2 = sessions.followUp(a, { ok: true, answerText: 'fine' })
    assert.equal(sessions.followUp(a2?.spec as RequestSpec, { ok: false }), null)
    // A second report of the same failure does not count again.
    assert.equal(sessions.followUp(a2?.spec as RequestSpec, { ok: false }), null)
    const b2 = sessions.followUp(b, { ok: true, answerText: 'fine' })
    assert.equal(b2?.spec.session?.turn, 2)
    const counts = sessions.counts()
    assert.deepEqual([counts.sessionsStarted, counts.sessionsFailed, counts.sessionsCompleted], [2, 1, 0])
  })
})
