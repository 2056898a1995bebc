// Pins down the behaviour of the real llama-server (llama.cpp, built by scripts/build-llama-server.sh)
// that the client and the end-to-end tests rely on. Skipped when no binary is found.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { Client, request } from 'undici'
import {
  cachedLlamaServerPath,
  findLlamaServer,
  type LlamaServer,
  startLlamaServer,
} from '../support/llama-server.js'

interface ChatChunk {
  choices: { index: number; finish_reason: string | null; delta: Record<string, unknown> }[]
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number }
  timings?: Record<string, number>
}

function parseSse(body: string): { events: ChatChunk[]; done: boolean } {
  const payloads = body
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice('data: '.length))
  const done = payloads.at(-1) === '[DONE]'
  const events = payloads.filter((p) => p !== '[DONE]').map((p) => JSON.parse(p) as ChatChunk)
  return { events, done }
}

const binary = findLlamaServer()
const skip =
  binary === null
    ? `no llama-server binary (set LLAMA_SERVER_BIN or run scripts/build-llama-server.sh, which installs ${cachedLlamaServerPath()})`
    : false

describe('real llama-server', { skip, timeout: 120_000 }, () => {
  let server: LlamaServer

  before(async () => {
    server = await startLlamaServer({ slots: 2, ctx: 512 })
  })
  after(async () => {
    await server?.close()
  })

  const chatBody = (extra: Record<string, unknown>): string =>
    JSON.stringify({
      model: server.modelName,
      messages: [{ role: 'user', content: 'hello world' }],
      ...extra,
    })

  test('streams a role-only first chunk, one content chunk per token, then usage and timings', async () => {
    const res = await request(`${server.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chatBody({
        max_tokens: 16,
        ignore_eos: true,
        stream: true,
        stream_options: { include_usage: true },
      }),
    })
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['content-type'], 'text/event-stream')
    const { events, done } = parseSse(await res.body.text())
    assert.equal(done, true)

    assert.deepEqual(events[0]?.choices[0]?.delta, { role: 'assistant', content: null })
    // The tiny model never samples byte or control tokens, so every token is one non-empty chunk.
    const contents = events.flatMap((e) => e.choices.map((c) => c.delta.content)).filter((c) => c != null)
    assert.equal(contents.length, 16)
    assert.ok(contents.every((c) => typeof c === 'string' && c.length > 0))

    // Then a finish chunk with an empty delta, then the usage chunk (no choices), which carries timings.
    const [finish, usage] = events.slice(-2)
    assert.deepEqual(finish?.choices[0]?.delta, {})
    assert.equal(finish?.choices[0]?.finish_reason, 'length')
    assert.deepEqual(usage?.choices, [])
    assert.equal(usage?.usage?.completion_tokens, 16)
    assert.equal(usage?.usage?.total_tokens, (usage?.usage?.prompt_tokens ?? 0) + 16)
    assert.deepEqual(Object.keys(usage?.timings ?? {}).sort(), [
      'cache_n',
      'predicted_ms',
      'predicted_n',
      'predicted_per_second',
      'predicted_per_token_ms',
      'prompt_ms',
      'prompt_n',
      'prompt_per_second',
      'prompt_per_token_ms',
    ])
    assert.equal(usage?.timings?.predicted_n, 16)
    assert.equal(typeof usage?.timings?.predicted_per_token_ms, 'number')
  })

  test('puts timings on the finish chunk when usage is not requested', async () => {
    const res = await request(`${server.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chatBody({ max_tokens: 4, ignore_eos: true, stream: true }),
    })
    const { events } = parseSse(await res.body.text())
    const last = events.at(-1)
    assert.equal(last?.choices[0]?.finish_reason, 'length')
    assert.equal(last?.usage, undefined)
    assert.equal(last?.timings?.predicted_n, 4)
    assert.equal(events.length, 1 + 4 + 1)
  })

  test('says keep-alive on a streamed response yet closes the socket right after it', async () => {
    const client = new Client(`http://127.0.0.1:${server.port}`)
    try {
      const disconnected = once(client, 'disconnect')
      const res = await client.request({
        path: '/v1/chat/completions',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: chatBody({ max_tokens: 4, ignore_eos: true, stream: true }),
      })
      assert.equal(res.headers['keep-alive'], 'timeout=5, max=100')
      assert.equal(res.headers.connection, undefined)
      assert.equal(res.headers['transfer-encoding'], 'chunked')
      await res.body.text()
      const endedAtMs = performance.now()
      // The announced idle timeout is 5 s; observed closes come within a millisecond of the last chunk.
      const closedInTime = await Promise.race([disconnected.then(() => true), sleep(1000).then(() => false)])
      assert.ok(closedInTime, 'server did not close the socket within 1 s of the streamed response')
      assert.ok(performance.now() - endedAtMs < 1000)
    } finally {
      await client.close()
    }
  })

  test('keeps the socket open after a non-streamed response', async () => {
    const client = new Client(`http://127.0.0.1:${server.port}`)
    try {
      let disconnects = 0
      client.on('disconnect', () => {
        disconnects++
      })
      for (let i = 0; i < 2; i++) {
        const res = await client.request({
          path: '/v1/chat/completions',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: chatBody({ max_tokens: 2, ignore_eos: true }),
        })
        assert.equal(res.statusCode, 200)
        await res.body.text()
      }
      await sleep(200)
      assert.equal(disconnects, 0)
    } finally {
      await client.close()
    }
  })

  test('ignores min_tokens: a forced EOS ends the completion after one (counted) token', async () => {
    const res = await request(`${server.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // Token 2 is </s>; the tiny model never samples it unless a logit bias forces it.
      body: chatBody({ max_tokens: 16, min_tokens: 8, logit_bias: { '2': 100 } }),
    })
    const body = (await res.body.json()) as {
      choices: { finish_reason: string; message: { content: string } }[]
      usage: { completion_tokens: number }
    }
    assert.equal(body.choices[0]?.finish_reason, 'stop')
    assert.equal(body.choices[0]?.message.content, '')
    assert.equal(body.usage.completion_tokens, 1)
  })

  test('lists the --alias as the only model in /v1/models', async () => {
    const res = await request(`${server.baseUrl}/models`)
    const body = (await res.body.json()) as { object: string; data: { id: string; owned_by: string }[] }
    assert.equal(body.object, 'list')
    assert.deepEqual(
      body.data.map((m) => [m.id, m.owned_by]),
      [['tiny-llama', 'llamacpp']],
    )
  })
})
