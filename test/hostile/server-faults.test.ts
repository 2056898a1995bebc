// A misbehaving server. Most single faults are asserted on one request in
// test/client/send-request-failures.test.ts and test/client/sse-parser.test.ts (see
// docs/hostile-cases.md for the map); this file adds the ones missing there, then drives a
// whole run through the CLI against a raw server that rotates through every fault.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { type AddressInfo, createServer, type Socket } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, test } from 'node:test'
import { main } from '../../src/cli/main.js'
import { sendRequest } from '../../src/client/send-request.js'
import type { RequestRecord, Summary } from '../../src/types.js'
import { chatSpec, type TestContext, testContext } from '../support/client-context.js'
import { createFakeIo } from '../support/fake-io.js'
import {
  contentChunk,
  finishChunk,
  httpChunk,
  LAST_CHUNK,
  type RawServer,
  ROLE_CHUNK,
  schedule,
  sseData,
  sseHead,
  startRawServer,
  usageChunk,
} from '../support/raw-server.js'
import { createTempProject } from '../support/temp-project.js'
import { serveInEachTest } from '../support/use-raw-server.js'

let server: RawServer | null = null
// A context a test builds itself (not through serve); serve's own close after their test.
let ctx: TestContext | null = null
afterEach(() => ctx?.close())
const serve = serveInEachTest((served) => {
  server = served.server
})

/** A token counter that keeps the generated text it was given, for exact checks. */
function countInto(texts: string[], tokens: number): (generated: string) => number {
  return (generated) => {
    texts.push(generated)
    return tokens
  }
}

/** A complete non-streamed HTTP response with a content-length. */
function response(status: string, contentType: string | null, body: string, extraHeaders = ''): string {
  const type = contentType === null ? '' : `content-type: ${contentType}\r\n`
  return `HTTP/1.1 ${status}\r\n${type}content-length: ${Buffer.byteLength(body)}\r\n${extraHeaders}\r\n${body}`
}

/** A well-formed stream: role chunk, `tokens` one per chunk, finish, usage, [DONE]. */
function okStream(socket: Socket, tokens: string[]): void {
  socket.write(sseHead())
  let body = sseData(ROLE_CHUNK)
  for (const token of tokens) body += sseData(contentChunk(token))
  body += `${sseData(finishChunk())}${sseData(usageChunk(5, tokens.length))}data: [DONE]\n\n`
  socket.write(httpChunk(body))
  socket.write(LAST_CHUNK)
}

const STATUSES = [
  ['401', 'Unauthorized'],
  ['403', 'Forbidden'],
  ['404', 'Not Found'],
  ['429', 'Too Many Requests'],
  ['500', 'Internal Server Error'],
  ['503', 'Service Unavailable'],
] as const

describe('HTTP errors: every status with a JSON, an HTML and an empty body', () => {
  for (const [code, reason] of STATUSES) {
    test(`${code} → http_error, the body's message, Retry-After kept`, async () => {
      // Three answers, in request order.
      const bodies: Array<[string | null, string]> = [
        ['application/json', `{"error":{"message":"${reason} (json)","type":"x","code":${code}}}`],
        [
          'text/html',
          `<html><head><title>${code}</title></head><body><h1>${reason}</h1><hr>nginx</body></html>`,
        ],
        [null, ''],
      ]
      const context = await serve((_request, socket) => {
        const [type, body] = bodies[(server?.requests.length ?? 0) - 1] ?? [null, '']
        socket.write(response(`${code} ${reason}`, type, body, 'retry-after: 7\r\n'))
      })
      const records: RequestRecord[] = []
      for (let i = 0; i < 3; i++) records.push(await sendRequest(chatSpec({ requestId: i }), context))
      assert.deepEqual(
        records.map((r) => [r.outcome, r.http_status, r.error, r.retry_after_s, r.success, r.e2e_ms]),
        [
          ['http_error', Number(code), `HTTP ${code}: ${reason} (json)`, 7, false, null],
          ['http_error', Number(code), `HTTP ${code}: ${code} ${reason} nginx`, 7, false, null],
          ['http_error', Number(code), `HTTP ${code}: empty body`, 7, false, null],
        ],
      )
    })
  }
})

