import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { buildRequestBody, sendRequest } from '../../src/client/send-request.js'
import type { RequestRecord } from '../../src/types.js'
import { chatSpec, type TestContext } from '../support/client-context.js'
import {
  contentChunk,
  finishChunk,
  httpChunk,
  LAST_CHUNK,
  type RawHandler,
  type RawServer,
  ROLE_CHUNK,
  schedule,
  sseData,
  sseHead,
  usageChunk,
} from '../support/raw-server.js'
import { serveInEachTest } from '../support/use-raw-server.js'

// How long after the server's write the client may observe it: loopback delivery plus a turn
// of this process's event loop. Every timing check compares with when the server really wrote
// (never with its nominal schedule, whose timers fire late on a busy machine: a TTFT of 92.9
// for a nominal 50 was the server, not the client). 20 ms holds on a shared 2-core machine;
// the client's precision is measured by `npm run bench`, not here.
const TOLERANCE_MS = 20

let server: RawServer | null = null
const serve = serveInEachTest((served) => {
  server = served.server
})

function near(actual: number | null, expected: number, tolerance = TOLERANCE_MS): void {
  assert.ok(
    actual !== null && Math.abs(actual - expected) <= tolerance,
    `expected ${expected} ± ${tolerance}, got ${actual}`,
  )
}

// When the server of the last request actually wrote each scheduled step (performance.now()).
let written: number[] = []

/**
 * The client saw the event `sinceSentMs` after its send; the server wrote it at `writtenAt`.
 * Same process, same clock: the client's reading is the write plus loopback delivery.
 */
function seenJustAfter(
  context: TestContext,
  sentAtMs: number,
  sinceSentMs: number | null,
  writtenAt: number | undefined,
): void {
  assert.ok(sinceSentMs !== null && writtenAt !== undefined)
  const delayMs = context.runStartMs + sentAtMs + sinceSentMs - writtenAt
  assert.ok(delayMs >= 0 && delayMs <= TOLERANCE_MS, `observed ${delayMs} ms after the write`)
}

/** Role chunk at 0 ms, first token at 50 ms, then one token every 10 ms; then finish, usage, [DONE]. */
function timedStream(tokens: string[], tail: unknown[]): RawHandler {
  return (_request, socket) => {
    const steps: Array<[number, string | Buffer]> = [
      [0, sseHead()],
      [0, httpChunk(sseData(ROLE_CHUNK))],
    ]
    tokens.forEach((token, i) => {
      steps.push([50 + 10 * i, httpChunk(sseData(contentChunk(token)))])
    })
    const endMs = 50 + 10 * (tokens.length - 1)
    for (const payload of tail) steps.push([endMs, httpChunk(sseData(payload))])
    steps.push([endMs, httpChunk('data: [DONE]\n\n')], [endMs, LAST_CHUNK])
    written = schedule(socket, steps)
  }
}

