import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { type ChunkFacts, createChunkReader, isTokenBearing, readChunk } from '../../src/client/read-chunk.js'
import { createSseParser } from '../../src/client/sse-parser.js'

const FIXTURES = new URL('../fixtures/sse/', import.meta.url)
const fixtureNames = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.sse'))
  .sort()

function payloads(name: string): string[] {
  const out: string[] = []
  const parser = createSseParser((event) => {
    if (event.data !== '[DONE]') out.push(event.data)
  })
  parser.push(readFileSync(new URL(name, FIXTURES)))
  parser.end()
  return out
}

/** A plain copy: the reader reuses its facts object. */
function copy(facts: ChunkFacts): ChunkFacts {
  return { ...facts, usage: facts.usage === null ? null : { ...facts.usage } }
}

/** Runs a stream of payloads through one fast reader and checks each against readChunk. */
function assertFastEqualsReference(stream: string[], label: string): number {
  const reader = createChunkReader()
  stream.forEach((data, i) => {
    assert.deepEqual(
      copy(reader.read(data)),
      readChunk(data),
      `${label}: payload ${i}: ${data.slice(0, 120)}`,
    )
  })
  return reader.fastReads
}

function sum(stream: string[], pick: (facts: ChunkFacts) => string): string {
  return stream.map((data) => pick(readChunk(data))).join('')
}

describe('readChunk on the recorded fixtures (hand-checked values)', () => {
  test('OpenAI include_usage: content, finish_reason, usage 17/10, role chunk is no token', () => {
    const stream = payloads('openai-gpt-4o-include-usage.sse')
    assert.equal(stream.length, 13)
    assert.equal(
      sum(stream, (f) => f.answerText),
      '{"city":"San Francisco","units":"c"}',
    )
    const facts = stream.map((data) => readChunk(data))
    assert.equal(isTokenBearing(facts[0] as ChunkFacts), false)
    assert.equal(facts.filter(isTokenBearing).length, 10)
    assert.equal(facts[11]?.finishReason, 'stop')
    assert.deepEqual(facts[12]?.usage, { promptTokens: 17, completionTokens: 10, reasoningTokens: null })
  })

  test('leading newline chunk counts as a token (TTFT is the first non-empty content)', () => {
    const facts = payloads('openai-gpt-4o-leading-newline-chunk.sse').map((data) => readChunk(data))
    assert.equal(facts[1]?.answerText, '\n\n')
    assert.equal(isTokenBearing(facts[1] as ChunkFacts), true)
  })

  test('vLLM tail: Korean content, finish with empty content is not a token', () => {
    const facts = payloads('vllm-qwen3-8b-stream-tail.sse').map((data) => readChunk(data))
    assert.deepEqual(
      facts.map((f) => f.answerText),
      ['가', '요', '?', ''],
    )
    assert.equal(facts[3]?.finishReason, 'stop')
    assert.equal(isTokenBearing(facts[3] as ChunkFacts), false)
  })

  test('vLLM 2024: role chunk without content, then three Chinese tokens', () => {
    const stream = payloads('vllm-2024-role-chunk-without-content.sse')
    assert.deepEqual(
      stream.map((data) => isTokenBearing(readChunk(data))),
      [false, true, true, true],
    )
    assert.equal(
      sum(stream, (f) => f.answerText),
      '我是阿里云',
    )
  })

  test('TGI chat: role repeated in every delta, usage 39/3 on a choices:[] chunk', () => {
    const facts = payloads('tgi-chat-include-usage.sse').map((data) => readChunk(data))
    assert.deepEqual(
      facts.map((f) => f.answerText),
      ['OK', '!', '', ''],
    )
    assert.equal(facts[2]?.finishReason, 'stop')
    assert.deepEqual(facts[3]?.usage, { promptTokens: 39, completionTokens: 3, reasoningTokens: null })
  })

  test('TGI completions, 4 prompts: empty-string finish_reason is not finished; text per chunk', () => {
    const facts = payloads('tgi-completions-4-prompts.sse').map((data) => readChunk(data))
    assert.equal(facts.length, 40)
    assert.equal(facts.filter((f) => f.finishReason !== null).length, 4)
    assert.equal(facts.filter((f) => f.usage !== null).length, 4)
    assert.equal(facts[39]?.finishReason, 'length')
  })

  test('reasoning fields: llama.cpp reasoning_content and vLLM reasoning', () => {
    const llama = payloads('llamacpp-reasoning-content-timings.sse').map((data) => readChunk(data))
    assert.deepEqual(
      llama.map((f) => [f.reasoningText, f.answerText]),
      [
        [' it', ''],
        [' handles', ''],
      ],
    )
    const vllm = readChunk(payloads('synthetic-vllm-reasoning-chunk.sse')[0] as string)
    assert.equal(vllm.reasoningText, 'is')
    assert.equal(isTokenBearing(vllm), true)
  })

  test('invalid JSON from the vLLM docs is flagged invalid', () => {
    assert.equal(readChunk(payloads('vllm-reasoning-doc-chunk.sse')[0] as string).invalid, true)
  })

  test('LiteLLM mid-stream error payload, vLLM usage chunk, LiteLLM chunk without finish_reason', () => {
    assert.equal(readChunk(payloads('synthetic-litellm-midstream-error.sse')[0] as string).error, '<str(e)>')
    assert.deepEqual(readChunk(payloads('synthetic-vllm-usage-chunk.sse')[0] as string).usage, {
      promptTokens: 12,
      completionTokens: 34,
      reasoningTokens: null,
    })
    const litellm = readChunk(payloads('litellm-proxy-chunk-no-finish-reason.sse')[0] as string)
    assert.equal(litellm.answerText, '?')
    assert.equal(litellm.finishReason, null)
  })

  test('a delta.images chunk carries no token', () => {
    const facts = payloads('litellm-docs-image-generation-chat.sse').map((data) => readChunk(data))
    assert.deepEqual(facts.map(isTokenBearing), [false, true, false, false])
  })
})

