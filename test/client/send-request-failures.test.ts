import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { afterEach, describe, test } from 'node:test'
import { sendRequest } from '../../src/client/send-request.js'
import type { RequestRecord } from '../../src/types.js'
import { chatSpec, type TestContext, testContext } from '../support/client-context.js'
import {
  contentChunk,
  finishChunk,
  httpChunk,
  LAST_CHUNK,
  type RawServer,
  sseData,
  sseHead,
} from '../support/raw-server.js'
import { serveInEachTest } from '../support/use-raw-server.js'

let server: RawServer | null = null
// A context a test builds itself (not through serve); serve's own close after their test.
let ctx: TestContext | null = null
afterEach(() => ctx?.close())
const serve = serveInEachTest((served) => {
  server = served.server
})

/** A complete non-streamed HTTP response. */
function response(status: string, contentType: string | null, body: string, extraHeaders = ''): string {
  const type = contentType === null ? '' : `content-type: ${contentType}\r\n`
  return `HTTP/1.1 ${status}\r\n${type}content-length: ${Buffer.byteLength(body)}\r\n${extraHeaders}\r\n${body}`
}

function assertFailed(record: RequestRecord, outcome: RequestRecord['outcome']): void {
  assert.equal(record.outcome, outcome, `error: ${record.error}`)
  assert.equal(record.success, false)
  assert.equal(record.e2e_ms, null)
  assert.equal(record.total_time, null)
  assert.equal(record.tokens_per_sec, null)
  assert.equal(record.tpot_ms, null)
}

describe('HTTP errors', () => {
  const cases: Array<{ status: string; type: string | null; body: string; error: string; headers?: string }> =
    [
      {
        status: '401 Unauthorized',
        type: 'application/json',
        // A server echoing the key it rejected: the record must not carry it.
        body: '{"error":{"message":"Authentication Error, Invalid proxy server token passed. Received API Key = sk-test-secret-key-123456","type":"auth_error","param":"None","code":"401"}}',
        error:
          'HTTP 401: Authentication Error, Invalid proxy server token passed. Received API Key = sk-…3456',
      },
      {
        status: '403 Forbidden',
        type: 'application/json',
        body: '{"error":{"message":"Route not allowed","type":"auth_error","param":"None","code":"403"}}',
        error: 'HTTP 403: Route not allowed',
      },
      {
        status: '404 Not Found',
        type: 'text/html',
        body: '<html><head><title>404</title><style>p{}</style></head><body><h1>Not Found</h1><p>No &amp; route</p></body></html>',
        error: 'HTTP 404: 404 Not Found No & route',
      },
      {
        status: '404 Not Found',
        type: 'application/json',
        body: '{"detail":"Not Found"}',
        error: 'HTTP 404: Not Found',
      },
      {
        status: '429 Too Many Requests',
        type: 'application/json',
        body: '{"error":{"message":"Rate limit exceeded","type":"rate_limit","code":429}}',
        headers: 'retry-after: 7\r\n',
        error: 'HTTP 429: Rate limit exceeded',
      },
      { status: '500 Internal Server Error', type: null, body: '', error: 'HTTP 500: empty body' },
      {
        status: '503 Service Unavailable',
        type: 'text/plain',
        body: `upstream overloaded ${'x'.repeat(400)}`,
        error: `HTTP 503: upstream overloaded ${'x'.repeat(199 - 'upstream overloaded '.length)}…`,
      },
    ]

  for (const { status, type, body, error, headers } of cases) {
    test(`${status} with ${type ?? 'no'} body → http_error "${error.slice(0, 50)}"`, async () => {
      const context = await serve((_request, socket) => socket.write(response(status, type, body, headers)))
      const record = await sendRequest(chatSpec(), context)
      assertFailed(record, 'http_error')
      assert.equal(record.http_status, Number(status.slice(0, 3)))
      assert.equal(record.error, error)
      assert.equal(record.retry_after_s, headers === undefined ? null : 7)
      assert.equal(record.output_tokens, 0)
      assert.equal(record.tokens_source, 'chunks')
      assert.equal(record.ttft_ms, null)
      assert.ok(record.ttfb_ms !== null)
    })
  }

  test('429 with an HTTP-date Retry-After gives seconds from now', async () => {
    const at = new Date(Date.now() + 30_000).toUTCString()
    const context = await serve((_request, socket) =>
      socket.write(response('429 Too Many Requests', 'application/json', '{}', `retry-after: ${at}\r\n`)),
    )
    const record = await sendRequest(chatSpec(), context)
    assert.equal(record.error, 'HTTP 429: {}')
    assert.ok(record.retry_after_s !== null && record.retry_after_s > 28 && record.retry_after_s <= 30)
  })
})