describe('sendRequest measures a streamed chat response', () => {
  test('TTFT skips the role chunk; TPOT, ITL and tokens come from timing and usage', async () => {
    const context = await serve(
      timedStream(['He', 'llo', ' wor', 'ld', '!'], [finishChunk(), usageChunk(12, 5)]),
      {
        connections: 1,
      },
    )
    // Warm-up on the same connection: the first request of a process pays for connecting and JIT.
    await sendRequest(chatSpec(), context)
    const record = await sendRequest(chatSpec(), context)
    assert.equal(record.outcome, 'ok')
    assert.equal(record.success, true)
    assert.equal(record.error, null)
    assert.equal(record.http_status, 200)
    // Steps: head, role chunk, 5 tokens, finish, usage, [DONE], end.
    seenJustAfter(context, record.sent_at_ms, record.ttfb_ms, written[0])
    seenJustAfter(context, record.sent_at_ms, record.ttft_ms, written[2])
    seenJustAfter(context, record.sent_at_ms, record.e2e_ms, written[9])
    // The server never writes early, only late: the first token is at least 50 ms after the head.
    assert.ok((written[2] as number) - (written[0] as number) >= 49.5, 'server schedule')
    assert.equal(record.ttfo_ms, record.ttft_ms)
    assert.equal(record.output_tokens, 5)
    assert.equal(record.input_tokens, 12)
    assert.equal(record.tokens_source, 'usage')
    assert.equal(record.finish_reason, 'stop')
    // (e2e − ttft) / (5 − 1) with e2e − ttft ≈ 40 ms
    assert.equal(record.tpot_ms, ((record.e2e_ms as number) - (record.ttft_ms as number)) / 4)
    // e2e − ttft is the server's first-to-last-token span, each end observed within the bound.
    near((record.tpot_ms as number) * 4, (written[9] as number) - (written[2] as number))
    assert.equal(record.itl_ms.length, 4)
    record.itl_ms.forEach((gap, i) => {
      near(gap, (written[i + 3] as number) - (written[i + 2] as number), TOLERANCE_MS)
    })
    assert.equal(record.ttft, (record.ttft_ms as number) / 1000)
    assert.equal(record.total_time, (record.e2e_ms as number) / 1000)
    assert.equal(record.tokens_per_sec, 5 / ((record.e2e_ms as number) / 1000))
    assert.equal(record.retries, 0)
    assert.equal(record.timeout_kind, null)
    assert.equal(record.reasoning_tokens, null)
  })

  test('usage beats the chunk count when they differ', async () => {
    const context = await serve(timedStream(['a', 'b', 'c', 'd', 'e'], [finishChunk(), usageChunk(3, 7)]))
    const record = await sendRequest(chatSpec(), context)
    assert.equal(record.output_tokens, 7)
    assert.equal(record.tokens_source, 'usage')
    // (e2e − ttft) / (7 − 1), e2e − ttft ≈ 40 ms
    assert.equal(record.tpot_ms, ((record.e2e_ms as number) - (record.ttft_ms as number)) / 6)
  })

  test('no usage and a token counter: tokens_source tokenizer over all generated text', async () => {
    const seen: string[] = []
    const context = await serve(timedStream(['ab', 'cde'], [finishChunk()]), {
      countTokens: (text) => {
        seen.push(text)
        return text.length
      },
    })
    const record = await sendRequest(chatSpec({ includeUsage: false }), context)
    assert.equal(record.outcome, 'ok')
    assert.deepEqual(seen, ['abcde'])
    assert.equal(record.output_tokens, 5)
    assert.equal(record.tokens_source, 'tokenizer')
    assert.equal(record.input_tokens, null)
  })

  test('no usage and no counter: tokens_source chunks counts token-bearing chunks only', async () => {
    const context = await serve(timedStream(['ab', 'cde', 'f'], [finishChunk()]))
    const record = await sendRequest(chatSpec({ includeUsage: false }), context)
    assert.equal(record.output_tokens, 3)
    assert.equal(record.tokens_source, 'chunks')
    assert.equal(record.itl_ms.length, 2)
  })

  test('reasoning first: TTFT at the first reasoning token, TTFO at the first answer token', async () => {
    const context = await serve((_request, socket) => {
      const reasoning = (text: string) => ({ choices: [{ index: 0, delta: { reasoning_content: text } }] })
      written = schedule(socket, [
        [0, sseHead()],
        [20, httpChunk(sseData(reasoning('think')))],
        [30, httpChunk(sseData(reasoning('ing')))],
        [60, httpChunk(sseData(contentChunk('answer')))],
        [60, httpChunk(sseData(finishChunk()) + sseData(usageChunk(4, 9, 6)))],
        [60, httpChunk('data: [DONE]\n\n') + LAST_CHUNK],
      ])
    })
    const record = await sendRequest(chatSpec(), context)
    assert.equal(record.outcome, 'ok')
    seenJustAfter(context, record.sent_at_ms, record.ttft_ms, written[1])
    seenJustAfter(context, record.sent_at_ms, record.ttfo_ms, written[3])
    assert.equal(record.reasoning_tokens, 6)
    assert.equal(record.output_tokens, 9)
  })

  test('cumulative usage on every chunk spreads a gap over the tokens it carried', async () => {
    const context = await serve((_request, socket) => {
      const withUsage = (content: string, completion: number) =>
        contentChunk(content, {
          usage: { prompt_tokens: 2, completion_tokens: completion, total_tokens: 2 + completion },
        })
      written = schedule(socket, [
        [0, sseHead()],
        [
          0,
          httpChunk(
            sseData({ ...ROLE_CHUNK, usage: { prompt_tokens: 2, completion_tokens: 0, total_tokens: 2 } }),
          ),
        ],
        [20, httpChunk(sseData(withUsage('a', 1)))],
        [50, httpChunk(sseData(withUsage('bcd', 4)))],
        [60, httpChunk(sseData(withUsage('e', 5)) + sseData(finishChunk()) + sseData(usageChunk(2, 5)))],
        [60, httpChunk('data: [DONE]\n\n') + LAST_CHUNK],
      ])
    })
    const record = await sendRequest(chatSpec(), context)
    assert.equal(record.output_tokens, 5)
    // gap 20→50 (30 ms) over 3 tokens, then 50→60 over 1
    assert.equal(record.itl_ms.length, 4)
    const [a, b, c, d] = record.itl_ms as [number, number, number, number]
    assert.equal(a, b)
    assert.equal(b, c)
    near(a * 3, (written[3] as number) - (written[2] as number))
    near(d, (written[4] as number) - (written[3] as number))
  })

  test('legacy completions stream: text chunks, POST /v1/completions with prompt', async () => {
    const context = await serve((_request, socket) => {
      const text = (value: string, finish: string | null) => ({
        object: 'text_completion',
        choices: [{ index: 0, text: value, logprobs: null, finish_reason: finish }],
      })
      socket.write(sseHead())
      socket.write(httpChunk(sseData(text(' Paris', null)) + sseData(text('.', 'length'))))
      socket.write(httpChunk(`${sseData(usageChunk(5, 2))}data: [DONE]\n\n`))
      socket.write(LAST_CHUNK)
    })
    const record = await sendRequest(chatSpec({ api: 'completions' }), context)
    assert.equal(record.outcome, 'ok')
    assert.equal(record.output_tokens, 2)
    assert.equal(record.finish_reason, 'length')
    assert.equal(server?.requests[0]?.path, '/v1/completions')
    assert.deepEqual(JSON.parse(server?.requests[0]?.body ?? ''), {
      model: 'test-model',
      prompt: 'Say hi',
      max_tokens: 16,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    })
  })

  test('a clean close after finish_reason without [DONE] is a proper end (llama.cpp, TGI)', async () => {
    const context = await serve((_request, socket) => {
      written = schedule(socket, [
        [0, sseHead()],
        [0, httpChunk(sseData(contentChunk('hi')) + sseData(finishChunk()))],
        [30, LAST_CHUNK],
      ])
    })
    const record = await sendRequest(chatSpec({ includeUsage: false }), context)
    assert.equal(record.outcome, 'ok')
    seenJustAfter(context, record.sent_at_ms, record.e2e_ms, written[2])
    assert.equal(record.output_tokens, 1)
    assert.equal(record.tpot_ms, null)
  })

  test('record times: offsets from run start, queue and latency from the schedule, epoch timestamp', async () => {
    const context = await serve(timedStream(['x', 'y'], [finishChunk(), usageChunk(1, 2)]))
    const scheduledAtMs = performance.now() - context.runStartMs - 5
    const record = await sendRequest(chatSpec({ scheduledAtMs, requestId: 42 }), context)
    assert.equal(record.request_id, 42)
    assert.equal(record.scheduled_at_ms, scheduledAtMs)
    assert.equal(record.queue_ms, record.sent_at_ms - scheduledAtMs)
    // Scheduled 5 ms before the call: queue_ms is that plus however late the call ran.
    assert.ok(
      (record.queue_ms as number) >= 5 && (record.queue_ms as number) <= 5 + TOLERANCE_MS,
      `${record.queue_ms}`,
    )
    assert.equal(record.ended_at_ms - record.sent_at_ms, record.e2e_ms)
    assert.equal(record.latency_from_schedule_ms, record.ended_at_ms - scheduledAtMs)
    assert.equal(record.timestamp, (context.runStartEpochMs + record.sent_at_ms) / 1000)
    assert.equal(record.model, 'test-model')
    assert.equal(record.prompt, 'Say hi')
  })

  test('sends the OpenAI chat body, path and headers; keeps LiteLLM response headers', async () => {
    const context = await serve((_request, socket) => {
      socket.write(sseHead('x-litellm-model-id: dep-1234\r\nx-litellm-overhead-duration-ms: 3.25\r\n'))
      socket.write(httpChunk(`${sseData(contentChunk('ok')) + sseData(finishChunk())}data: [DONE]\n\n`))
      socket.write(LAST_CHUNK)
    })
    const record = await sendRequest(
      chatSpec({ ignoreEos: true, includeUsage: false, temperature: 0.7 }),
      context,
    )
    const request = server?.requests[0]
    assert.equal(request?.method, 'POST')
    assert.equal(request?.path, '/v1/chat/completions')
    assert.equal(request?.headers.authorization, 'Bearer sk-test-secret-key-123456')
    assert.equal(request?.headers['content-type'], 'application/json')
    assert.equal(request?.headers.connection, 'keep-alive')
    assert.deepEqual(JSON.parse(request?.body ?? ''), {
      model: 'test-model',
      messages: [{ role: 'user', content: 'Say hi' }],
      max_tokens: 16,
      temperature: 0.7,
      stream: true,
      ignore_eos: true,
    })
    assert.equal(record.litellm_model_id, 'dep-1234')
    assert.equal(record.litellm_overhead_ms, 3.25)
    assert.equal(record.tokens_source, 'chunks')
  })

  test('buildRequestBody puts stream_options only when usage is asked for', () => {
    assert.equal(
      buildRequestBody(chatSpec({ maxTokens: 8 })),
      '{"model":"test-model","messages":[{"role":"user","content":"Say hi"}],"max_tokens":8,"temperature":0,"stream":true,"stream_options":{"include_usage":true}}',
    )
  })

  test('[DONE] while the server holds the response open: measured at [DONE], settled after a short linger', async () => {
    const context = await serve((_request, socket) => {
      socket.write(sseHead())
      socket.write(httpChunk(`${sseData(contentChunk('a')) + sseData(finishChunk())}data: [DONE]\n\n`))
      // no last chunk: the response never ends
    })
    const before = performance.now()
    const record = await sendRequest(chatSpec({ includeUsage: false }), context)
    const waitedMs = performance.now() - before
    assert.equal(record.outcome, 'ok')
    assert.ok((record.e2e_ms as number) < 50, `e2e ${record.e2e_ms}`)
    assert.ok(waitedMs >= 240 && waitedMs < 1000, `settled after ${waitedMs} ms`)
  })

  test('keepalive: false sends connection: close and opens a new connection per request', async () => {
    const context = await serve(
      (_request, socket) => {
        socket.write(sseHead())
        socket.write(httpChunk(`${sseData(contentChunk('a')) + sseData(finishChunk())}data: [DONE]\n\n`))
        socket.write(LAST_CHUNK)
      },
      { keepalive: false },
    )
    const first = await sendRequest(chatSpec(), context)
    const second = await sendRequest(chatSpec(), context)
    assert.equal(first.outcome, 'ok')
    assert.equal(second.outcome, 'ok')
    assert.equal(server?.requests[0]?.headers.connection, 'close')
    assert.equal(server?.requests[1]?.connection, 1)
    assert.equal(server?.connections, 2)
  })

  test('keep-alive target reuses one connection for sequential requests', async () => {
    const context = await serve(
      (_request, socket) => {
        socket.write(sseHead())
        socket.write(httpChunk(`${sseData(contentChunk('a')) + sseData(finishChunk())}data: [DONE]\n\n`))
        socket.write(LAST_CHUNK)
      },
      { connections: 1 },
    )
    for (let i = 0; i < 3; i++) assert.equal((await sendRequest(chatSpec(), context)).outcome, 'ok')
    assert.equal(server?.connections, 1)
    assert.deepEqual(
      server?.requests.map((r) => r.onConnection),
      [0, 1, 2],
    )
  })

  // Recorded streams replayed in 7-byte HTTP chunks: the whole path, fixture to record.
  const replays: Array<[string, Partial<RequestRecord>]> = [
    [
      'openai-gpt-4o-include-usage.sse',
      { outcome: 'ok', output_tokens: 10, input_tokens: 17, tokens_source: 'usage', finish_reason: 'stop' },
    ],
    [
      'tgi-chat-include-usage.sse',
      { outcome: 'ok', output_tokens: 3, input_tokens: 39, tokens_source: 'usage', finish_reason: 'stop' },
    ],
    [
      'litellm-docs-image-generation-chat.sse',
      {
        outcome: 'ok',
        output_tokens: 0,
        input_tokens: null,
        tokens_source: 'tokenizer',
        finish_reason: 'stop',
      },
    ],
    [
      'vllm-qwen3-8b-stream-tail.sse',
      { outcome: 'ok', output_tokens: 0, tokens_source: 'tokenizer', finish_reason: 'stop', error: null },
    ],
    [
      'vllm-2024-role-chunk-without-content.sse',
      {
        outcome: 'stream_error',
        output_tokens: 0,
        tokens_source: 'tokenizer',
        error: 'Stream ended without [DONE]',
      },
    ],
  ]
  for (const [name, expected] of replays) {
    test(`replays ${name} split in 7-byte pieces`, async () => {
      const wire = readFileSync(new URL(`../fixtures/sse/${name}`, import.meta.url))
      const text: string[] = []
      const context = await serve(
        (_request, socket) => {
          socket.write(sseHead())
          for (let at = 0; at < wire.length; at += 7) socket.write(httpChunk(wire.subarray(at, at + 7)))
          socket.write(LAST_CHUNK)
        },
        {
          countTokens: (generated) => {
            text.push(generated)
            return 0
          },
        },
      )
      const record = await sendRequest(chatSpec(), context)
      if (name.startsWith('vllm-qwen3')) assert.deepEqual(text, ['가요?'])
      for (const [key, value] of Object.entries(expected)) {
        assert.deepEqual(record[key as keyof RequestRecord], value, key)
      }
    })
  }

  test('a request undici refuses (bad header value) is a record, not a rejection', async () => {
    const context = await serve(() => {}, { headers: { 'x-bad': 'a\nb' } })
    const record = await sendRequest(chatSpec(), context)
    assert.equal(record.outcome, 'network_error')
    assert.match(record.error ?? '', /^UND_ERR_INVALID_ARG: /)
  })
})
