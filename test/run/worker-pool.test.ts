import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { runBenchmark } from '../../src/run/run-benchmark.js'
import { createWorkerSend, defaultWorkerCount } from '../../src/run/worker-pool.js'
import type { RequestRecord, RunPlan, Workload } from '../../src/types.js'

const FIRST_TOKEN_DELAY_MS = 20

function chunk(content: string, finish: string | null): string {
  const delta = JSON.stringify({
    id: 'c',
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta: { content }, finish_reason: finish }],
  })
  return `data: ${delta}\n\n`
}

/** Streams 3 tokens FIRST_TOKEN_DELAY_MS after the request; `stall` in the prompt: never answers. */
function startSseServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (part: Buffer) => {
      body += part.toString()
    })
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      if (body.includes('stall')) return
      setTimeout(() => {
        res.write(chunk('a', null))
        res.write(chunk('b', null))
        res.write(chunk('c', 'stop'))
        res.end(
          'data: {"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":4,"completion_tokens":3}}\n\ndata: [DONE]\n\n',
        )
      }, FIRST_TOKEN_DELAY_MS)
    })
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({ url: `http://127.0.0.1:${port}/v1`, server })
    }),
  )
}

function planFor(baseUrl: string, workload: Partial<Workload>, prompt = 'hello'): RunPlan {
  return {
    target: { name: 't', description: '', kind: 'openai', baseUrl, headers: {}, keepalive: true },
    model: { name: 'm', fullName: 'm', description: '', source: 'server' },
    workload: {
      name: 'w',
      description: '',
      arrival: 'constant',
      concurrency: 4,
      maxTokens: 3,
      temperature: 0,
      promptType: 'short',
      api: 'chat',
      ignoreEos: false,
      ...workload,
    },
    prompts: [{ text: prompt, category: 'test' }],
    seed: 1,
    timeouts: { connectMs: 2000, firstByteMs: 5000, idleMs: 5000, totalMs: 10_000 },
    outputDir: '',
    graceMs: 2000,
    toolVersion: 'test',
  }
}

async function runWithWorkers(plan: RunPlan, workers: number, abortAfterMs: number | null = null) {
  const pool = await createWorkerSend(plan, { workers, tokenizer: null })
  const interrupt = new AbortController()
  // Started once the workers are up, so the abort lands in the run, not before it.
  if (abortAfterMs !== null) setTimeout(() => interrupt.abort('interrupted by SIGINT'), abortAfterMs)
  const records: RequestRecord[] = []
  const startedAt = performance.now()
  try {
    const result = await runBenchmark(plan, {
      signal: interrupt.signal,
      interruptGraceMs: 100,
      onRecord: (record) => records.push(record),
      expected: null,
      countTokens: null,
      includeUsage: true,
      ignoreEos: false,
      // The stalling server would hold the warm-up request until the interrupt.
      warmup: abortAfterMs === null,
      send: pool.send,
    })
    return { result, records, runMs: performance.now() - startedAt, perWorker: pool.sentPerWorker() }
  } finally {
    await pool.close()
  }
}

describe('createWorkerSend', () => {
  let url = ''
  let server: Server
  before(async () => {
    ;({ url, server } = await startSseServer())
  })
  after(() => {
    server.closeAllConnections()
    server.close()
  })

  test('a closed loop over 2 workers gives exactly one record per request, with sane times', async () => {
    const { result, records, runMs, perWorker } = await runWithWorkers(planFor(url, { requests: 40 }), 2)
    assert.equal(result.completed, 40)
    assert.equal(records.length, 40)
    assert.deepEqual(
      records.map((r) => r.request_id).sort((a, b) => a - b),
      Array.from({ length: 40 }, (_, i) => i),
    )
    // Least-loaded dispatch of a cap of 4 over 2 workers: both carry load, 40 requests plus
    // runBenchmark's unrecorded warm-up (3 rounds of min(cap 4, 16) requests) in all.
    assert.equal(perWorker.length, 2)
    assert.equal((perWorker[0] ?? 0) + (perWorker[1] ?? 0), 40 + 3 * 4)
    assert.ok((perWorker[0] ?? 0) > 0 && (perWorker[1] ?? 0) > 0, `per worker: ${perWorker}`)
    for (const r of records) {
      assert.equal(r.outcome, 'ok', r.error ?? '')
      assert.equal(r.output_tokens, 3)
      assert.equal(r.tokens_source, 'usage')
      assert.ok((r.ttft_ms ?? 0) >= FIRST_TOKEN_DELAY_MS - 1, `ttft ${r.ttft_ms}`)
      assert.ok((r.ttft_ms ?? 0) < FIRST_TOKEN_DELAY_MS + 500, `ttft ${r.ttft_ms}`)
      // Offsets from the main thread's run start, whatever thread took them.
      assert.ok(r.sent_at_ms >= 0 && r.sent_at_ms <= runMs, `sent_at ${r.sent_at_ms} of ${runMs}`)
      assert.ok(r.ended_at_ms >= r.sent_at_ms && r.ended_at_ms <= runMs)
      assert.ok(Math.abs(r.ended_at_ms - r.sent_at_ms - (r.e2e_ms ?? 0)) < 1e-6)
    }
  })

  test('an open loop keeps the main schedule: scheduled_at_ms = id × 10 ms, sent soon after', async () => {
    const { records } = await runWithWorkers(planFor(url, { rps: 100, requests: 20 }), 2)
    assert.equal(records.length, 20)
    for (const r of records) {
      assert.equal(r.scheduled_at_ms, r.request_id * 10)
      const lagMs = r.sent_at_ms - (r.scheduled_at_ms ?? 0)
      assert.ok(lagMs >= 0 && lagMs < 200, `schedule lag ${lagMs} ms`)
      assert.equal(r.queue_ms, lagMs)
    }
  })

  test('aborting the run ends the requests held by workers as aborted records', async () => {
    const { result, records } = await runWithWorkers(planFor(url, { requests: 4 }, 'stall'), 2, 150)
    assert.equal(result.interruptedBy, 'interrupted by SIGINT')
    assert.equal(records.length, 4)
    for (const r of records) {
      assert.equal(r.outcome, 'aborted')
      assert.equal(r.error, 'Aborted: interrupted by SIGINT')
    }
  })
})

describe('defaultWorkerCount', () => {
  // [concurrency, rps, cpus, workers]: under 4 cores always the main thread alone (as
  // `--workers` help says); from 4 cores a closed loop at c >= 64 gets one worker per core
  // (up to 8), an open loop at >= 1000 req/s one per core less the main thread's (up to 8).
  const table: Array<[number, number | undefined, number, number]> = [
    [256, undefined, 1, 1],
    [64, undefined, 2, 1],
    [1024, undefined, 2, 1],
    [64, undefined, 3, 1],
    [63, undefined, 16, 1],
    [64, undefined, 4, 4],
    [512, undefined, 32, 8],
    [256, 999, 16, 1],
    [8, 5000, 2, 1],
    [8, 5000, 3, 1],
    [8, 1000, 4, 3],
    [8, 1000, 32, 8],
  ]
  for (const [concurrency, rps, cpus, workers] of table) {
    test(`c=${concurrency} rps=${rps ?? 'closed'} on ${cpus} cores: ${workers}`, () => {
      const workload = rps === undefined ? { concurrency } : { concurrency, rps }
      assert.equal(defaultWorkerCount(workload, cpus), workers)
    })
  }
})