describe('stream errors on HTTP 200', () => {
  test('a JSON body where a stream was asked for', async () => {
    const context = await serve((_request, socket) =>
      socket.write(response('200 OK', 'application/json', '{"choices":[{"message":{"content":"hi"}}]}')),
    )
    const record = await sendRequest(chatSpec(), context)
    assertFailed(record, 'stream_error')
    assert.equal(record.http_status, 200)
    assert.equal(record.error, 'Expected text/event-stream, got application/json')
  })

  test('an HTML page with status 200', async () => {
    const context = await serve((_request, socket) =>
      socket.write(response('200 OK', 'text/html; charset=utf-8', '<html>login</html>')),
    )
    const record = await sendRequest(chatSpec(), context)
    assert.equal(record.error, 'Expected text/event-stream, got text/html; charset=utf-8')
  })

  test('an `error` event', async () => {
    const context = await serve((_request, socket) => {
      socket.write(sseHead())
      socket.write(httpChunk(sseData(contentChunk('a'))))
      socket.write(httpChunk('event: error\ndata: {"error":{"message":"overloaded","code":503}}\n\n'))
    })
    const record = await sendRequest(chatSpec(), context)
    assertFailed(record, 'stream_error')
    assert.equal(record.error, 'Error event in stream: overloaded')
    assert.equal(record.output_tokens, 1)
    assert.ok(record.ttft_ms !== null)
  })

  test('a LiteLLM mid-stream error payload (fixture) with no [DONE] after it', async () => {
    const errorEvent = readFileSync(
      new URL('../fixtures/sse/synthetic-litellm-midstream-error.sse', import.meta.url),
      'utf8',
    )
    const context = await serve((_request, socket) => {
      socket.write(sseHead())
      socket.write(httpChunk(sseData(contentChunk('a')) + errorEvent))
      socket.write(LAST_CHUNK)
    })
    const record = await sendRequest(chatSpec(), context)
    assertFailed(record, 'stream_error')
    assert.equal(record.error, 'Error in stream: <str(e)>')
  })

  test('an invalid JSON data line stops reading', async () => {
    const context = await serve((_request, socket) => {
      socket.write(sseHead())
      socket.write(
        httpChunk(`${sseData(contentChunk('a'))}data: {"choices":[{"delta":{"content":"b"}},]}\n\n`),
      )
      socket.write(httpChunk(sseData(contentChunk('c'))))
    })
    const record = await sendRequest(chatSpec(), context)
    assertFailed(record, 'stream_error')
    assert.equal(record.error, 'Invalid JSON in stream: {"choices":[{"delta":{"content":"b"}},]}')
    assert.equal(record.output_tokens, 1)
  })

  test('the stream ends without [DONE] and without finish_reason', async () => {
    const context = await serve((_request, socket) => {
      socket.write(sseHead())
      socket.write(httpChunk(sseData(contentChunk('a')) + sseData(contentChunk('b'))))
      socket.write(LAST_CHUNK)
    })
    const record = await sendRequest(chatSpec(), context)
    assertFailed(record, 'stream_error')
    assert.equal(record.error, 'Stream ended without [DONE]')
    assert.equal(record.output_tokens, 2)
  })

  test('a proper end with no token at all is not a success', async () => {
    const context = await serve((_request, socket) => {
      socket.write(sseHead())
      socket.write(httpChunk(`${sseData(finishChunk())}data: [DONE]\n\n`))
      socket.write(LAST_CHUNK)
    })
    const record = await sendRequest(chatSpec(), context)
    assertFailed(record, 'stream_error')
    assert.equal(record.error, 'Stream ended without any token')
    assert.equal(record.finish_reason, 'stop')
  })
})

