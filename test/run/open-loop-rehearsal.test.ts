import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { sendRequest } from '../../src/client/send-request.js'
import { rehearseOpenLoop } from '../../src/run/open-loop-rehearsal.js'
import { PreciseClock } from '../../src/run/precise-clock.js'
import { runBenchmark } from '../../src/run/run-benchmark.js'
import type { RequestRecord, RunPlan } from '../../src/types.js'
import { testContext } from '../support/client-context.js'
import { fixturePlan } from '../support/shard-fixture.js'

// A server that answers every chat request with one token and usage at once, and keeps
// the max_tokens of each in arrival order (the warm-up asks 4, the measured requests 16).
const STREAM =
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'a' }, finish_reason: 'stop' }] })}\n\n` +
  `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } })}\n\n` +
  'data: [DONE]\n\n'

let server: Server
let baseUrl = ''
let asked: number[] = []
before(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8')
    })
    req.on('end', () => {
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end('{"object":"list","data":[]}')
        return
      }
      asked.push((JSON.parse(body) as { max_tokens: number }).max_tokens)
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.end(STREAM)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
})
after(() => new Promise<void>((resolve) => server.close(() => resolve())))

/** 100 arrivals/s, constant: the rehearsal's 0.3 s holds the arrivals at 0, 10, …, 290 ms. */
function openLoopPlan(overrides: Partial<RunPlan['workload']> = {}): RunPlan {
  const plan = fixturePlan({ rps: 100, requests: 5, concurrency: 50, maxTokens: 16, ...overrides })
  return { ...plan, target: { ...plan.target, baseUrl } }
}

describe('an open loop rehearses 0.3 s of its own schedule before the window', () => {
  test('the server sees the warm-up rounds, then 30 rehearsed arrivals, then the 5 measured ones', async () => {
    asked = []
    const records: RequestRecord[] = []
    await runBenchmark(openLoopPlan(), {
      signal: new AbortController().signal,
      interruptGraceMs: 100,
      expected: 5,
      countTokens: null,
      includeUsage: true,
      ignoreEos: true,
      onRecord: (record) => records.push(record),
    })
    // The rounds at 100/s: 0.3 s of arrivals is 30, 3 rounds of the floor of 16 is 48, the
    // larger wins; then 30 rehearsed (0.3 s at 10 ms apart). All ask 4 tokens, none recorded.
    assert.deepEqual(asked, [...Array<number>(48 + 30).fill(4), ...Array<number>(5).fill(16)])
    assert.deepEqual(
      records.map((record) => [record.request_id, record.outcome]),
      [0, 1, 2, 3, 4].map((id) => [id, 'ok']),
    )
  })

  test('a shard rehearses its own rate whole (not its slice) and leaves the run its clock', async () => {
    asked = []
    const sent: Array<{ id: number; atMs: number | null; maxTokens: number }> = []
    const rehearsed: RequestRecord[] = []
    const ctx = testContext(baseUrl, { connections: 8 })
    const clock = new PreciseClock()
    try {
      await rehearseOpenLoop(
        {
          ...openLoopPlan({ rps: 200 }),
          shard: { index: 1, count: 2, runId: 'r', startAtEpochMs: Date.now() },
        },
        {
          ratePerSec: 100, // this shard's share of 200/s
          durationSec: 0.3,
          ctx,
          send: (spec, sendCtx) => {
            sent.push({ id: spec.requestId, atMs: spec.scheduledAtMs, maxTokens: spec.maxTokens })
            return sendRequest(spec, sendCtx)
          },
          maxTokens: 4,
          includeUsage: true,
          clock,
          rehearse: (record) => rehearsed.push(record),
        },
      )
      assert.deepEqual(
        sent.map((s) => s.id),
        Array.from({ length: 30 }, (_, i) => i),
      )
      assert.deepEqual(
        sent.map((s) => s.atMs),
        Array.from({ length: 30 }, (_, i) => i * 10),
      )
      assert.ok(sent.every((s) => s.maxTokens === 4))
      assert.equal(rehearsed.length, 30)
      assert.equal(asked.length, 30)
      // Still open: a sleep on it lasts at least its length (a closed clock returns at once).
      const fromMs = performance.now()
      await clock.sleepUntil(fromMs + 20)
      assert.ok(performance.now() - fromMs >= 19.9)
    } finally {
      clock.close()
      await ctx.close()
    }
  })
})
