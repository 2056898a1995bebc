import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { deriveSeed, seededRandom } from '../../src/seeded-random.js'
import { resolveSimOptions } from '../../src/sim/options.js'

describe('resolveSimOptions', () => {
  test('fills the documented defaults', () => {
    assert.deepEqual(resolveSimOptions(), {
      models: ['sim-llama-8b', 'sim-qwen3-4b'],
      maxBatchSize: 256,
      prefillBaseMs: 4,
      prefillPerTokenMs: 0.03,
      decodeBaseMs: 3,
      decodePerSeqMs: 0.035,
      defaultOutputTokens: 128,
      errorRate: 0,
      faults: [],
      stallMs: 30_000,
      seed: 42,
      maxQueue: 0,
      prefixCacheTokens: 0,
      prefixCacheBlockTokens: 16,
      idleWatts: 90,
      wattsPerSequence: 2.4,
    })
  })

  test('keeps given values, ignores undefined ones', () => {
    const options = resolveSimOptions({ maxBatchSize: 4, seed: undefined, minOutputTokens: 3 })
    assert.equal(options.maxBatchSize, 4)
    assert.equal(options.seed, 42)
    assert.equal(options.minOutputTokens, 3)
  })

  test('an error rate without faults means plain server errors', () => {
    assert.deepEqual(resolveSimOptions({ errorRate: 0.1 }).faults, ['http_500'])
  })

  test('lists every invalid value at once', () => {
    assert.throws(
      () => resolveSimOptions({ maxBatchSize: 0, errorRate: 2, decodeBaseMs: -1, decodePerSeqMs: 2 }),
      new RangeError(
        'Invalid simulator options: maxBatchSize must be an integer >= 1; decodeBaseMs must be a number >= 0; ' +
          'errorRate must be within 0..1',
      ),
    )
  })
})

describe('seeded random', () => {
  test('the same seed repeats its sequence, in [0, 1)', () => {
    const a = seededRandom(42)
    const b = seededRandom(42)
    const values = Array.from({ length: 100 }, () => a())
    assert.deepEqual(
      Array.from({ length: 100 }, () => b()),
      values,
    )
    assert.ok(values.every((value) => value >= 0 && value < 1))
  })

  test('derived seeds differ for neighbouring keys and repeat for equal keys', () => {
    assert.equal(deriveSeed(42, 7, 1), deriveSeed(42, 7, 1))
    const seeds = new Set([
      deriveSeed(42, 0, 1),
      deriveSeed(42, 1, 1),
      deriveSeed(42, 0, 2),
      deriveSeed(43, 0, 1),
    ])
    assert.equal(seeds.size, 4)
  })
})
