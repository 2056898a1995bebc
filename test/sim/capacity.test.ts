import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { DEFAULT_SIM_OPTIONS, simModelTiming } from '../../src/sim/options.js'
import { startSimServer } from '../../src/sim/server.js'
import { chunksOf, post, tokenText } from '../support/sim-client.js'
import { runVirtualLoad } from './virtual-load.js'

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

// The shipped workloads (configs/workloads.yaml) against the default capacity, on a virtual
// clock: medium prompts are ~60 tokens, every answer is max_tokens (512) long.
describe('default capacity against the shipped workloads (virtual clock)', () => {
  const timing8b = simModelTiming(DEFAULT_SIM_OPTIONS, 'sim-llama-8b')
  const shipped = (rps: number, concurrency: number, durationSec = 120) =>
    runVirtualLoad(timing8b, { rps, concurrency, durationSec, promptTokens: 60, outputTokens: 512 })

  test('the 8B alone: TTFT = prefill 4 + 0.03 x 60 plus one decode step; TPOT 3.035 ms', () => {
    const lone = runVirtualLoad(timing8b, {
      rps: 0.1,
      concurrency: 1,
      durationSec: 20,
      promptTokens: 60,
      outputTokens: 512,
    })
    // 4 + 1.8 + (3 + 0.035) = 8.835 ms; e2e adds 511 steps of 3.035 ms = 1559.72 ms.
    assert.ok(Math.abs(lone.ttftP50Ms - 8.835) < 1e-9, `ttft ${lone.ttftP50Ms}`)
    assert.ok(Math.abs(lone.e2eP50Ms - (8.835 + 511 * 3.035)) < 1e-6, `e2e ${lone.e2eP50Ms}`)
  })

  test('the 4B is faster than the 8B: decode 0.6x, prefill 0.5x', () => {
    const timing4b = simModelTiming(DEFAULT_SIM_OPTIONS, 'sim-qwen3-4b')
    assert.deepEqual(timing4b, {
      maxBatchSize: 256,
      prefillBaseMs: 2,
      prefillPerTokenMs: 0.015,
      decodeBaseMs: 1.7999999999999998,
      decodePerSeqMs: 0.021,
    })
    const load = { rps: 20, concurrency: 50, durationSec: 60, promptTokens: 60, outputTokens: 512 }
    const fast = runVirtualLoad(timing4b, load)
    const slow = runVirtualLoad(timing8b, load)
    assert.ok(fast.e2eP50Ms < 0.65 * slow.e2eP50Ms, `4B ${fast.e2eP50Ms} vs 8B ${slow.e2eP50Ms}`)
    assert.equal(fast.notSent, 0)
  })

  test('low-load and medium-load are healthy: every request sent on time, TTFT ~10 ms', () => {
    for (const [rps, concurrency] of [
      [1, 2],
      [5, 10],
    ] as const) {
      const result = shipped(rps, concurrency)
      assert.equal(result.sent, rps * 120, `${rps} rps: all sent`)
      assert.equal(result.notSent, 0)
      assert.equal(result.slotWaitP50Ms, 0)
      assert.ok(result.ttftP50Ms < 15, `${rps} rps: TTFT p50 ${result.ttftP50Ms}`)
      assert.ok(result.completedPerSec >= rps * 0.98, `${rps} rps: ${result.completedPerSec} req/s`)
    }
  })

  test('high-load is the knee: e2e makes 20 rps need just over the 50 in-flight cap', () => {
    const result = shipped(20, 50)
    // 20 req/s x e2e 2.72 s = ~54 in flight > 50: a few percent wait for a slot.
    assert.ok(result.e2eP50Ms > 2500 && result.e2eP50Ms < 3000, `e2e ${result.e2eP50Ms}`)
    assert.ok(result.notSent > 0 && result.notSent < 0.15 * 2400, `not sent ${result.notSent}`)
    assert.ok(result.completedPerSec > 17 && result.completedPerSec < 20, `${result.completedPerSec}`)
    assert.ok(result.ttftP50Ms < 15, `the server itself does not queue: TTFT ${result.ttftP50Ms}`)
  })

  test('stress-test saturates, and beyond the client cap the server saturates at ~32 req/s', () => {
    const capped = shipped(50, 100)
    assert.ok(capped.notSent > 0.4 * 6000, `not sent ${capped.notSent}`)
    assert.ok(capped.completedPerSec < 27, `${capped.completedPerSec} req/s`)
    // With no client cap, the server's own queue grows: TTFT in seconds, throughput flat.
    const uncapped = shipped(50, 100_000)
    assert.ok(uncapped.completedPerSec > 29 && uncapped.completedPerSec < 35, `${uncapped.completedPerSec}`)
    assert.ok(uncapped.ttftP50Ms > 5000, `TTFT ${uncapped.ttftP50Ms}`)
  })
})