describe('network errors', () => {
  test('connection refused (a port opened and closed again)', async () => {
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()))
    const address = probe.address()
    if (address === null || typeof address === 'string') throw new Error('no port')
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    ctx = testContext(`http://127.0.0.1:${address.port}/v1`)
    const record = await sendRequest(chatSpec(), ctx)
    assertFailed(record, 'network_error')
    assert.equal(record.http_status, null)
    assert.equal(record.ttfb_ms, null)
    assert.match(record.error ?? '', /^ECONNREFUSED: /)
  })

  test('reset mid-stream', async () => {
    const context = await serve((_request, socket) => {
      socket.write(sseHead())
      socket.write(httpChunk(sseData(contentChunk('a'))), () =>
        setTimeout(() => socket.resetAndDestroy(), 20),
      )
    })
    const record = await sendRequest(chatSpec(), context)
    assertFailed(record, 'network_error')
    assert.match(record.error ?? '', /^ECONNRESET: /)
    assert.equal(record.http_status, 200)
    assert.equal(record.output_tokens, 1)
    assert.equal(record.retries, 0)
  })

  test('socket closed mid-stream after some tokens', async () => {
    const context = await serve((_request, socket) => {
      socket.write(sseHead())
      socket.write(httpChunk(sseData(contentChunk('a'))), () => setTimeout(() => socket.end(), 20))
    })
    const record = await sendRequest(chatSpec(), context)
    assertFailed(record, 'network_error')
    assert.equal(record.error, 'UND_ERR_SOCKET: other side closed')
  })

  test('TLS to a plain HTTP port', async () => {
    const context = await serve(() => {})
    // The raw server answers TLS hello bytes with nothing it can parse; make it speak plain HTTP.
    await context.close()
    await server?.close()
    const plain = createServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n'))
    })
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', () => resolve()))
    const address = plain.address()
    if (address === null || typeof address === 'string') throw new Error('no port')
    server = null
    ctx = testContext(`https://127.0.0.1:${address.port}/v1`)
    try {
      const record = await sendRequest(chatSpec(), ctx)
      assertFailed(record, 'network_error')
      assert.match(record.error ?? '', /^[A-Z_]+: /)
    } finally {
      await new Promise<void>((resolve) => plain.close(() => resolve()))
    }
  })
})

describe('timeouts (200 ms budgets)', () => {
  test('connect: a TLS handshake that never completes', async () => {
    const silent = createServer(() => {})
    const sockets = new Set<import('node:net').Socket>()
    silent.on('connection', (socket) => sockets.add(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()))
    const address = silent.address()
    if (address === null || typeof address === 'string') throw new Error('no port')
    ctx = testContext(`https://127.0.0.1:${address.port}/v1`, { timeouts: { connectMs: 200 } })
    try {
      const record = await sendRequest(chatSpec(), ctx)
      assertFailed(record, 'timeout')
      assert.equal(record.timeout_kind, 'connect')
      assert.equal(record.error, 'No connection within 200 ms')
      // undici's connect timer ticks in steps of up to a second
      const waitedMs = record.ended_at_ms - record.sent_at_ms
      assert.ok(waitedMs >= 195 && waitedMs < 1500, `waited ${waitedMs}`)
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => silent.close(() => resolve()))
    }
  })

  test('first_byte: the server reads the request and never answers', async () => {
    const context = await serve(() => {}, { timeouts: { firstByteMs: 200 } })
    const record = await sendRequest(chatSpec(), context)
    assertFailed(record, 'timeout')
    assert.equal(record.timeout_kind, 'first_byte')
    assert.equal(record.error, 'No response headers within 200 ms')
    assert.equal(record.ttfb_ms, null)
    const waitedMs = record.ended_at_ms - record.sent_at_ms
    assert.ok(waitedMs >= 195 && waitedMs < 400, `waited ${waitedMs}`)
  })

  test('idle: one token, then silence', async () => {
    const context = await serve(
      (_request, socket) => {
        socket.write(sseHead())
        socket.write(httpChunk(sseData(contentChunk('a'))))
      },
      { timeouts: { idleMs: 200 } },
    )
    const record = await sendRequest(chatSpec(), context)
    assertFailed(record, 'timeout')
    assert.equal(record.timeout_kind, 'idle')
    assert.equal(record.error, 'No data for 200 ms')
    assert.equal(record.output_tokens, 1)
    const silentMs = record.ended_at_ms - record.sent_at_ms - (record.ttft_ms as number)
    assert.ok(silentMs >= 199 && silentMs < 300, `silent for ${silentMs}`)
  })

  test('total: tokens keep coming past the whole-request budget', async () => {
    const context = await serve(
      (_request, socket) => {
        socket.write(sseHead())
        const timer = setInterval(() => {
          if (socket.destroyed) clearInterval(timer)
          else socket.write(httpChunk(sseData(contentChunk('t'))))
        }, 20)
      },
      { timeouts: { totalMs: 200 } },
    )
    const record = await sendRequest(chatSpec(), context)
    assertFailed(record, 'timeout')
    assert.equal(record.timeout_kind, 'total')
    assert.equal(record.error, 'Request exceeded 200 ms')
    const waitedMs = record.ended_at_ms - record.sent_at_ms
    assert.ok(waitedMs >= 199 && waitedMs < 300, `waited ${waitedMs}`)
    assert.ok(record.output_tokens >= 5)
  })
})

