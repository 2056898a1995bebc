import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { startSimServer } from '../../src/sim/server.js'
import { chunksOf, post, tokenText } from '../support/sim-client.js'

const FAST = { prefillBaseMs: 0, prefillPerTokenMs: 0, decodeBaseMs: 0.5, decodePerSeqMs: 0 }

// The same request sequence (two chats, one completion) against a fresh server.
async function answers(seed: number): Promise<string[]> {
  const sim = await startSimServer({ ...FAST, seed, minOutputTokens: 2 })
  try {
    const texts: string[] = []
    for (const stream of [false, true]) {
      const res = await post(sim.url, '/chat/completions', {
        messages: [{ role: 'user', content: 'Tell me a story' }],
        max_tokens: 12,
        stream,
      })
      texts.push(
        stream ? chunksOf(res).map(tokenText).join('') : JSON.parse(res.text).choices[0].message.content,
      )
    }
    const completion = await post(sim.url, '/completions', { prompt: 'Once', max_tokens: 12 })
    texts.push(JSON.parse(completion.text).choices[0].text)
    return texts
  } finally {
    await sim.close()
  }
}

describe('simulated server determinism', () => {
  test('two servers with the same seed give the same text for the same request sequence', async () => {
    const first = await answers(42)
    assert.deepEqual(await answers(42), first)
    // Requests differ by arrival index, so their answers differ too.
    assert.notEqual(first[0], first[1])
    assert.notDeepEqual(await answers(43), first)
  })
})
