import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { startSimServer } from '../../src/sim/server.js'
import { chunksOf, post, tokenText } from '../support/sim-client.js'

const MESSAGES = [{ role: 'user', content: 'Say something.' }]

function contentArrivals(result: Awaited<ReturnType<typeof post>>): number[] {
  const chunks = chunksOf(result)
  return result.events
    .filter((event) => event.data !== '[DONE]')
    .filter((_, i) => tokenText(chunks[i] as (typeof chunks)[number]) !== '')
    .map((event) => event.atMs)
}

// Opens `count` keep-alive connections and warms the code paths, so the measured requests
// don't pay connection setup and first-call compilation (~15 ms on a cold process).
async function warmUp(url: string, count: number): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, () =>
      post(url, '/chat/completions', { messages: MESSAGES, max_tokens: 2, stream: true }),
    ),
  )
}

describe('simulated server timing and capacity', () => {
  test('a lone request sees prefill + one decode step, then one token per decode step', async () => {
    const sim = await startSimServer({
      maxBatchSize: 64,
      prefillBaseMs: 20,
      prefillPerTokenMs: 0,
      decodeBaseMs: 5,
      decodePerSeqMs: 0,
    })
    try {
      await warmUp(sim.url, 1)
      // The server cannot be early, only late (a busy machine delays timers and reads), so
      // the best of three runs is the estimate of the modelled time.
      const runs: number[][] = []
      for (let i = 0; i < 3; i++) {
        const res = await post(sim.url, '/chat/completions', {
          messages: MESSAGES,
          max_tokens: 20,
          stream: true,
        })
        runs.push(contentArrivals(res))
      }
      assert.ok(runs.every((arrivals) => arrivals.length === 20))
      // First token: prefill 20 + decode 5 = 25 ms; last: 25 + 19 × 5 = 120 ms (±30 %).
      const first = Math.min(...runs.map((arrivals) => arrivals[0] as number))
      const last = Math.min(...runs.map((arrivals) => arrivals[19] as number))
      assert.ok(first >= 17.5 && first <= 32.5, `first token at ${first.toFixed(1)} ms`)
      assert.ok(last >= 84 && last <= 156, `last token at ${last.toFixed(1)} ms`)
    } finally {
      await sim.close()
    }
  })

  test('beyond maxBatchSize requests queue: later arrivals wait for a slot', async () => {
    const sim = await startSimServer({
      maxBatchSize: 2,
      prefillBaseMs: 20,
      prefillPerTokenMs: 0,
      decodeBaseMs: 10,
      decodePerSeqMs: 0,
    })
    try {
      await warmUp(sim.url, 6)
      const results = await Promise.all(
        Array.from({ length: 6 }, () =>
          post(sim.url, '/chat/completions', { messages: MESSAGES, max_tokens: 10, stream: true }),
        ),
      )
      const ttfts = results.map((res) => contentArrivals(res)[0] as number).sort((a, b) => a - b)
      // Modelled: the first two start at once (first tokens at 30 and 60 ms) and hold both
      // slots until 140 and 170 ms; the next two start then (170, 200 ms), the last two
      // after those finish (~310, ~340 ms). Lateness only adds, so the lower bounds are firm.
      const shown = ttfts.map(Math.round).join(', ')
      assert.ok((ttfts[1] as number) < 120, `first two TTFTs should be short: ${shown}`)
      assert.ok((ttfts[2] as number) >= 150, `the third waits for a slot: ${shown}`)
      assert.ok((ttfts[4] as number) >= 280, `the fifth waits for two batches: ${shown}`)
      assert.ok(results.every((res) => contentArrivals(res).length === 10))
      assert.deepEqual(sim.stats(), {
        received: 12,
        completed: 12,
        running: 0,
        waiting: 0,
        maxRunningSeen: 2,
      })
    } finally {
      await sim.close()
    }
  })
})
