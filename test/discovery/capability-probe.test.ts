import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { type AddressInfo, createServer as createNetServer, type Server as NetServer } from 'node:net'
import { afterEach, describe, test } from 'node:test'
import { Agent } from 'undici'
import { probeCapabilities } from '../../src/discovery/capability-probe.js'

const timeoutMs = 2000
const key = 'sk-probe-0123456789abcdefgh'

interface FakeOptions {
  /** Fields answered with 400 "Unrecognized request argument" (strict OpenAI style). */
  rejects?: string[]
  reasoningField?: 'reasoning' | 'reasoning_content'
  connectionClose?: boolean
  /** Close the socket after each response without saying so in a header. */
  silentClose?: boolean
}

interface Seen {
  method: string
  path: string
  body: Record<string, unknown> | null
}

/** A vLLM-like server: role-only first chunk, one token per chunk, usage on request, honours ignore_eos/min_tokens. */
function vllmLike(options: FakeOptions, seen: Seen[]) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    let raw = ''
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString()
    })
    req.on('end', () => {
      const body = raw === '' ? null : (JSON.parse(raw) as Record<string, unknown>)
      seen.push({ method: req.method ?? '', path: req.url ?? '', body })
      if (options.connectionClose === true) res.setHeader('connection', 'close')
      if (options.silentClose === true) res.on('finish', () => req.socket.end())
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end('{"object":"list","data":[{"id":"m"}]}')
        return
      }
      const rejected = (options.rejects ?? []).find((field) => body !== null && field in body)
      if (rejected !== undefined) {
        res.writeHead(400, { 'content-type': 'application/json' })
        res.end(
          JSON.stringify({
            error: {
              message: `Unrecognized request argument supplied: ${rejected}`,
              type: 'invalid_request_error',
            },
          }),
        )
        return
      }
      const maxTokens = Number(body?.max_tokens)
      const forced = body?.ignore_eos === true || Number(body?.min_tokens) >= maxTokens
      const tokens = forced ? maxTokens : 2
      const legacy = req.url === '/v1/completions'
      const chunk = (delta: Record<string, unknown>, finish: string | null = null) => {
        // Legacy completions have no delta and no role chunk: the text sits on the choice.
        const choice = legacy
          ? { index: 0, text: delta.content ?? '', finish_reason: finish }
          : { index: 0, delta, finish_reason: finish }
        return `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', model: 'm', choices: [choice] })}\n\n`
      }
      let out = legacy ? '' : chunk({ role: 'assistant', content: '' })
      for (let i = 0; i < tokens; i += 1) {
        out += chunk(
          options.reasoningField === undefined ? { content: 'tok' } : { [options.reasoningField]: 'think' },
        )
      }
      out += chunk({}, forced ? 'length' : 'stop')
      const streamOptions = body?.stream_options as { include_usage?: boolean } | undefined
      if (streamOptions?.include_usage === true) {
        out += `data: ${JSON.stringify({ id: 'c', choices: [], usage: { prompt_tokens: 9, completion_tokens: tokens, total_tokens: 9 + tokens } })}\n\n`
      }
      out += 'data: [DONE]\n\n'
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.end(out)
    })
  }
}

let closers: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const close of closers) await close()
  closers = []
})

async function startHttp(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server: Server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
}

/**
 * Behaves like @dwmkerr/mock-llm seen through a proxy that closes connections: no usage,
 * role and content in the same first chunk, fixed answer whatever the request asks, no
 * body framing (the body ends when the server closes the socket).
 */
