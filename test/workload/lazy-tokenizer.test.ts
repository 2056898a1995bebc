// Its own file, so its own process: nothing else has loaded the BPE table before it.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'
import { createTokenCounter } from '../../src/workload/tokenizer.js'

const requireHere = createRequire(import.meta.url)
const bpeModule = requireHere.resolve('gpt-tokenizer/encoding/o200k_base')

test('the default counter loads o200k_base on its first non-empty text, not before', async () => {
  const count = await createTokenCounter({ kind: 'default' })
  assert.equal(requireHere.cache[bpeModule], undefined, 'loaded before any count')
  assert.equal(count(''), 0)
  assert.equal(requireHere.cache[bpeModule], undefined, 'an empty text needs no table')
  assert.equal(count('Hello, world!'), 4)
  assert.notEqual(requireHere.cache[bpeModule], undefined, 'loaded by the first count')
  assert.equal(count('<|endoftext|>'), 7)
})
