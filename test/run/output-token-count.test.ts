import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { runBenchmark } from '../../src/run/run-benchmark.js'
import type { RequestRecord, RunPlan, ServerCapabilities } from '../../src/types.js'
import { fixturePlan } from '../support/shard-fixture.js'

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

/** The shard fixture's plan as a closed loop of 3 requests, one at a time, against this server. */
function plan(): RunPlan {
  const fixture = fixturePlan({ requests: 3, concurrency: 1, maxTokens: 8, ignoreEos: true })
  delete fixture.workload.rps
  return { ...fixture, target: { ...fixture.target, baseUrl } }
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
