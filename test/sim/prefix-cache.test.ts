import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  estimatePromptTokens,
  parseCompletionRequest,
  promptTextOf,
} from '../../src/sim/completion-request.js'
import { createEngine, type EngineTiming } from '../../src/sim/engine.js'
import { createPrefixCache } from '../../src/sim/prefix-cache.js'
import { createExactPromptGenerator } from '../../src/workload/exact-token-prompt.js'
import type { RequestSpec } from '../../src/workload/prompt-source.js'
import { createTokenLengthSource } from '../../src/workload/token-length-source.js'
import { createTokenCounter } from '../../src/workload/tokenizer.js'
import { createVirtualClock } from '../support/virtual-clock.js'

// 4 characters = 1 token in the simulator, so a 16-token block is 64 characters.
const block = (letter: string) => letter.repeat(64)

describe('prefix cache (blocks, LRU, counters)', () => {
  test('a request body keys the cache on the same characters that count its prompt tokens', () => {
    const body = {
      messages: [
        { role: 'system', content: 'abcd' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'efgh' },
            { type: 'text', text: 'ij' },
          ],
        },
      ],
    }
    const parsed = parseCompletionRequest('chat', body, 'sim')
    assert.ok(parsed.ok)
    assert.deepEqual([parsed.request.promptText, parsed.request.promptTokens], ['abcdefghij', 3])
    assert.equal(promptTextOf('completions', { prompt: ['ab', 'cd'] }), 'abcd')
    // Token ids have no text: such prompts are never cached.
    assert.equal(promptTextOf('completions', { prompt: [1, 2, 3] }), '')
  })

  test('hits the leading cached blocks only, never the whole prompt', () => {
    const cache = createPrefixCache({ capacityTokens: 1000, blockTokens: 16 })
    const prefix = block('a') + block('b') // 2 blocks, 32 tokens
    // 128 + 40 characters = 168 → 42 tokens; 2 full blocks cached after the first request.
    assert.equal(cache.lookup(`${prefix}${'x'.repeat(40)}`, 42), 0)
    cache.insert(`${prefix}${'x'.repeat(40)}`)
    assert.equal(cache.lookup(`${prefix}${'y'.repeat(40)}`, 42), 32)
    // Same first block, different second: only block 1 matches (the hash chains).
    assert.equal(cache.lookup(`${block('a')}${block('c')}zz`, 33), 16)
    // A prompt that is exactly the two cached blocks (32 tokens) leaves its last block to compute.
    assert.equal(cache.lookup(prefix, 32), 16)
    assert.deepEqual(cache.stats(), {
      queriedTokens: 42 + 42 + 33 + 32,
      hitTokens: 32 + 16 + 16,
      cachedTokens: 32,
    })
  })

  test('the LRU keeps at most the budget and drops a prefix tail-first', () => {
    const cache = createPrefixCache({ capacityTokens: 48, blockTokens: 16 }) // 3 blocks
    const one = block('a') + block('b')
    const two = block('c') + block('d')
    cache.insert(one)
    cache.insert(two) // 4 blocks > 3: the least recent, one's tail "b", goes
    assert.equal(cache.stats().cachedTokens, 48)
    assert.equal(cache.lookup(`${one}!`, 33), 16)
    assert.equal(cache.lookup(`${two}!`, 33), 32)
  })
})

// prefill = 10 + 1 ms per uncached token; decode step 5 ms; one sequence at a time.
const TIMING: EngineTiming = {
  maxBatchSize: 8,
  prefillBaseMs: 10,
  prefillPerTokenMs: 1,
  decodeBaseMs: 5,
  decodePerSeqMs: 0,
  prefixCacheTokens: 10_000,
  prefixCacheBlockTokens: 16,
}

/** Runs prompts one after another on a virtual clock; returns each TTFT in ms. */
function ttftsOf(prompts: readonly string[], timing: EngineTiming = TIMING) {
  const { clock, advanceTo } = createVirtualClock()
  const engine = createEngine(timing, clock)
  const ttfts: number[] = []
  for (const promptText of prompts) {
    const sentMs = clock.nowMs()
    engine.submit({
      promptText,
      promptTokens: Math.ceil(promptText.length / 4),
      outputTokens: 1,
      onToken: () => ttfts.push(clock.nowMs() - sentMs),
      onFinish: () => {},
    })
    advanceTo(clock.nowMs() + 10_000)
  }
  return { ttfts, stats: engine.prefixCacheStats() }
}

