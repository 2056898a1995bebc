import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { runBenchmark } from '../../src/run/run-benchmark.js'
import type { RequestRecord, RunPlan, ServerCapabilities } from '../../src/types.js'

// A server that streams three token chunks ("ab", "cde", "f") and a finish, never usage.
const chunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`
const STREAM = `${chunk({ content: 'ab' })}${chunk({ content: 'cde' })}${chunk({ content: 'f' })}${chunk({}, 'stop')}data: [DONE]\n\n`

let server: Server
let baseUrl = ''
before(async () => {
  server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.end(STREAM)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
})
after(() => new Promise<void>((resolve) => server.close(() => resolve())))

function plan(): RunPlan {
  return {
    target: { name: 't', description: '', kind: 'openai', baseUrl, headers: {}, keepalive: true },
    model: { name: 'm', fullName: 'm', description: '', source: 'server' },
    workload: {
      name: 'w',
      description: '',
      requests: 3,
      arrival: 'constant',
      concurrency: 1,
      maxTokens: 8,
      temperature: 0,
      promptType: 'short',
      api: 'chat',
      ignoreEos: true,
    },
    prompts: [{ text: 'hello', category: 'test' }],
    seed: 1,
    timeouts: { connectMs: 2000, firstByteMs: 5000, idleMs: 5000, totalMs: 10_000 },
    outputDir: '',
    graceMs: 1000,
    toolVersion: 'test',
  }
}

/** Runs 3 requests with a character-counting "tokenizer"; returns the records and what it counted. */
async function run(probeSawUsage: boolean): Promise<{ records: RequestRecord[]; counted: string[] }> {
  const capabilities: ServerCapabilities = {
    includeUsage: probeSawUsage,
    ignoreEos: true,
    minTokens: false,
    reasoningField: null,
    roleOnlyFirstChunk: false,
    keepAlive: true,
  }
  const records: RequestRecord[] = []
  const counted: string[] = []
  await runBenchmark(plan(), {
    signal: new AbortController().signal,
    interruptGraceMs: 100,
    expected: 3,
    warmup: false,
    countTokens: (text) => {
      counted.push(text)
      return text.length
    },
    includeUsage: true,
    ignoreEos: true,
    capabilities,
    onRecord: (record) => records.push(record),
  })
  return { records, counted }
}

describe('output tokens without usage: a tokenizer only where the probe saw no usage', () => {
  test('the probe saw no usage: every stream is counted by the tokenizer over its text', async () => {
    const { records, counted } = await run(false)
    assert.equal(records.length, 3)
    for (const record of records) {
      assert.equal(record.outcome, 'ok')
      assert.equal(record.tokens_source, 'tokenizer')
      assert.equal(record.output_tokens, 6) // "ab" + "cde" + "f"
    }
    assert.deepEqual(counted, ['abcdef', 'abcdef', 'abcdef'])
  })

  test('the probe saw usage: the text is not kept; a stream without usage counts its 3 chunks', async () => {
    const { records, counted } = await run(true)
    assert.equal(records.length, 3)
    for (const record of records) {
      assert.equal(record.outcome, 'ok')
      assert.equal(record.tokens_source, 'chunks')
      assert.equal(record.output_tokens, 3)
    }
    assert.deepEqual(counted, [])
  })
})
