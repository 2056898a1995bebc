import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { startSimServer } from '../../src/sim/server.js'
import type { SimFault, SimOptions } from '../../src/types.js'
import { chunksOf, post, tokenText } from '../support/sim-client.js'

const FAST: Partial<SimOptions> = {
  prefillBaseMs: 1,
  prefillPerTokenMs: 0,
  decodeBaseMs: 2,
  decodePerSeqMs: 0,
}
const CHAT = { messages: [{ role: 'user', content: 'Hi' }], max_tokens: 6, stream: true }

async function withFault<T>(
  fault: SimFault,
  run: (url: string) => Promise<T>,
  extra: Partial<SimOptions> = {},
) {
  const sim = await startSimServer({ ...FAST, errorRate: 1, faults: [fault], ...extra })
  try {
    return { result: await run(sim.url), stats: sim.stats() }
  } finally {
    await sim.close()
  }
}

describe('simulated server fault injection', () => {
  test('http_429 answers 429 with retry-after and a rate_limit_error body', async () => {
    const { result } = await withFault('http_429', (url) => post(url, '/chat/completions', CHAT))
    assert.equal(result.status, 429)
    assert.equal(result.headers['retry-after'], '1')
    assert.deepEqual(JSON.parse(result.text), {
      error: {
        message: 'Simulated rate limit, retry after 1 s',
        type: 'rate_limit_error',
        param: null,
        code: 429,
      },
    })
  })

  test('http_500 answers 500 with a server_error body', async () => {
    const { result, stats } = await withFault('http_500', (url) => post(url, '/completions', { prompt: 'x' }))
    assert.equal(result.status, 500)
    assert.deepEqual(JSON.parse(result.text), {
      error: { message: 'Simulated internal server error', type: 'server_error', param: null, code: 500 },
    })
    assert.deepEqual(stats, { received: 1, completed: 0, running: 0, waiting: 0, maxRunningSeen: 0 })
  })

  test('error_event sends an error event after 2 tokens and ends without [DONE]', async () => {
    const { result, stats } = await withFault('error_event', (url) => post(url, '/chat/completions', CHAT))
    assert.equal(result.status, 200)
    assert.equal(result.error, null)
    const chunks = chunksOf(result)
    assert.equal(chunks.filter((chunk) => tokenText(chunk) !== '').length, 2)
    assert.equal(
      result.events.at(-1)?.data,
      '{"error":{"message":"simulated failure","type":"server_error","code":500}}',
    )
    assert.ok(!result.text.includes('[DONE]'))
    assert.equal(stats.running, 0)
    assert.equal(stats.completed, 0)
  })

  test('drop destroys the socket after 2 tokens', async () => {
    const { result, stats } = await withFault('drop', (url) => post(url, '/chat/completions', CHAT))
    assert.equal(result.status, 200)
    assert.ok(result.error instanceof Error, 'the body ended with an error')
    assert.equal(chunksOf(result).filter((chunk) => tokenText(chunk) !== '').length, 2)
    assert.ok(!result.text.includes('[DONE]'))
    assert.equal(stats.running, 0)
  })

  test('stall holds the stream for stallMs after the first token, then finishes it', async () => {
    const { result } = await withFault('stall', (url) => post(url, '/chat/completions', CHAT), {
      stallMs: 300,
    })
    assert.equal(result.status, 200)
    const chunks = chunksOf(result)
    const tokenEvents = result.events.filter((_, i) => chunks[i] !== undefined && tokenText(chunks[i]) !== '')
    assert.equal(tokenEvents.length, 6)
    const gapMs = (tokenEvents[1]?.atMs ?? 0) - (tokenEvents[0]?.atMs ?? 0)
    assert.ok(gapMs >= 270 && gapMs <= 450, `gap after the first token ${gapMs.toFixed(0)} ms`)
    assert.equal(result.events.at(-1)?.data, '[DONE]')
  })

  test('maxQueue answers 503 once that many requests wait', async () => {
    const sim = await startSimServer({ ...FAST, maxBatchSize: 1, decodeBaseMs: 20, maxQueue: 1 })
    try {
      // Streaming headers go out on arrival, so awaiting each post's headers is not enough;
      // the first runs, the second waits; poll stats until both are in.
      const first = post(sim.url, '/chat/completions', { ...CHAT, max_tokens: 3 })
      const second = post(sim.url, '/chat/completions', { ...CHAT, max_tokens: 3 })
      while (sim.stats().running + sim.stats().waiting < 2) await new Promise((r) => setTimeout(r, 2))
      const third = await post(sim.url, '/chat/completions', CHAT)
      assert.equal(third.status, 503)
      const body = JSON.parse(third.text)
      assert.deepEqual(body.error.type, 'server_error')
      assert.deepEqual(body.error.code, 503)
      assert.deepEqual([(await first).status, (await second).status], [200, 200])
      assert.deepEqual(sim.stats(), { received: 3, completed: 2, running: 0, waiting: 0, maxRunningSeen: 1 })
    } finally {
      await sim.close()
    }
  })

  test('errorRate picks the faulted requests by seed, the same on every server', async () => {
    const statuses = async () => {
      const sim = await startSimServer({ ...FAST, errorRate: 0.5, faults: ['http_500'], seed: 7 })
      try {
        const seen: number[] = []
        for (let i = 0; i < 20; i++)
          seen.push((await post(sim.url, '/completions', { prompt: 'x', max_tokens: 1 })).status)
        return seen
      } finally {
        await sim.close()
      }
    }
    const first = await statuses()
    assert.deepEqual(await statuses(), first)
    const failed = first.filter((status) => status === 500).length
    assert.ok(failed > 3 && failed < 17, `${failed} of 20 failed`)
  })

  test('a client that disconnects frees its slot', async () => {
    const sim = await startSimServer({ ...FAST, decodeBaseMs: 5 })
    try {
      const { request } = await import('undici')
      const controller = new AbortController()
      const res = await request(`${sim.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...CHAT, max_tokens: 200 }),
        signal: controller.signal,
      })
      for await (const _ of res.body) break // one chunk in, then hang up
      controller.abort()
      while (sim.stats().running > 0) await new Promise((r) => setTimeout(r, 5))
      assert.deepEqual(sim.stats(), { received: 1, completed: 0, running: 0, waiting: 0, maxRunningSeen: 1 })
    } finally {
      await sim.close()
    }
  })
})
