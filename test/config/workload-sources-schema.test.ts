import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { z } from 'zod'
import { checkWorkloadSources, workloadSourceFields } from '../../src/config/workload-sources-schema.js'
import type { RequestSpec } from '../../src/workload/prompt-source.js'
import { buildPromptSource, toLengthDistribution } from '../../src/workload/source-settings.js'
import { createTokenCounter } from '../../src/workload/tokenizer.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const schema = z.strictObject({
  name: z.string(),
  rps: z.number().optional(),
  duration: z.number().optional(),
  ...workloadSourceFields,
})

// The examples proposed for workloads.yaml (issue 16), as a user would write them.
const EXAMPLES = `
- name: chat-multiturn
  rps: 1
  duration: 60
  input_tokens: {min: 64, max: 256}
  output_tokens: 128
  sessions: {turns: 5, think_time_ms: 2000}
- name: rag-long-prefix
  rps: 2
  duration: 60
  input_tokens: 256
  output_tokens: 128
  prefix: {groups: 8, tokens: 2000, mode: shared}
- name: random-1k-in-128-out
  rps: 2
  duration: 60
  input_tokens: 1024
  output_tokens: 128
- name: trace-replay
  trace: {path: traces/sample-azure.csv, time_scale: 1, start_ms: 0, duration_ms: 60000}
`

describe('workload source keys', () => {
  test('the four example workloads parse, pass the cross-field rules and build their sources', async () => {
    const count = await createTokenCounter({ kind: 'default' })
    const context = {
      seed: 42,
      countTokens: count,
      tokenizerLabel: 'o200k_base (approximate)',
      maxTokens: 128,
    }
    const workloads = (parse(EXAMPLES) as unknown[]).map((raw) => schema.parse(raw))
    const built = workloads.map((workload) => {
      assert.deepEqual(checkWorkloadSources(workload), [])
      const trace =
        workload.trace === undefined
          ? {}
          : { trace: { ...workload.trace, path: `${ROOT}${workload.trace.path}` } }
      return buildPromptSource({ ...workload, ...trace }, context)
    })
    const [chat, rag, random, trace] = built
    const chatSpec = chat?.source.next() as RequestSpec
    assert.deepEqual(chatSpec.session, { sessionId: 0, turn: 1, turns: 5 })
    assert.equal(chat?.source.followUp(chatSpec, { ok: true, answerText: 'hi' })?.delayMs, 2000)
    assert.equal(rag?.source.priming().length, 8)
    const ragSpec = rag?.source.next() as RequestSpec
    assert.deepEqual([ragSpec.requestedInputTokens, count(ragSpec.messages[0]?.content ?? '')], [2256, 2000])
    const randomSpec = random?.source.next() as RequestSpec
    assert.deepEqual(
      [count(randomSpec.messages[0]?.content ?? ''), randomSpec.maxTokens, randomSpec.exactOutput],
      [1024, 128, true],
    )
    // The sample trace has requests up to ~106 s; the 60 s window keeps those before 60,000 ms.
    assert.ok(trace?.arrivals !== undefined && trace.arrivals.length > 0 && trace.arrivals.length < 120)
    assert.ok(trace.arrivals.every((arrival) => arrival.scheduledAtMs < 60_000))
    assert.equal(buildPromptSource({}, context), null)
  })

  test('cross-field rules are collected, each with its key path', () => {
    const problems = checkWorkloadSources(
      schema.parse({
        name: 'bad',
        input_tokens: { min: 300, max: 200 },
        output_tokens: { mean: 10, sd: 1, min: 20, max: 40 },
        dataset: { path: 'd.json', mode: 'multi-turn' },
        trace: { path: 't.csv' },
      }),
    )
    assert.deepEqual(problems, [
      {
        path: ['dataset'],
        message: 'cannot be combined with input_tokens: a workload has one prompt source',
      },
      { path: ['input_tokens', 'min'], message: 'must be <= max (200)' },
      { path: ['output_tokens', 'mean'], message: 'must be within min..max (20..40)' },
      { path: ['dataset', 'mode'], message: 'multi-turn needs sessions: {turns: N}' },
      {
        path: ['output_tokens'],
        message: 'cannot be combined with trace: the trace gives each output length',
      },
    ])
  })

  test('field rules: lengths, modes and unknown keys', () => {
    const errorOf = (raw: object) => {
      const result = schema.safeParse({ name: 'w', ...raw })
      return result.success
        ? null
        : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    }
    assert.deepEqual(errorOf({ input_tokens: 0 }), ['input_tokens: must be >= 1'])
    assert.deepEqual(errorOf({ input_tokens: 'big' }), [
      'input_tokens: must be a token count (1024), {min, max} or {mean, sd, min, max}',
    ])
    assert.deepEqual(errorOf({ prefix: { tokens: 100, mode: 'warm' } }), [
      'prefix.mode: must be one of shared, random',
    ])
    assert.equal(errorOf({ sessions: { turns: 2, think_time: '2s' } })?.[0]?.startsWith('sessions'), true)
    assert.deepEqual(toLengthDistribution({ mean: 5, sd: 1, min: 1, max: 9 }), {
      kind: 'normal',
      mean: 5,
      sd: 1,
      min: 1,
      max: 9,
    })
    assert.deepEqual(toLengthDistribution({ min: 1, max: 9 }), { kind: 'uniform', min: 1, max: 9 })
  })
})
