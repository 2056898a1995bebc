// The simulator's /metrics serves vLLM's prefix-cache counters when it models a prefix cache
// (issue 16), and nothing of them when it does not.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { request } from 'undici'
import { readPrefixCounters } from '../../src/run/source-hook.js'
import { startSimServer } from '../../src/sim/server.js'
import { post } from '../support/sim-client.js'

async function metrics(baseUrl: string): Promise<string> {
  const res = await request(baseUrl.replace(/\/v1$/, '/metrics'))
  return res.body.text()
}

test('prefix-cache counters on /metrics: a repeated prompt hits its cached blocks', async (t) => {
  const sim = await startSimServer({ prefixCacheTokens: 10_000, decodeBaseMs: 1, prefillBaseMs: 1 })
  t.after(sim.close)
  // 640 characters = 160 simulator tokens = 10 blocks of 16.
  const body = {
    model: 'sim-llama-8b',
    messages: [{ role: 'user', content: 'abcd'.repeat(160) }],
    max_tokens: 2,
    stream: true,
  }
  assert.deepEqual(readPrefixCounters(await metrics(sim.url)), { queriedTokens: 0, hitTokens: 0 })
  await post(sim.url, '/chat/completions', body)
  await post(sim.url, '/chat/completions', body)
  // Second request: its first 9 blocks are cached (the last block is always computed).
  assert.deepEqual(readPrefixCounters(await metrics(sim.url)), { queriedTokens: 320, hitTokens: 144 })
})

test('no prefix cache, no prefix-cache counters', async (t) => {
  const sim = await startSimServer({ decodeBaseMs: 1 })
  t.after(sim.close)
  assert.equal(readPrefixCounters(await metrics(sim.url)), null)
})