describe('fast path equals JSON.parse', () => {
  for (const name of fixtureNames) {
    test(`${name}: every payload reads the same`, () => {
      assertFastEqualsReference(payloads(name), name)
    })
  }

  test('the fast path is taken on real streams', () => {
    assert.equal(assertFastEqualsReference(payloads('openai-gpt-4o-include-usage.sse'), 'openai'), 9)
    assert.equal(assertFastEqualsReference(payloads('vllm-qwen3-8b-stream-tail.sse'), 'vllm'), 2)
    assert.equal(assertFastEqualsReference(payloads('vllm-2024-role-chunk-without-content.sse'), 'vllm24'), 2)
    assert.equal(assertFastEqualsReference(payloads('tgi-chat-include-usage.sse'), 'tgi'), 1)
    assert.equal(assertFastEqualsReference(payloads('llamacpp-reasoning-content-timings.sse'), 'llama'), 0)
  })

  // Texts that stress the raw/escaped boundary of the fast path.
  const TEXTS = [
    'plain',
    '',
    ' ',
    'quote " inside',
    'back\\slash',
    'ends with backslash \\',
    '\\"',
    'new\nline\ttab\r',
    '\u0000\u001f',
    '"content":"x"',
    '","content":"',
    '가요 👋🏽',
    '\u2028\u2029',
    '}]}',
    '\ud800',
  ]

  function streamFrom(makeChunk: (text: string) => object): string[] {
    return TEXTS.flatMap((text) => [JSON.stringify(makeChunk(text)), JSON.stringify(makeChunk(`${text}!`))])
  }

  const SHAPES: Record<string, (text: string) => object> = {
    'vLLM chat': (content) => ({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }],
    }),
    'OpenAI chat with usage:null': (content) => ({
      id: 'c',
      choices: [{ index: 0, delta: { content }, finish_reason: null }],
      usage: null,
    }),
    reasoning_content: (text) => ({ choices: [{ index: 0, delta: { reasoning_content: text } }] }),
    reasoning: (text) => ({ choices: [{ index: 0, delta: { reasoning: text, content: null } }] }),
    'completions text': (text) => ({
      object: 'text_completion',
      choices: [{ index: 0, text, logprobs: null, finish_reason: '' }],
    }),
  }

  for (const [shape, make] of Object.entries(SHAPES)) {
    test(`${shape}: tricky texts read the same and mostly take the fast path`, () => {
      const fast = assertFastEqualsReference(streamFrom(make), shape)
      assert.ok(fast >= TEXTS.length, `fast reads ${fast}`)
    })
  }

  test('raw payloads that match the template outside the value but are not that JSON', () => {
    const prefix = '{"id":"x","choices":[{"index":0,"delta":{"content":"'
    const suffix = '"},"finish_reason":null}]}'
    const stream = [
      `${prefix}learn${suffix}`,
      `${prefix}unescaped " quote${suffix}`,
      `${prefix}raw\nnewline${suffix}`,
      `${prefix}trailing backslash\\${suffix}`,
      `${prefix}a","content":"b${suffix}`,
      `${prefix}bad escape \\x${suffix}`,
      `${prefix}ok \\u00e9${suffix}`,
      `${prefix}${suffix}`,
      `${prefix}x","finish_reason":"stop${suffix}`,
    ]
    assertFastEqualsReference(stream, 'adversarial')
    const reader = createChunkReader()
    reader.read(stream[0] as string)
    assert.equal(reader.read(stream[1] as string).invalid, true)
    assert.equal(reader.read(stream[4] as string).answerText, 'b')
    assert.equal(reader.read(stream[6] as string).answerText, 'ok é')
  })

  test('no template from chunks that carry more than one text, tools, usage or two choices', () => {
    const stream = [
      '{"choices":[{"delta":{"reasoning":"r","reasoning_content":"r"}}]}',
      '{"choices":[{"delta":{"reasoning":"s","reasoning_content":"r"}}]}',
      '{"choices":[{"delta":{"content":"a","tool_calls":[{"index":0,"function":{"name":"f","arguments":"{"}}]}}]}',
      '{"choices":[{"delta":{"content":"b","tool_calls":[{"index":0,"function":{"arguments":"}"}}]}}]}',
      '{"choices":[{"delta":{"content":"a"}}],"usage":{"prompt_tokens":1,"completion_tokens":1}}',
      '{"choices":[{"delta":{"content":"b"}}],"usage":{"prompt_tokens":1,"completion_tokens":2}}',
      '{"choices":[{"index":0,"text":"a"},{"index":1,"text":"b"}]}',
      '{"choices":[{"index":0,"text":"c"},{"index":1,"text":"b"}]}',
      '{"choices":[{"delta":{"content":"a"},"logprobs":{"content":[{"token":"a"}]}}]}',
      '{"choices":[{"delta":{"content":"b"},"logprobs":{"content":[{"token":"a"}]}}]}',
      '{"choices":[{"delta":{"content":"a","content":"b"}}]}',
      '{"choices":[{"delta":{"content":"a","content":"c"}}]}',
    ]
    // Only the logprobs pair: its "content" array is not a string value, so delta.content is unique.
    assert.equal(assertFastEqualsReference(stream, 'no-template'), 1)
    assert.equal(readChunk(stream[1] as string).reasoningText, 'r')
    const tools = readChunk(stream[2] as string)
    assert.equal(tools.toolCalls, true)
    assert.equal(tools.toolText, 'f{')
    assert.equal(readChunk(stream[11] as string).answerText, 'c')
  })

  test('error shapes: OpenAI/vLLM, old vLLM object:error, TGI, plain string', () => {
    assert.equal(readChunk('{"error":{"message":"boom","type":"BadRequestError","code":400}}').error, 'boom')
    assert.equal(readChunk('{"object":"error","message":"old","type":"x","code":400}').error, 'old')
    assert.equal(readChunk('{"error":{"object":"error","message":"nested"}}').error, 'nested')
    assert.equal(readChunk('{"error":{"message":"tgi","http_status_code":422}}').error, 'tgi')
    assert.equal(readChunk('{"error":"plain"}').error, 'plain')
    assert.equal(readChunk('{"error":null,"choices":[{"delta":{"content":"a"}}]}').error, null)
    assert.equal(readChunk('42').error, null)
  })

  test('usage with reasoning_tokens details', () => {
    const facts = readChunk(
      '{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":9,"completion_tokens_details":{"reasoning_tokens":4}}}',
    )
    assert.deepEqual(facts.usage, { promptTokens: 5, completionTokens: 9, reasoningTokens: 4 })
  })
})
