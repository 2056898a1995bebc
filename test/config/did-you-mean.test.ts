import assert from 'node:assert/strict'
import { test } from 'node:test'
import { didYouMean, editDistance } from '../../src/config/did-you-mean.js'

test('edit distance counts inserts, deletes and substitutions', () => {
  assert.equal(editDistance('concurency', 'concurrency'), 1)
  assert.equal(editDistance('kitten', 'sitting'), 3)
  assert.equal(editDistance('', 'abc'), 3)
  assert.equal(editDistance('RPS', 'rps'), 0)
})

test('suggests the closest known word within a third of the length', () => {
  const keys = ['duration', 'requests', 'rps', 'concurrency', 'max_tokens', 'temperature']
  assert.equal(didYouMean('concurency', keys), 'concurrency')
  assert.equal(didYouMean('max_token', keys), 'max_tokens')
  assert.equal(didYouMean('temprature', keys), 'temperature')
  assert.equal(didYouMean('rsp', keys), 'rps')
  assert.equal(didYouMean('xyzzy', keys), undefined)
})

test('falls back to a known word that contains the input or is contained in it', () => {
  assert.equal(didYouMean('rps_limit', ['rps', 'concurrency']), 'rps')
  assert.equal(didYouMean('vllm', ['sim', 'vllm-local']), 'vllm-local')
})