describe('abort', () => {
  test('aborting the run signal ends an in-flight request as aborted', async () => {
    const controller = new AbortController()
    const context = await serve(
      (_request, socket) => {
        socket.write(sseHead())
        socket.write(httpChunk(sseData(contentChunk('a'))))
      },
      { signal: controller.signal },
    )
    setTimeout(() => controller.abort('grace period ended'), 100)
    const record = await sendRequest(chatSpec(), context)
    assertFailed(record, 'aborted')
    assert.equal(record.error, 'Aborted: grace period ended')
    assert.equal(record.output_tokens, 1)
  })

  test('an already aborted signal sends nothing', async () => {
    const controller = new AbortController()
    controller.abort()
    const context = await serve(() => {}, { signal: controller.signal })
    const record = await sendRequest(chatSpec(), context)
    assertFailed(record, 'aborted')
    assert.equal(record.error, 'Aborted')
    assert.equal(server?.requests.length, 0)
  })
})

describe('keep-alive retry', () => {
  function streamOk(socket: import('node:net').Socket): void {
    socket.write(sseHead())
    socket.write(httpChunk(`${sseData(contentChunk('a'))}${sseData(finishChunk())}data: [DONE]\n\n`))
    socket.write(LAST_CHUNK)
  }

  test('a reused socket closed before any response byte is retried once, on a new connection', async () => {
    // Like llama-server: answers with keep-alive, then drops the idle socket when the next
    // request arrives on it.
    const context = await serve(
      (request, socket) => {
        if (request.onConnection === 0) streamOk(socket)
        else socket.destroy()
      },
      { connections: 1 },
    )
    const first = await sendRequest(chatSpec(), context)
    const second = await sendRequest(chatSpec(), context)
    assert.equal(first.outcome, 'ok')
    assert.equal(first.retries, 0)
    assert.equal(second.outcome, 'ok', `error: ${second.error}`)
    assert.equal(second.retries, 1)
    assert.equal(second.error, null)
    assert.equal(server?.connections, 2)
    assert.deepEqual(
      server?.requests.map((r) => [r.connection, r.onConnection]),
      [
        [0, 0],
        [0, 1],
        [1, 0],
      ],
    )
  })

  test('a fresh connection closed before any byte is not retried', async () => {
    const context = await serve((_request, socket) => socket.destroy())
    const record = await sendRequest(chatSpec(), context)
    assertFailed(record, 'network_error')
    assert.equal(record.retries, 0)
    assert.equal(server?.requests.length, 1)
  })

  test('no retry once a response byte has arrived', async () => {
    const context = await serve(
      (request, socket) => {
        if (request.onConnection === 0) streamOk(socket)
        else socket.end('HTTP/1.1 200 OK\r\n')
      },
      { connections: 1 },
    )
    await sendRequest(chatSpec(), context)
    const record = await sendRequest(chatSpec(), context)
    assertFailed(record, 'network_error')
    assert.equal(record.retries, 0)
    assert.equal(server?.requests.length, 2)
  })
})