describe('connections', () => {
  test('TLS to a plain-HTTP port: network_error with the OpenSSL reason and the likely fix, not its dump', async (t) => {
    // A plain HTTP server answers the TLS hello bytes with an HTTP 400.
    const plain = createServer((socket) => {
      socket.on('error', () => {})
      socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n'))
    })
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', () => resolve()))
    t.after(() => new Promise<void>((resolve) => plain.close(() => resolve())))
    const { port } = plain.address() as AddressInfo
    ctx = testContext(`https://127.0.0.1:${port}/v1`)
    const record = await sendRequest(chatSpec(), ctx)
    assert.deepEqual(
      [record.outcome, record.http_status, record.error, record.ttfb_ms],
      [
        'network_error',
        null,
        'ERR_SSL_WRONG_VERSION_NUMBER: wrong version number (the server does not speak TLS: use http:// in base_url?)',
        null,
      ],
    )
  })
})

describe('stalls: each hits its own timeout', () => {
  test('a stream that stalls forever after the first token, idle budget larger: the whole-request timeout', async () => {
    const context = await serve(
      (_request, socket) => {
        socket.write(sseHead())
        socket.write(httpChunk(sseData(ROLE_CHUNK) + sseData(contentChunk('a'))))
      },
      { timeouts: { idleMs: 2000, totalMs: 250 } },
    )
    const record = await sendRequest(chatSpec(), context)
    assert.equal(record.outcome, 'timeout')
    assert.equal(record.timeout_kind, 'total')
    assert.equal(record.error, 'Request exceeded 250 ms')
    assert.equal(record.http_status, 200)
    assert.equal(record.output_tokens, 1)
    const waitedMs = record.ended_at_ms - record.sent_at_ms
    assert.ok(waitedMs >= 249 && waitedMs < 400, `waited ${waitedMs}`)
  })

  test('no byte ever, first-byte budget larger: the whole-request timeout', async () => {
    const context = await serve(() => {}, { timeouts: { firstByteMs: 2000, totalMs: 250 } })
    const record = await sendRequest(chatSpec(), context)
    assert.deepEqual(
      [record.outcome, record.timeout_kind, record.error, record.http_status, record.ttfb_ms],
      ['timeout', 'total', 'Request exceeded 250 ms', null, null],
    )
  })

  test('headers, then silence before any token: idle between chunks', async () => {
    const context = await serve(
      (_request, socket) => {
        socket.write(sseHead())
        socket.write(httpChunk(sseData(ROLE_CHUNK)))
      },
      { timeouts: { idleMs: 200 } },
    )
    const record = await sendRequest(chatSpec(), context)
    assert.deepEqual(
      [record.outcome, record.timeout_kind, record.error, record.output_tokens, record.ttft_ms],
      ['timeout', 'idle', 'No data for 200 ms', 0, null],
    )
  })
})

