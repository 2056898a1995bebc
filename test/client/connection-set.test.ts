import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import { createTargetPool } from '../../src/client/pool.js'
import { sendRequest } from '../../src/client/send-request.js'
import { GENEROUS_TIMEOUTS } from '../support/client-context.js'

/** An SSE server that counts its TCP connections and what each request was. */
async function startCountingServer() {
  const seen: string[] = []
  let connections = 0
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} after ${connections} connections`)
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"object":"list","data":[]}')
      return
    }
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      setTimeout(() => {
        res.write('data: {"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}]}\n\n')
        res.end(
          'data: {"choices":[{"index":0,"delta":{"content":"b"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n',
        )
      }, 20)
    })
  })
  server.on('connection', () => {
    connections++
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/v1`,
    seen,
    connections: () => connections,
    close: () => {
      server.closeAllConnections()
      server.close()
    },
  }
}

test('warm() opens the whole cap before any request; 3 rounds of 8 concurrent requests reuse them', async (t) => {
  const server = await startCountingServer()
  t.after(server.close)
  const target = {
    name: 't',
    description: '',
    kind: 'openai' as const,
    baseUrl: server.url,
    headers: {},
    keepalive: true,
  }
  const pool = createTargetPool(target, 8, GENEROUS_TIMEOUTS)
  t.after(() => pool.close())
  assert.equal(await pool.warm('/v1/models', {}, new AbortController().signal), 8)
  assert.equal(server.connections(), 8)
  assert.equal(pool.size(), 8)
  const ctx = {
    dispatcher: pool,
    baseUrl: server.url,
    headers: {},
    timeouts: GENEROUS_TIMEOUTS,
    runStartMs: performance.now(),
    runStartEpochMs: Date.now(),
    countTokens: null,
    signal: new AbortController().signal,
  }
  for (let round = 0; round < 3; round++) {
    const records = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        sendRequest(
          {
            requestId: round * 8 + i,
            model: 'm',
            prompt: { text: 'hi', category: 'test' },
            api: 'chat',
            maxTokens: 2,
            temperature: 0,
            ignoreEos: false,
            includeUsage: false,
            scheduledAtMs: null,
          },
          ctx,
        ),
      ),
    )
    assert.ok(records.every((record) => record.outcome === 'ok'))
  }
  // Every POST found its connection open: 8 connections in all, each opened by a GET.
  assert.equal(server.connections(), 8)
  assert.equal(server.seen.filter((line) => line.startsWith('GET /v1/models')).length, 8)
  assert.ok(
    server.seen
      .filter((line) => line.startsWith('POST'))
      .every((line) => line.endsWith('after 8 connections')),
  )
  assert.equal(pool.size(), 8)
})

test('close() closes every connection, 256 at a time: 600 warm connections all end', async (t) => {
  let open = 0
  let opened = 0
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{"object":"list","data":[]}')
  })
  server.on('connection', (socket) => {
    open++
    opened++
    socket.on('close', () => {
      open--
    })
  })
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 1024 }, resolve))
  t.after(() => {
    server.closeAllConnections()
    server.close()
  })
  const { port } = server.address() as AddressInfo
  const target = {
    name: 't',
    description: '',
    kind: 'openai' as const,
    baseUrl: `http://127.0.0.1:${port}/v1`,
    headers: {},
    keepalive: true,
  }
  const pool = createTargetPool(target, 600, GENEROUS_TIMEOUTS)
  assert.equal(await pool.warm('/v1/models', {}, new AbortController().signal), 600)
  assert.equal(opened, 600)
  await pool.close()
  assert.equal(pool.isClosed, true)
  // The client's sockets are closed; the server sees each FIN within a few turns.
  for (let turn = 0; open > 0 && turn < 100_000; turn++) await new Promise((resolve) => setImmediate(resolve))
  assert.equal(open, 0)
  assert.equal(opened, 600)
})
