import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { ConfigError } from '../../src/errors.js'
import { seededRandom } from '../../src/seeded-random.js'
import { createExactPromptGenerator } from '../../src/workload/exact-token-prompt.js'
import { describeLength, sampleLength } from '../../src/workload/length-distribution.js'
import { createTokenCounter } from '../../src/workload/tokenizer.js'

const TOKENIZER_JSON = fileURLToPath(new URL('../fixtures/tokenizer/tokenizer.json', import.meta.url))
const LENGTHS = [1, 2, 7, 64, 128, 333, 512, 1024]

/** Generates 1,000 prompts cycling through LENGTHS and measures each with the same counter. */
function missesOver1000(count: (text: string) => number, label: string): { misses: number; ms: number } {
  const generator = createExactPromptGenerator(count, label)
  const random = seededRandom(16)
  let misses = 0
  const startedMs = performance.now()
  for (let i = 0; i < 1000; i++) {
    const tokens = LENGTHS[i % LENGTHS.length] as number
    if (count(generator.generate(tokens, random)) !== tokens) misses += 1
  }
  return { misses, ms: performance.now() - startedMs }
}

describe('exact-length prompts', () => {
  test('1,000 prompts of 1..1024 tokens measure exactly the requested length with o200k_base', async (t) => {
    const count = await createTokenCounter({ kind: 'default' })
    const { misses, ms } = missesOver1000(count, 'o200k_base (approximate)')
    assert.equal(misses, 0)
    t.diagnostic(`o200k_base: 1,000 prompts generated and re-measured in ${ms.toFixed(0)} ms`)
  })

  test('1,000 prompts measure exactly the requested length with a tokenizer.json (WordPiece)', async (t) => {
    const count = await createTokenCounter({ kind: 'tokenizer-json', path: TOKENIZER_JSON })
    const { misses, ms } = missesOver1000(count, 'fixture tokenizer.json')
    assert.equal(misses, 0)
    t.diagnostic(`tokenizer.json: 1,000 prompts generated and re-measured in ${ms.toFixed(0)} ms`)
  })

  test('the same seed gives the same prompt; the text is plain words', async () => {
    const count = await createTokenCounter({ kind: 'default' })
    const generator = createExactPromptGenerator(count, 'o200k_base')
    const first = generator.generate(32, seededRandom(7))
    assert.equal(first, generator.generate(32, seededRandom(7)))
    assert.notEqual(first, generator.generate(32, seededRandom(8)))
    assert.match(first, /^[a-z]+( [a-z]+){31}$/)
  })

  test('a length the tokenizer cannot reach is a ConfigError naming length and tokenizer', () => {
    // A counter where one or two words are one token each but longer texts cost two per
    // word: the word list qualifies, yet 5 tokens lie between 2 words (2) and 3 words (6).
    const twoPerWordBeyondTwo = (text: string) => {
      const words = text.split(' ').filter(Boolean).length
      return words <= 2 ? words : 2 * words
    }
    const generator = createExactPromptGenerator(twoPerWordBeyondTwo, 'two-per-word')
    assert.throws(
      () => generator.generate(5, seededRandom(1)),
      (error: unknown) =>
        error instanceof ConfigError &&
        /exactly 5 tokens with tokenizer two-per-word: the nearest measured length was \d+ tokens/.test(
          error.message,
        ),
    )
    assert.throws(() => generator.generate(0, seededRandom(1)), /exactly 0 tokens .*the least is 1/)
  })

  test('a tokenizer without single-token words is refused up front', () => {
    assert.throws(
      () => createExactPromptGenerator((text) => text.length, 'chars'),
      (error: unknown) =>
        error instanceof ConfigError && /only 0 of \d+ common English words/.test(error.message),
    )
  })
})

describe('length distributions', () => {
  // Hand-computed with an injected generator that always returns 0.5 (or 0):
  // uniform: 10 + floor(0.5 × 11) = 15; normal: radius sqrt(-2 ln 0.5) = 1.17741,
  // cos(2π × 0.5) = -1, so mean − 1.17741 × sd.
  const half = () => 0.5
  test('fixed, uniform (inclusive) and clipped normal', () => {
    assert.equal(sampleLength({ kind: 'fixed', tokens: 1024 }, half), 1024)
    assert.equal(sampleLength({ kind: 'uniform', min: 10, max: 20 }, half), 15)
    assert.equal(
      sampleLength({ kind: 'uniform', min: 10, max: 20 }, () => 0.9999),
      20,
    )
    assert.equal(sampleLength({ kind: 'normal', mean: 100, sd: 10, min: 1, max: 200 }, half), 88)
    assert.equal(sampleLength({ kind: 'normal', mean: 100, sd: 100, min: 50, max: 200 }, half), 50)
    assert.equal(
      sampleLength({ kind: 'normal', mean: 100, sd: 10, min: 1, max: 200 }, () => 0),
      100,
    )
  })

  test('describes each shape for the plan line', () => {
    assert.equal(describeLength({ kind: 'fixed', tokens: 128 }), '128')
    assert.equal(describeLength({ kind: 'uniform', min: 512, max: 2048 }), '512-2048')
    assert.equal(
      describeLength({ kind: 'normal', mean: 1024, sd: 128, min: 512, max: 2048 }),
      'normal(1024, 128) in [512, 2048]',
    )
  })
})