describe('engine with a prefix cache', () => {
  // A 640-character system prefix (160 tokens, 10 blocks) + a 40-character question (10
  // tokens): 170 prompt tokens. Cold: TTFT = 10 + 170 + 5 = 185 ms. After priming the 10
  // prefix blocks hit: 10 + (170 − 160) + 5 = 25 ms.
  const question = (i: number) => `question ${i}`.padEnd(40, '.')
  const shared = 'S'.repeat(640)

  test('shared prefix after priming: lower TTFT and 160 hit tokens per request; random prefixes: none', () => {
    const sharedRun = ttftsOf([0, 1, 2, 3, 4].map((i) => shared + question(i)))
    assert.deepEqual(sharedRun.ttfts, [185, 25, 25, 25, 25])
    // 5 queries of 170 tokens; 4 × 160 hits (the first request primes).
    // The 10 prefix blocks are shared; each 40-character question is no full block.
    assert.deepEqual(sharedRun.stats, { queriedTokens: 850, hitTokens: 640, cachedTokens: 160 })
    const randomRun = ttftsOf([0, 1, 2, 3, 4].map((i) => String(i).repeat(640) + question(i)))
    assert.deepEqual(randomRun.ttfts, [185, 185, 185, 185, 185])
    assert.deepEqual(randomRun.stats, { queriedTokens: 850, hitTokens: 0, cachedTokens: 800 })
  })

  test("a finished answer is cached after its prompt, so a chat's next turn hits its whole history", () => {
    const { clock, advanceTo } = createVirtualClock()
    const engine = createEngine(TIMING, clock)
    const turn1 = shared + question(0) // 680 characters, 170 tokens
    const answer = 'A'.repeat(600) // with turn 1: 1280 characters = 20 full blocks
    const turn2 = `${turn1}${answer}${question(1)}` // 1320 characters, 330 tokens
    const firstTokenAt: number[] = []
    for (const promptText of [turn1, turn2]) {
      const sentMs = clock.nowMs()
      engine.submit({
        promptText,
        answerText: () => answer,
        promptTokens: Math.ceil(promptText.length / 4),
        outputTokens: 1,
        onToken: () => firstTokenAt.push(clock.nowMs() - sentMs),
        onFinish: () => {},
      })
      advanceTo(clock.nowMs() + 10_000)
    }
    // Turn 2 hits 20 blocks = 320 tokens: 10 + (330 − 320) + 5 = 25 ms.
    assert.deepEqual(firstTokenAt, [185, 25])
    // Cached at the end: turn 2 + its answer = 1920 characters = 30 blocks = 480 tokens.
    assert.deepEqual(engine.prefixCacheStats(), { queriedTokens: 500, hitTokens: 320, cachedTokens: 480 })
  })

  test('without a cache budget nothing is cached and no counters exist', () => {
    const run = ttftsOf([shared + question(0), shared + question(1)], { ...TIMING, prefixCacheTokens: 0 })
    assert.deepEqual(run.ttfts, [185, 185])
    assert.equal(run.stats, null)
  })

  test('blocks become cached when the step that prefilled them ends, not at admission', () => {
    const { clock, advanceTo } = createVirtualClock()
    const engine = createEngine(TIMING, clock)
    const firstTokens: number[] = []
    // A busy step [0, 15) (no prompt, 2 tokens) so that both requests wait for the same step.
    engine.submit({ promptTokens: 0, outputTokens: 2, onToken: () => {}, onFinish: () => {} })
    advanceTo(1)
    for (const i of [0, 1]) {
      engine.submit({
        promptText: shared + question(i),
        promptTokens: 170,
        outputTokens: 1,
        onToken: () => firstTokens.push(clock.nowMs()),
        onFinish: () => {},
      })
    }
    advanceTo(1000)
    // Both admitted at 15 in the same step, both cold: 15 + 10 + 170 + 10 + 170 + 5 = 380.
    assert.deepEqual(firstTokens, [380, 380])
    assert.equal(engine.prefixCacheStats()?.hitTokens, 0)
  })

  test('workload shared vs random prefix specs through the simulator request reading', async () => {
    const count = await createTokenCounter({ kind: 'default' })
    const generator = createExactPromptGenerator(count, 'o200k_base')
    const specsFor = (mode: 'shared' | 'random') => {
      const source = createTokenLengthSource(
        {
          inputTokens: { kind: 'fixed', tokens: 24 },
          outputTokens: { kind: 'fixed', tokens: 1 },
          prefix: { groups: 1, tokens: 400, mode },
          seed: 4,
        },
        generator,
      )
      return [...source.priming(), ...Array.from({ length: 4 }, () => source.next() as RequestSpec)]
    }
    const texts = (specs: RequestSpec[]) =>
      specs.map((spec) => promptTextOf('chat', { messages: spec.messages }))
    const shared = texts(specsFor('shared'))
    const random = texts(specsFor('random'))
    for (const text of shared)
      assert.equal(
        estimatePromptTokens('chat', { messages: [{ content: text }] }),
        Math.ceil(text.length / 4),
      )
    const sharedRun = ttftsOf(shared)
    const randomRun = ttftsOf(random)
    // Measured requests (after the one priming request) hit every full block of the common
    // system prompt; 16 tokens per 64 characters of the prefix.
    const systemChars = specsFor('shared')[0]?.messages[0]?.content.length ?? 0
    const blocksPerRequest = Math.floor(systemChars / 64)
    assert.ok(blocksPerRequest >= 20, `system prompt of ${systemChars} characters`)
    assert.equal(sharedRun.stats?.hitTokens, 4 * 16 * blocksPerRequest)
    assert.equal(randomRun.stats?.hitTokens, 0)
    // Random mode has nothing to prime: its 4 requests line up with shared's measured 4.
    const measured = sharedRun.ttfts.slice(1)
    assert.equal(randomRun.ttfts.length, 4)
    for (let i = 0; i < 4; i++) {
      assert.ok((measured[i] as number) < (randomRun.ttfts[i] as number), `${measured} vs ${randomRun.ttfts}`)
    }
  })
})