async function startMockLlmLike(seenPaths: string[]): Promise<string> {
  const sockets = new Set<import('node:net').Socket>()
  const server: NetServer = createNetServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    let head = ''
    socket.on('data', (data: Buffer) => {
      head += data.toString()
      const end = head.indexOf('\r\n\r\n')
      if (end === -1) return
      const [requestLine = '', ...headerLines] = head.slice(0, end).split('\r\n')
      const length = Number(
        headerLines.find((line) => line.toLowerCase().startsWith('content-length:'))?.split(':')[1] ?? 0,
      )
      if (head.length < end + 4 + length) return
      const [method = '', path = ''] = requestLine.split(' ')
      seenPaths.push(`${method} ${path}`)
      const chunk = (delta: Record<string, unknown>, finish: string | null) =>
        `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`
      const body =
        method === 'GET'
          ? '{"object":"list","data":[{"id":"mock"}]}'
          : chunk({ content: 'Hello', role: 'assistant' }, null) +
            chunk({ content: ' there' }, null) +
            chunk({ content: '!' }, 'stop') +
            'data: [DONE]\n\n'
      const type = method === 'GET' ? 'application/json' : 'text/event-stream'
      socket.end(`HTTP/1.1 200 OK\r\ncontent-type: ${type}\r\ncache-control: no-cache\r\n\r\n${body}`)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  )
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
}

const probeArgs = (baseUrl: string) => ({
  baseUrl,
  headers: { authorization: `Bearer ${key}` },
  model: 'm',
  api: 'chat' as const,
  timeoutMs,
})

describe('probeCapabilities', () => {
  test('a vLLM-like server supports everything and keeps the connection', async () => {
    const seen: Seen[] = []
    const baseUrl = await startHttp(vllmLike({}, seen))
    const result = await probeCapabilities(probeArgs(baseUrl))
    assert.deepEqual(result, {
      capabilities: {
        includeUsage: true,
        ignoreEos: true,
        minTokens: true,
        reasoningField: null,
        roleOnlyFirstChunk: true,
        keepAlive: true,
      },
      notes: [],
    })
    assert.deepEqual(
      seen.map((request) => `${request.method} ${request.path}`),
      ['POST /v1/chat/completions', 'POST /v1/chat/completions', 'GET /v1/models'],
    )
    // One field per request, so each capability is told apart.
    assert.deepEqual(seen[0]?.body, {
      model: 'm',
      messages: [{ role: 'user', content: 'Reply with the single word OK.' }],
      max_tokens: 8,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
      ignore_eos: true,
    })
    assert.equal(seen[1]?.body?.min_tokens, 8)
    assert.equal('ignore_eos' in (seen[1]?.body ?? {}), false)
  })

  test('uses a given dispatcher and sees a connection: close header', async () => {
    const seen: Seen[] = []
    const baseUrl = await startHttp(vllmLike({ connectionClose: true }, seen))
    const agent = new Agent()
    closers.push(() => agent.close())
    const result = await probeCapabilities({ ...probeArgs(baseUrl), dispatcherOrNull: agent })
    assert.equal(result.capabilities.keepAlive, false)
    assert.equal(result.capabilities.includeUsage, true)
    assert.deepEqual(result.notes, [
      'The server closes connections after a streamed response (keepAlive false)',
    ])
  })

  test('a server that closes silently after each response is not keep-alive', async () => {
    const seen: Seen[] = []
    const baseUrl = await startHttp(vllmLike({ silentClose: true }, seen))
    const result = await probeCapabilities(probeArgs(baseUrl))
    assert.equal(result.capabilities.keepAlive, false)
    assert.equal(result.capabilities.ignoreEos, true)
    assert.equal(result.capabilities.minTokens, true)
    assert.ok(
      result.notes.includes('The server closes connections after a streamed response (keepAlive false)'),
    )
  })

  test('probes the legacy completions endpoint', async () => {
    const seen: Seen[] = []
    const baseUrl = await startHttp(vllmLike({}, seen))
    const result = await probeCapabilities({ ...probeArgs(baseUrl), api: 'completions' })
    assert.deepEqual(result.capabilities, {
      includeUsage: true,
      ignoreEos: true,
      minTokens: true,
      reasoningField: null,
      roleOnlyFirstChunk: false,
      keepAlive: true,
    })
    assert.equal(seen[0]?.path, '/v1/completions')
    assert.equal(seen[0]?.body?.prompt, 'Reply with the single word OK.')
  })

  test('a mock-llm-like server: no usage, no role-only chunk, ignores the fields, closes', async () => {
    const seenPaths: string[] = []
    const baseUrl = await startMockLlmLike(seenPaths)
    const result = await probeCapabilities(probeArgs(baseUrl))
    assert.deepEqual(result, {
      capabilities: {
        includeUsage: false,
        ignoreEos: false,
        minTokens: false,
        reasoningField: null,
        roleOnlyFirstChunk: false,
        keepAlive: false,
      },
      notes: [
        'No usage chunk: output tokens will be counted by tokenizer or chunks',
        'The server closes connections after a streamed response (keepAlive false)',
      ],
    })
    // The close was already seen, so no keep-alive GET is needed.
    assert.deepEqual(seenPaths, ['POST /v1/chat/completions', 'POST /v1/chat/completions'])
  })

  test('a server rejecting ignore_eos and min_tokens is retried without them', async () => {
    const seen: Seen[] = []
    const baseUrl = await startHttp(
      vllmLike({ rejects: ['ignore_eos', 'min_tokens'], reasoningField: 'reasoning_content' }, seen),
    )
    const result = await probeCapabilities(probeArgs(baseUrl))
    assert.deepEqual(result, {
      capabilities: {
        includeUsage: true,
        ignoreEos: false,
        minTokens: false,
        reasoningField: 'reasoning_content',
        roleOnlyFirstChunk: true,
        keepAlive: true,
      },
      notes: [
        'The server rejected ignore_eos (HTTP 400: Unrecognized request argument supplied: ignore_eos); retried without it',
        'The server rejected min_tokens (HTTP 400: Unrecognized request argument supplied: min_tokens); retried without it',
      ],
    })
    assert.equal(seen.length, 5)
  })

  test('a streamed reasoning model makes 8 tokens weak evidence, with a note', async () => {
    const seen: Seen[] = []
    const baseUrl = await startHttp(vllmLike({ reasoningField: 'reasoning' }, seen))
    const result = await probeCapabilities(probeArgs(baseUrl))
    assert.equal(result.capabilities.reasoningField, 'reasoning')
    assert.deepEqual(result.notes, [
      'The model streams reasoning, so 8 tokens do not prove that ignore_eos/min_tokens are honoured',
    ])
  })

  test('an unreachable server gives conservative values and a note, never a throw', async () => {
    const baseUrl = await startHttp(() => {})
    for (const close of closers) await close()
    closers = []
    const result = await probeCapabilities(probeArgs(baseUrl))
    assert.deepEqual(result.capabilities, {
      includeUsage: false,
      ignoreEos: false,
      minTokens: false,
      reasoningField: null,
      roleOnlyFirstChunk: false,
      keepAlive: false,
    })
    assert.deepEqual(result.notes, [
      `Probe failed, assuming no optional features: POST ${baseUrl}/chat/completions: connection refused (ECONNREFUSED)`,
    ])
  })

  test('an auth error is reported with the key masked', async () => {
    const baseUrl = await startHttp((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { message: `Invalid key ${key}`, code: '401' } }))
    })
    const result = await probeCapabilities(probeArgs(baseUrl))
    assert.deepEqual(result.notes, [
      `Probe failed, assuming no optional features: POST ${baseUrl}/chat/completions: HTTP 401: Invalid key sk-…efgh`,
    ])
  })
})