describe('big, broken and oddly framed streams', () => {
  test('a 3 MB data line is read whole: ok, tokens from usage', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024)
    const context = await serve((_request, socket) => okStream(socket, ['a', big, 'b']))
    const record = await sendRequest(chatSpec(), context)
    assert.equal(record.outcome, 'ok', `error: ${record.error}`)
    assert.equal(record.output_tokens, 3)
    assert.equal(record.tokens_source, 'usage')
    assert.equal(record.itl_ms.length, 2)
  })

  test('a 3 MB invalid data line: stream_error with the start of the line, clipped to 80 characters', async () => {
    const line = `{"choices":[{"delta":{"content":"${'y'.repeat(3 * 1024 * 1024)}"}}`
    const context = await serve((_request, socket) => {
      socket.write(sseHead())
      socket.write(httpChunk(`${sseData(contentChunk('a'))}data: ${line}\n\n`))
    })
    const record = await sendRequest(chatSpec(), context)
    assert.equal(record.outcome, 'stream_error')
    assert.equal(record.error, `Invalid JSON in stream: ${line.slice(0, 79)}…`)
    assert.equal(record.output_tokens, 1)
  })

  test('multi-byte characters split across network reads decode exactly', async () => {
    const text: string[] = []
    const wire = Buffer.from(
      `${sseData(contentChunk('한국어'))}${sseData(contentChunk(' 😀é'))}${sseData(finishChunk())}data: [DONE]\n\n`,
    )
    // Cut inside 한 (3 bytes) and inside 😀 (4 bytes): each piece is its own HTTP chunk, 15 ms apart.
    const cutA = wire.indexOf(Buffer.from('한')) + 1
    const cutB = wire.indexOf(Buffer.from('😀')) + 2
    const context = await serve(
      (_request, socket) => {
        socket.write(sseHead())
        schedule(socket, [
          [0, httpChunk(wire.subarray(0, cutA))],
          [15, httpChunk(wire.subarray(cutA, cutB))],
          [30, httpChunk(wire.subarray(cutB))],
          [30, LAST_CHUNK],
        ])
      },
      { countTokens: countInto(text, 2) },
    )
    const record = await sendRequest(chatSpec(), context)
    assert.equal(record.outcome, 'ok', `error: ${record.error}`)
    assert.deepEqual(text, ['한국어 😀é'])
    assert.equal(record.tokens_source, 'tokenizer')
  })

  test('invalid UTF-8 inside a token becomes U+FFFD; the request still succeeds', async () => {
    const text: string[] = []
    const context = await serve(
      (_request, socket) => {
        socket.write(sseHead())
        const chunk = Buffer.concat([
          Buffer.from('data: {"choices":[{"index":0,"delta":{"content":"a'),
          Buffer.from([0xff, 0xc3]),
          Buffer.from('b"},"finish_reason":null}]}\n\n'),
        ])
        socket.write(
          httpChunk(Buffer.concat([chunk, Buffer.from(`${sseData(finishChunk())}data: [DONE]\n\n`)])),
        )
        socket.write(LAST_CHUNK)
      },
      { countTokens: countInto(text, 1) },
    )
    const record = await sendRequest(chatSpec(), context)
    assert.equal(record.outcome, 'ok', `error: ${record.error}`)
    assert.deepEqual(text, ['a\uFFFD\uFFFDb'])
  })

  test('CRLF framing, comment lines and a BOM over the wire', async () => {
    const text: string[] = []
    const context = await serve(
      (_request, socket) => {
        socket.write(sseHead())
        const lines = [
          ': keep-alive comment',
          '',
          `data: ${JSON.stringify(contentChunk('Hel'))}`,
          '',
          ': another comment',
          `data: ${JSON.stringify(contentChunk('lo'))}`,
          '',
          `data: ${JSON.stringify(finishChunk())}`,
          '',
          'data: [DONE]',
          '',
          '',
        ]
        socket.write(httpChunk(`\uFEFF${lines.join('\r\n')}`))
        socket.write(LAST_CHUNK)
      },
      { countTokens: countInto(text, 2) },
    )
    const record = await sendRequest(chatSpec(), context)
    assert.equal(record.outcome, 'ok', `error: ${record.error}`)
    assert.deepEqual(text, ['Hello'])
    assert.equal(record.itl_ms.length, 1)
  })
})

// ── a whole run against a server that rotates through the faults ──

const TIMEOUT_SEC = 0.3
const MEASURED_MAX_TOKENS = 12

interface Fault {
  name: string
  respond(socket: Socket): void
  expected: {
    outcome: RequestRecord['outcome']
    http_status: number | null
    error: string | RegExp | null
    timeout_kind?: RequestRecord['timeout_kind']
    retry_after_s?: number | null
    output_tokens?: number
  }
}

function streamHead(socket: Socket, extra = ''): void {
  socket.write(sseHead())
  socket.write(httpChunk(sseData(ROLE_CHUNK) + sseData(contentChunk('a')) + extra))
}

