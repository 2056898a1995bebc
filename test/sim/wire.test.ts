import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type SimServer, startSimServer } from '../../src/sim/server.js'
import { chunksOf, get, post, tokenText } from '../support/sim-client.js'

// 'Be brief.' (9 chars) + 'Hello there, sim!' (17 chars) = 26 chars → ceil(26 / 4) = 7 prompt tokens.
const MESSAGES = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Hello there, sim!' },
]

describe('simulated server wire format', () => {
  let sim: SimServer
  before(async () => {
    sim = await startSimServer({ prefillBaseMs: 1, prefillPerTokenMs: 0, decodeBaseMs: 1, decodePerSeqMs: 0 })
  })
  after(() => sim.close())

  test('lists the configured models', async () => {
    const res = await get(sim.url, '/models')
    assert.equal(res.status, 200)
    const list = res.json as { object: string; data: Array<Record<string, unknown>> }
    assert.equal(list.object, 'list')
    assert.deepEqual(
      list.data.map(({ created, ...rest }) => ({ ...rest, createdIsNumber: typeof created === 'number' })),
      [
        { id: 'sim-llama-8b', object: 'model', owned_by: 'run-bench-sim', createdIsNumber: true },
        { id: 'sim-qwen3-4b', object: 'model', owned_by: 'run-bench-sim', createdIsNumber: true },
      ],
    )
  })

  test('answers /health with 200', async () => {
    const res = await get(sim.url.replace(/\/v1$/, ''), '/health')
    assert.equal(res.status, 200)
  })

  test('answers an unknown path with 404 and an OpenAI error body', async () => {
    const res = await get(sim.url, '/embeddings')
    assert.equal(res.status, 404)
    assert.deepEqual(res.json, {
      error: { message: 'Not found: GET /v1/embeddings', type: 'not_found_error', param: null, code: 404 },
    })
  })

  test('answers a body that is not JSON with 400 and an OpenAI error body', async () => {
    const res = await post(sim.url, '/chat/completions', '{"model": ')
    assert.equal(res.status, 400)
    const body = JSON.parse(res.text) as {
      error: { type: string; param: null; code: number; message: string }
    }
    assert.equal(body.error.type, 'invalid_request_error')
    assert.equal(body.error.param, null)
    assert.equal(body.error.code, 400)
    assert.match(body.error.message, /^Invalid JSON body/)
  })

  test('rejects a chat request without messages with 400', async () => {
    const res = await post(sim.url, '/chat/completions', { model: 'm', max_tokens: 3 })
    assert.equal(res.status, 400)
    assert.equal(JSON.parse(res.text).error.message, 'messages must be a non-empty array')
  })

  test('answers a non-streaming chat with max_tokens tokens and usage', async () => {
    const res = await post(sim.url, '/chat/completions', {
      model: 'any-name',
      messages: MESSAGES,
      max_tokens: 5,
    })
    assert.equal(res.status, 200)
    const body = JSON.parse(res.text)
    assert.equal(body.object, 'chat.completion')
    assert.match(body.id, /^chatcmpl-sim-\d+$/)
    assert.equal(body.model, 'any-name')
    assert.deepEqual(body.usage, { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 })
    assert.equal(body.choices[0].finish_reason, 'length')
    assert.equal(body.choices[0].message.role, 'assistant')
    // Five words, each with its leading space.
    assert.match(body.choices[0].message.content, /^( [a-z]+){5}$/)
  })

  test('streams a chat: role chunk, one chunk per token, usage chunk, [DONE]', async () => {
    const res = await post(sim.url, '/chat/completions', {
      model: 'sim-llama-8b',
      messages: MESSAGES,
      max_tokens: 4,
      stream: true,
      stream_options: { include_usage: true },
    })
    assert.equal(res.status, 200)
    assert.equal(res.headers['content-type'], 'text/event-stream')
    assert.equal(res.events.at(-1)?.data, '[DONE]')
    assert.ok(res.text.endsWith('data: [DONE]\n\n'))
    const chunks = chunksOf(res)
    assert.equal(chunks.length, 6) // role + 4 tokens + usage
    assert.deepEqual(chunks[0]?.choices, [
      { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
    ])
    const tokens = chunks.slice(1, 5)
    for (const chunk of tokens) {
      assert.equal(chunk.object, 'chat.completion.chunk')
      assert.equal(chunk.model, 'sim-llama-8b')
      assert.equal(chunk.id, chunks[0]?.id)
      assert.match(tokenText(chunk), /^ [a-z]+$/)
    }
    assert.deepEqual(
      tokens.map((chunk) => chunk.choices[0]?.finish_reason),
      [null, null, null, 'length'],
    )
    assert.deepEqual(chunks[5]?.choices, [])
    assert.deepEqual(chunks[5]?.usage, { prompt_tokens: 7, completion_tokens: 4, total_tokens: 11 })
    assert.equal(
      chunks.every((chunk) => chunk.usage === undefined || chunk === chunks[5]),
      true,
    )
  })

  test('streams without a usage chunk when include_usage is not asked', async () => {
    const res = await post(sim.url, '/chat/completions', { messages: MESSAGES, max_tokens: 3, stream: true })
    const chunks = chunksOf(res)
    assert.equal(chunks.length, 4) // role + 3 tokens
    assert.equal(chunks[0]?.model, 'sim-llama-8b') // no model in the request: the first listed
    assert.equal(res.events.at(-1)?.data, '[DONE]')
  })

  test('streams /v1/completions as text chunks without a role chunk', async () => {
    // 'Once upon a time' is 16 chars → 4 prompt tokens.
    const res = await post(sim.url, '/completions', {
      model: 'sim-qwen3-4b',
      prompt: 'Once upon a time',
      max_tokens: 3,
      stream: true,
      stream_options: { include_usage: true },
    })
    const chunks = chunksOf(res)
    assert.equal(chunks.length, 4) // 3 tokens + usage
    assert.match(chunks[0]?.id ?? '', /^cmpl-sim-\d+$/)
    assert.deepEqual(
      chunks.map((chunk) => chunk.object),
      ['text_completion', 'text_completion', 'text_completion', 'text_completion'],
    )
    assert.deepEqual(
      chunks.slice(0, 3).map((chunk) => chunk.choices[0]?.finish_reason),
      [null, null, 'length'],
    )
    assert.ok(chunks.slice(0, 3).every((chunk) => /^ [a-z]+$/.test(chunk.choices[0]?.text ?? '')))
    assert.deepEqual(chunks[3]?.usage, { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 })
  })

  test('honours max_completion_tokens over max_tokens', async () => {
    const res = await post(sim.url, '/chat/completions', {
      messages: MESSAGES,
      max_tokens: 9,
      max_completion_tokens: 2,
    })
    assert.equal(JSON.parse(res.text).usage.completion_tokens, 2)
  })

  test('without max_tokens answers defaultOutputTokens and finishes with stop', async () => {
    const res = await post(sim.url, '/completions', { prompt: 'abcd' })
    const body = JSON.parse(res.text)
    assert.equal(body.object, 'text_completion')
    assert.deepEqual(body.usage, { prompt_tokens: 1, completion_tokens: 128, total_tokens: 129 })
    assert.equal(body.choices[0].finish_reason, 'stop')
  })
})

describe('simulated server output lengths', () => {
  test('stops at a seeded length >= min_tokens unless ignore_eos', async () => {
    const sim = await startSimServer({
      decodeBaseMs: 0.2,
      decodePerSeqMs: 0,
      prefillBaseMs: 0,
      minOutputTokens: 1,
    })
    try {
      const lengths: number[] = []
      for (let i = 0; i < 8; i++) {
        const res = await post(sim.url, '/completions', { prompt: 'x', max_tokens: 20, min_tokens: 15 })
        const body = JSON.parse(res.text)
        const tokens = body.usage.completion_tokens as number
        assert.ok(tokens >= 15 && tokens <= 20, `${tokens} tokens`)
        assert.equal(body.choices[0].finish_reason, tokens === 20 ? 'length' : 'stop')
        lengths.push(tokens)
      }
      assert.ok(new Set(lengths).size > 1, `lengths vary: ${lengths.join(',')}`)
      const eos = await post(sim.url, '/completions', { prompt: 'x', max_tokens: 20, ignore_eos: true })
      assert.equal(JSON.parse(eos.text).usage.completion_tokens, 20)
    } finally {
      await sim.close()
    }
  })
})