const FAULTS: Fault[] = [
  {
    name: 'a healthy stream',
    respond: (socket) => okStream(socket, ['one', ' two', ' three', ' four']),
    expected: { outcome: 'ok', http_status: 200, error: null, output_tokens: 4 },
  },
  {
    name: '401 with a JSON body',
    respond: (socket) =>
      socket.write(
        response(
          '401 Unauthorized',
          'application/json',
          '{"error":{"message":"Invalid API key","code":401}}',
        ),
      ),
    expected: { outcome: 'http_error', http_status: 401, error: 'HTTP 401: Invalid API key' },
  },
  {
    name: '403 with an HTML body',
    respond: (socket) =>
      socket.write(
        response('403 Forbidden', 'text/html', '<html><body><h1>403 Forbidden</h1></body></html>'),
      ),
    expected: { outcome: 'http_error', http_status: 403, error: 'HTTP 403: 403 Forbidden' },
  },
  {
    name: '404 with an empty body',
    respond: (socket) => socket.write(response('404 Not Found', null, '')),
    expected: { outcome: 'http_error', http_status: 404, error: 'HTTP 404: empty body' },
  },
  {
    name: '429 with Retry-After',
    respond: (socket) =>
      socket.write(
        response(
          '429 Too Many Requests',
          'application/json',
          '{"error":{"message":"Rate limit reached"}}',
          'retry-after: 2\r\n',
        ),
      ),
    expected: {
      outcome: 'http_error',
      http_status: 429,
      error: 'HTTP 429: Rate limit reached',
      retry_after_s: 2,
    },
  },
  {
    name: '500 with an HTML body',
    respond: (socket) =>
      socket.write(
        response('500 Internal Server Error', 'text/html', '<html><body>Internal Server Error</body></html>'),
      ),
    expected: { outcome: 'http_error', http_status: 500, error: 'HTTP 500: Internal Server Error' },
  },
  {
    name: '503 with an empty body',
    respond: (socket) => socket.write(response('503 Service Unavailable', 'text/plain', '')),
    expected: { outcome: 'http_error', http_status: 503, error: 'HTTP 503: empty body' },
  },
  {
    name: 'a 200 that is JSON, not a stream',
    respond: (socket) => socket.write(response('200 OK', 'application/json', '{"choices":[]}')),
    expected: {
      outcome: 'stream_error',
      http_status: 200,
      error: 'Expected text/event-stream, got application/json',
    },
  },
  {
    name: 'a stall before the first byte',
    respond: () => {},
    expected: {
      outcome: 'timeout',
      http_status: null,
      error: 'Request exceeded 300 ms',
      timeout_kind: 'total',
      output_tokens: 0,
    },
  },
  {
    name: 'a stall after the first token',
    respond: (socket) => streamHead(socket),
    expected: {
      outcome: 'timeout',
      http_status: 200,
      error: 'Request exceeded 300 ms',
      timeout_kind: 'total',
      output_tokens: 1,
    },
  },
  {
    name: 'a reset mid-stream',
    respond: (socket) => {
      socket.write(sseHead())
      socket.write(httpChunk(sseData(contentChunk('a'))), () =>
        setTimeout(() => socket.resetAndDestroy(), 10),
      )
    },
    expected: { outcome: 'network_error', http_status: 200, error: /^ECONNRESET: /, output_tokens: 1 },
  },
  {
    name: 'an end without [DONE]',
    respond: (socket) => {
      // No usage here: the run's tokenizer counts "a" + " second" as 2 tokens.
      streamHead(socket, sseData(contentChunk(' second')))
      socket.write(LAST_CHUNK)
    },
    expected: {
      outcome: 'stream_error',
      http_status: 200,
      error: 'Stream ended without [DONE]',
      output_tokens: 2,
    },
  },
  {
    name: 'an error event on HTTP 200',
    respond: (socket) =>
      streamHead(socket, 'event: error\ndata: {"error":{"message":"upstream model crashed","code":500}}\n\n'),
    expected: {
      outcome: 'stream_error',
      http_status: 200,
      error: 'Error event in stream: upstream model crashed',
    },
  },
  {
    name: 'invalid JSON in a data line',
    respond: (socket) => streamHead(socket, 'data: {"choices":[{"delta":{"content":"x"}},]}\n\n'),
    expected: {
      outcome: 'stream_error',
      http_status: 200,
      error: 'Invalid JSON in stream: {"choices":[{"delta":{"content":"x"}},]}',
    },
  },
  {
    name: 'a 2 MB data line',
    respond: (socket) => okStream(socket, ['a', 'z'.repeat(2 * 1024 * 1024), 'b']),
    expected: { outcome: 'ok', http_status: 200, error: null, output_tokens: 3 },
  },
  {
    name: 'BOM, CRLF, comments, split and invalid UTF-8',
    respond: (socket) => {
      const wire = Buffer.concat([
        Buffer.from(`\uFEFF: hello\r\n\r\ndata: ${JSON.stringify(contentChunk('한국'))}\r\n\r\n`),
        Buffer.from('data: {"choices":[{"index":0,"delta":{"content":"'),
        Buffer.from([0xfe]),
        Buffer.from(`"},"finish_reason":null}]}\r\n\r\n: bye\r\n${sseData(finishChunk())}`),
        Buffer.from(`${sseData(usageChunk(5, 2))}data: [DONE]\r\n\r\n`),
      ])
      const cut = wire.indexOf(Buffer.from('한')) + 2
      socket.write(sseHead())
      schedule(socket, [
        [0, httpChunk(wire.subarray(0, cut))],
        [10, httpChunk(wire.subarray(cut))],
        [10, LAST_CHUNK],
      ])
    },
    expected: { outcome: 'ok', http_status: 200, error: null, output_tokens: 2 },
  },
]

describe('a run against a server that rotates through the faults', () => {
  test('completes, one record per request with the right outcome, errors broken down by kind', async (t) => {
    const rounds = 2
    // Measured requests ask for MEASURED_MAX_TOKENS; the capability probe (max_tokens 8) and
    // the warm-up (4) get healthy answers, and its GET /v1/models a model list.
    const isMeasured = (request: { method: string; body: string }) =>
      request.method === 'POST' && request.body.includes(`"max_tokens":${MEASURED_MAX_TOKENS}`)
    const rotating = await startRawServer((request, socket) => {
      if (request.method === 'GET') {
        socket.write(response('200 OK', 'application/json', '{"object":"list","data":[{"id":"org/m"}]}'))
        return
      }
      if (!isMeasured(request)) {
        okStream(socket, ['o', 'k', '!', ' ', 'o', 'k', '!', ' '])
        return
      }
      const index = rotating.requests.filter(isMeasured).length - 1
      FAULTS[index % FAULTS.length]?.respond(socket)
    })
    t.after(() => rotating.close())
    const project = createTempProject({
      targets: `targets:\n  - name: flaky\n    base_url: ${rotating.baseUrl}\n    api_key: EMPTY\n`,
      models: 'models:\n  - name: m\n    full_name: org/m\n',
      // Closed loop with one worker: request i is the server's i-th, so it meets FAULTS[i % n].
      workloads: `workloads:\n  - name: rotate\n    requests: ${rounds * FAULTS.length}\n    concurrency: 1\n    max_tokens: ${MEASURED_MAX_TOKENS}\n    prompt_type: short\n`,
    })
    t.after(project.remove)
    const io = createFakeIo({ cwd: project.dir })
    const code = await main(
      [
        'run',
        '--config-dir',
        project.configDir,
        '--output-dir',
        project.outputDir,
        '--timeout',
        String(TIMEOUT_SEC),
      ],
      io,
    )
    assert.equal(code, 0, io.err() + io.out())

    const rawDir = join(project.outputDir, 'raw')
    const rawFile = readdirSync(rawDir).find((file) => file.endsWith('.jsonl')) ?? ''
    const records = readFileSync(join(rawDir, rawFile), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as RequestRecord)
      .sort((a, b) => a.request_id - b.request_id)
    assert.deepEqual(
      records.map((r) => r.request_id),
      Array.from({ length: rounds * FAULTS.length }, (_, i) => i),
      'exactly one record per request',
    )
    for (const record of records) {
      const fault = FAULTS[record.request_id % FAULTS.length] as Fault
      const { expected } = fault
      const label = `request ${record.request_id} (${fault.name}): ${record.error}`
      assert.equal(record.outcome, expected.outcome, label)
      assert.equal(record.success, expected.outcome === 'ok', label)
      assert.equal(record.http_status, expected.http_status, label)
      // Every failed record carries its stable cause; an HTTP error's is its status.
      if (expected.outcome === 'ok') assert.equal(record.error_code, null, label)
      else if (expected.outcome === 'http_error')
        assert.equal(record.error_code, `HTTP_${expected.http_status}`, label)
      else assert.match(record.error_code ?? '', /^[A-Z][A-Z_]+$/, label)
      if (expected.error instanceof RegExp) assert.match(record.error ?? '', expected.error, label)
      else assert.equal(record.error, expected.error, label)
      assert.equal(record.timeout_kind, expected.timeout_kind ?? null, label)
      assert.equal(record.retry_after_s, expected.retry_after_s ?? null, label)
      if (expected.output_tokens !== undefined)
        assert.equal(record.output_tokens, expected.output_tokens, label)
      if (expected.outcome !== 'ok') assert.equal(record.e2e_ms, null, label)
    }

    // The terminal summary: latency over successful requests only, then the error breakdown
    // by kind (most frequent first) and one example message per kind.
    const out = io.out()
    assert.match(out, /✅ Done: 32 requests, 6 succeeded \(18\.8%\)/)
    assert.match(out, /\nSummary \(latency over successful requests only\)\n/)
    assert.match(out, /\| Success Rate +\| 18\.75% \|/)
    assert.match(out, /\nRequests: 32 total, 6 ok, 26 failed, 0 aborted, 0 not sent;/)
    const errorsAt = out.indexOf('\nErrors: ')
    assert.ok(errorsAt >= 0, out)
    const errorLines = out
      .slice(errorsAt + 1)
      .split('\n')
      .slice(0, 13)
    // Grouped by error_code: four causes of stream_error are four groups; the two timeouts
    // (with and without a status) are one cause, so one group.
    assert.deepEqual(errorLines.slice(0, 1), [
      'Errors: timeout TIMEOUT_TOTAL × 4 · http_error HTTP_401 × 2 · http_error HTTP_403 × 2 · ' +
        'http_error HTTP_404 × 2 · http_error HTTP_429 × 2 · http_error HTTP_500 × 2 · http_error HTTP_503 × 2 · ' +
        'network_error ECONNRESET × 2 · stream_error STREAM_ERROR_EVENT × 2 · stream_error STREAM_INVALID_JSON × 2 · ' +
        'stream_error STREAM_NO_DONE × 2 · stream_error STREAM_NOT_SSE × 2',
    ])
    assert.deepEqual(errorLines.slice(1, 13), [
      '  timeout TIMEOUT_TOTAL: Request exceeded 300 ms',
      '  http_error HTTP_401: HTTP 401: Invalid API key',
      '  http_error HTTP_403: HTTP 403: 403 Forbidden',
      '  http_error HTTP_404: HTTP 404: empty body',
      '  http_error HTTP_429: HTTP 429: Rate limit reached',
      '  http_error HTTP_500: HTTP 500: Internal Server Error',
      '  http_error HTTP_503: HTTP 503: empty body',
      errorLines[8]?.startsWith('  network_error ECONNRESET: ECONNRESET: ')
        ? (errorLines[8] ?? '')
        : 'network_error line',
      '  stream_error STREAM_ERROR_EVENT: Error event in stream: upstream model crashed',
      '  stream_error STREAM_INVALID_JSON: Invalid JSON in stream: {"choices":[{"delta":{"content":"x"}},]}',
      '  stream_error STREAM_NO_DONE: Stream ended without [DONE]',
      '  stream_error STREAM_NOT_SSE: Expected text/event-stream, got application/json',
    ])

    // The summary file: the same groups with up to three distinct examples, latency over the 6 ok.
    const summaryDir = join(project.outputDir, 'summary')
    const summaryFile = readdirSync(summaryDir).find((file) => file.endsWith('.json')) ?? ''
    const summary = JSON.parse(readFileSync(join(summaryDir, summaryFile), 'utf8')) as Summary
    assert.deepEqual(summary.requests, { total: 32, ok: 6, failed: 26, aborted: 0, notSent: 0 })
    assert.equal(summary.successRate, 6 / 32)
    assert.equal(summary.ttftMs?.count, 6)
    assert.equal(summary.e2eMs?.count, 6)
    assert.deepEqual(
      summary.errors.map((group) => [group.error_code, group.count]),
      [
        ['TIMEOUT_TOTAL', 4],
        ['HTTP_401', 2],
        ['HTTP_403', 2],
        ['HTTP_404', 2],
        ['HTTP_429', 2],
        ['HTTP_500', 2],
        ['HTTP_503', 2],
        ['ECONNRESET', 2],
        ['STREAM_ERROR_EVENT', 2],
        ['STREAM_INVALID_JSON', 2],
        ['STREAM_NO_DONE', 2],
        ['STREAM_NOT_SSE', 2],
      ],
    )
    assert.deepEqual(summary.errors[11], {
      outcome: 'stream_error',
      error_code: 'STREAM_NOT_SSE',
      http_status: 200,
      count: 2,
      examples: ['Expected text/event-stream, got application/json'],
    })
  })
})
