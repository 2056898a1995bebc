// Prompt sources end to end (issue 16), through `main()` as a user runs them: exact lengths,
// multi-turn sessions, shared vs random prefixes against the simulator's prefix cache, trace
// replay, a failing turn, and bad input. Timing is compared with what the records or the
// simulator's own counters say, never with wall-clock luck.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { main } from '../../src/cli/main.js'
import { buildRunSource } from '../../src/run/run-source.js'
import type { RequestRecord, RunMeta, Summary } from '../../src/types.js'
import { createTokenCounter } from '../../src/workload/tokenizer.js'
import { createFakeIo } from '../support/fake-io.js'
import { createTempProject } from '../support/temp-project.js'

const SHIPPED_CONFIGS = fileURLToPath(new URL('../../configs/', import.meta.url))

interface RunFiles {
  records: RequestRecord[]
  meta: RunMeta
  summary: Summary
}

/** The records (in request-id order), meta and summary of the one run in outputDir. */
function readRun(outputDir: string): RunFiles {
  const rawDir = join(outputDir, 'raw')
  const files = readdirSync(rawDir)
  const raw = files.find((f) => f.endsWith('.jsonl'))
  const metaFile = files.find((f) => f.endsWith('.meta.json'))
  assert.ok(raw && metaFile, `raw files: ${files.join(', ')}`)
  const text = readFileSync(join(rawDir, raw), 'utf8').trim()
  const records = (text === '' ? [] : text.split('\n'))
    .map((line) => JSON.parse(line) as RequestRecord)
    .sort((a, b) => a.request_id - b.request_id)
  const summaryFile = readdirSync(join(outputDir, 'summary')).find((f) => f.endsWith('.json'))
  assert.ok(summaryFile)
  return {
    records,
    meta: JSON.parse(readFileSync(join(rawDir, metaFile), 'utf8')) as RunMeta,
    summary: JSON.parse(readFileSync(join(outputDir, 'summary', summaryFile), 'utf8')) as Summary,
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

describe('shipped workloads against the simulator', () => {
  test('random-1k-in-128-out: every prompt is exactly 1024 tokens, every answer exactly 128', async (t) => {
    const project = createTempProject()
    t.after(project.remove)
    const io = createFakeIo({ cwd: project.dir })
    const code = await main(
      [
        'run',
        '--config-dir',
        SHIPPED_CONFIGS,
        '--target',
        'sim',
        '--workload',
        'random-1k-in-128-out',
        '--duration',
        '2',
        '--output-dir',
        project.outputDir,
      ],
      io,
    )
    assert.equal(code, 0, io.err() + io.out())
    const { records, summary } = readRun(project.outputDir)
    const count = await createTokenCounter({ kind: 'default' })
    // 2 s at 4 req/s: arrivals at 0, 250, …, 1750 ms.
    assert.equal(records.length, 8)
    for (const record of records) {
      assert.equal(record.success, true)
      assert.equal(record.requested_input_tokens, 1024)
      assert.equal(count(record.prompt), 1024)
      assert.equal(record.requested_output_tokens, 128)
      assert.equal(record.output_tokens, 128)
      assert.equal(record.requested_output_met, true)
      // The simulator's probe finds both parameters supported.
      assert.equal(record.exact_output, 'ignore_eos+min_tokens')
    }
    assert.deepEqual(summary.sources?.outputTokensVsRequested, { count: 8, met: 8 })
    assert.equal(summary.sources?.promptTokensVsRequested?.count, 8)
    assert.match(io.out(), /Prompt source: exact lengths 1024 in \/ 128 out \(o200k_base, approximate\)/)
    assert.match(io.out(), /Output tokens: the requested length was met by 8 of 8 requests/)
  })

  test('chat-multiturn: sessions of 5 turns, TTFT by turn, every session completed', async (t) => {
    const project = createTempProject()
    t.after(project.remove)
    const io = createFakeIo({ cwd: project.dir })
    const code = await main(
      [
        'run',
        '--config-dir',
        SHIPPED_CONFIGS,
        '--target',
        'sim-prefix-cache',
        '--workload',
        'chat-multiturn',
        '--requests',
        '2',
        '--think-time',
        '0',
        '--output-dir',
        project.outputDir,
      ],
      io,
    )
    assert.equal(code, 0, io.err() + io.out())
    const { records, summary } = readRun(project.outputDir)
    // 2 sessions (the requests bound counts sessions) × 5 turns.
    assert.equal(records.length, 10)
    const bySession = new Map<number | undefined, RequestRecord[]>()
    for (const record of records)
      bySession.set(record.session_id, [...(bySession.get(record.session_id) ?? []), record])
    assert.deepEqual([...bySession.keys()].sort(), [0, 1])
    for (const turns of bySession.values()) {
      assert.deepEqual(turns.map((record) => record.turn).sort(), [1, 2, 3, 4, 5])
      // Each turn carries the whole history: the server counts a longer prompt every turn.
      const inputs = turns.sort((a, b) => (a.turn ?? 0) - (b.turn ?? 0)).map((r) => r.input_tokens ?? 0)
      for (let i = 1; i < inputs.length; i++) assert.ok((inputs[i] as number) > (inputs[i - 1] as number))
    }
    assert.deepEqual(
      summary.sources?.ttftByTurn.map((entry) => [entry.turn, entry.ttftMs.count]),
      [
        [1, 2],
        [2, 2],
        [3, 2],
        [4, 2],
        [5, 2],
      ],
    )
    assert.deepEqual(summary.sources?.sessions, { started: 2, completed: 2, failed: 0, cut: 0 })
    assert.match(io.out(), /TTFT by turn: 1: p50 [\d.]+ ms \(n=2\) · 2: /)
    // With the cache, later turns hit their history (prompt + answer blocks of the turn before).
    assert.ok((summary.sources?.prefixCache?.hitTokens ?? 0) > 0)
  })
})

// Prefill is expensive (0.4 ms per simulator token) and decode cheap, so the TTFT gap between
// a cached and an uncached 500-token prefix (~2,700 characters ≈ 690 simulator tokens,
// ≈ 270 ms) dwarfs any scheduling noise.
const CACHE_SIM = `targets:
  - name: sim
    kind: sim
    sim:
      prefill_base_ms: 2
      prefill_per_token_ms: 0.4
      decode_base_ms: 1
      decode_per_seq_ms: 0
      prefix_cache_tokens: 1000000
`
const PREFIX_WORKLOAD = `workloads:
  - name: prefix
    requests: 8
    rps: 10
    concurrency: 4
    input_tokens: 32
    output_tokens: 4
    prefix: {groups: 2, tokens: 500, mode: shared}
`

async function runPrefix(mode: 'shared' | 'random') {
  const project = createTempProject({ targets: CACHE_SIM, workloads: PREFIX_WORKLOAD })
  const io = createFakeIo({ cwd: project.dir })
  const code = await main(
    [
      'run',
      '--config-dir',
      project.configDir,
      '--workload',
      'prefix',
      '--prefix-mode',
      mode,
      '--output-dir',
      project.outputDir,
    ],
    io,
  )
  assert.equal(code, 0, io.err() + io.out())
  return { ...readRun(project.outputDir), io, remove: project.remove }
}

describe('shared prefixes against the simulator prefix cache', () => {
  test('after priming, shared prefixes have lower TTFT than random ones; the hit rate is the simulator count', async (t) => {
    const shared = await runPrefix('shared')
    t.after(shared.remove)
    const random = await runPrefix('random')
    t.after(random.remove)

    const sharedTtft = median(shared.records.map((r) => r.ttft_ms ?? Number.NaN))
    const randomTtft = median(random.records.map((r) => r.ttft_ms ?? Number.NaN))
    t.diagnostic(`TTFT p50: shared ${sharedTtft.toFixed(1)} ms, random ${randomTtft.toFixed(1)} ms`)
    assert.ok(sharedTtft < randomTtft, `shared ${sharedTtft} ms vs random ${randomTtft} ms`)

    // Expected hits, computed from the prompts: every measured request of group g finds the
    // full 64-character (16-token) blocks of its primed system prompt cached, and the block
    // that straddles into the user text is its own. Priming is rebuilt from the run's plan.
    const count = await createTokenCounter({ kind: 'default' })
    const primed = buildRunSource(shared.meta.plan, count, false)?.source.priming() ?? []
    assert.equal(primed.length, 2)
    const systemChars = primed.map((spec) => spec.messages[0]?.content.length ?? 0)
    const expectedHits = shared.records.reduce(
      (sum, record) => sum + Math.floor((systemChars[record.prefix_group ?? -1] ?? 0) / 64) * 16,
      0,
    )
    assert.deepEqual(
      shared.records.map((r) => r.prefix_group),
      [0, 1, 0, 1, 0, 1, 0, 1],
    )
    const cache = shared.summary.sources?.prefixCache
    assert.equal(cache?.hitTokens, expectedHits)
    // Queries: every measured prompt, plus the one unrecorded warm-up request's.
    const measuredTokens = shared.records.reduce((sum, r) => sum + (r.input_tokens ?? 0), 0)
    assert.ok((cache?.queriedTokens ?? 0) >= measuredTokens)
    assert.match(shared.io.out(), /Prefix cache: \d+\.\d % of prompt tokens hit/)
    // Random prefixes defeat the cache: no hits, so no warning.
    assert.equal(random.summary.sources?.prefixCache?.hitTokens, 0)
    assert.doesNotMatch(random.io.err(), /shows prefix-cache hits/)
  })
})

describe('trace replay', () => {
  test('requests are scheduled at the trace times × scale and sent in trace order', async (t) => {
    const project = createTempProject({
      targets: `targets:
  - name: sim
    kind: sim
    sim: {prefill_base_ms: 1, prefill_per_token_ms: 0, decode_base_ms: 1, decode_per_seq_ms: 0}
`,
      workloads: `workloads:
  - name: replay
    concurrency: 8
    trace: {path: trace.jsonl, time_scale: 2}
`,
    })
    t.after(project.remove)
    // Mooncake JSONL: ms offsets, two requests at the same time.
    writeFileSync(
      join(project.configDir, 'trace.jsonl'),
      [
        { timestamp: 1000, input_length: 20, output_length: 3 },
        { timestamp: 1100, input_length: 40, output_length: 2 },
        { timestamp: 1250, input_length: 10, output_length: 5 },
        { timestamp: 1250, input_length: 30, output_length: 1 },
        { timestamp: 1400, input_length: 50, output_length: 4 },
      ]
        .map((row) => JSON.stringify(row))
        .join('\n'),
    )
    const io = createFakeIo({ cwd: project.dir })
    const code = await main(
      ['run', '--config-dir', project.configDir, '--workload', 'replay', '--output-dir', project.outputDir],
      io,
    )
    assert.equal(code, 0, io.err() + io.out())
    const { records } = readRun(project.outputDir)
    assert.deepEqual(
      records.map((r) => [
        r.scheduled_at_ms,
        r.requested_input_tokens,
        r.requested_output_tokens,
        r.output_tokens,
      ]),
      [
        [0, 20, 3, 3],
        [200, 40, 2, 2],
        [500, 10, 5, 5],
        [500, 30, 1, 1],
        [800, 50, 4, 4],
      ],
    )
    // Sent at (never before) the trace's times, in trace order.
    for (const record of records) assert.ok(record.sent_at_ms >= (record.scheduled_at_ms ?? Number.NaN))
    const sentOrder = [...records].sort((a, b) => a.sent_at_ms - b.sent_at_ms).map((r) => r.request_id)
    assert.deepEqual(sentOrder, [0, 1, 2, 3, 4])
    assert.match(io.out(), /sent at the trace's times \(open loop, 5 requests\)/)
  })

  test('a trace whose time goes back is refused before any load, naming both lines', async (t) => {
    const project = createTempProject({ targets: 'targets:\n  - name: sim\n    kind: sim\n' })
    t.after(project.remove)
    writeFileSync(
      join(project.dir, 'bad.csv'),
      'timestamp,input_length,output_length\n0,5,5\n300,5,5\n200,5,5\n',
    )
    const io = createFakeIo({ cwd: project.dir })
    const code = await main(
      ['run', '--config-dir', project.configDir, '--trace', 'bad.csv', '--output-dir', project.outputDir],
      io,
    )
    assert.equal(code, 2, io.out())
    assert.match(io.err(), /bad\.csv:4: timestamp goes back in time: -100 ms before line 3/)
  })
})

describe('datasets with a broken line', () => {
  const lines = [
    JSON.stringify({ prompt: 'Explain a mutex in one line.', expected_output_tokens: 3 }),
    '{"prompt": "unterminated',
    JSON.stringify({
      messages: [{ role: 'user', content: 'What is a semaphore?' }],
      expected_output_tokens: 2,
    }),
  ].join('\n')

  for (const onBad of ['stop', 'skip'] as const) {
    test(`--on-bad-prompt ${onBad}`, async (t) => {
      const project = createTempProject({ targets: 'targets:\n  - name: sim\n    kind: sim\n' })
      t.after(project.remove)
      writeFileSync(join(project.dir, 'prompts.jsonl'), lines)
      const io = createFakeIo({ cwd: project.dir })
      const code = await main(
        [
          'run',
          '--config-dir',
          project.configDir,
          '--dataset',
          'prompts.jsonl',
          '--on-bad-prompt',
          onBad,
          '--requests',
          '4',
          '--concurrency',
          '2',
          '--output-dir',
          project.outputDir,
        ],
        io,
      )
      if (onBad === 'stop') {
        assert.equal(code, 2, io.out())
        assert.match(io.err(), /prompts\.jsonl:2/)
        return
      }
      assert.equal(code, 0, io.err() + io.out())
      assert.match(
        io.err(),
        /Warning: Skipped 1 bad dataset entry \(on_bad_prompt: skip\): .*prompts\.jsonl:2/,
      )
      const { records } = readRun(project.outputDir)
      assert.equal(records.length, 4)
      // Only the two good entries are sent, each with its expected output length.
      assert.deepEqual(
        new Set(records.map((r) => `${r.prompt}|${r.requested_output_tokens}`)),
        new Set(['Explain a mutex in one line.|3', 'What is a semaphore?|2']),
      )
    })
  }
})

/**
 * A chat server that answers "answer <n>" for request n and fails (HTTP 500) the third turn
 * of the session whose first user message is `failFirst`; it keeps every request body.
 */
async function startChatServer() {
  // The session to fail: the first one whose turn 1 reaches the server.
  let failFirst: string | null = null
  const bodies: { messages: { role: string; content: string }[] }[] = []
  let served = 0
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = ''
    req.on('data', (chunk) => (text += chunk))
    req.on('end', () => {
      if (!req.url?.endsWith('/chat/completions')) {
        res.writeHead(404).end()
        return
      }
      const body = JSON.parse(text) as { messages: { role: string; content: string }[]; max_tokens: number }
      bodies.push(body)
      const users = body.messages.filter((m) => m.role === 'user')
      // The sessions ask for 1 token; the unrecorded warm-up request asks for 4.
      if (body.max_tokens === 1) failFirst ??= users[0]?.content ?? null
      if (users.length === 3 && users[0]?.content === failFirst) {
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"turn failed"}}')
        return
      }
      const answer = `answer ${served++}`
      const chunk = (delta: object, finish: string | null) =>
        `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.end(
        chunk({ role: 'assistant' }, null) +
          chunk({ content: answer }, null) +
          chunk({}, 'stop') +
          `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 10, completion_tokens: 1 } })}\n\n` +
          'data: [DONE]\n\n',
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

describe('multi-turn sessions', () => {
  test('a failed turn ends its session, counted once; the other sessions go on with their history', async (t) => {
    const server = await startChatServer()
    t.after(server.close)
    const project = createTempProject({
      targets: `targets:\n  - name: chat\n    base_url: ${server.baseUrl}\n`,
      workloads: `workloads:
  - name: sessions
    requests: 3
    rps: 20
    concurrency: 3
    input_tokens: 8
    output_tokens: 1
    sessions: {turns: 4, think_time_ms: 0}
`,
    })
    t.after(project.remove)
    const io = createFakeIo({ cwd: project.dir })
    const code = await main(
      [
        'run',
        '--config-dir',
        project.configDir,
        '--no-probe',
        '--model',
        'org/chat-model',
        '--output-dir',
        project.outputDir,
      ],
      io,
    )
    assert.equal(code, 0, io.err() + io.out())
    const { records, summary } = readRun(project.outputDir)
    // 3 sessions × 4 turns, less the one cut after its failed turn 3.
    assert.equal(records.length, 4 + 4 + 3)
    const failed = records.filter((r) => !r.success)
    assert.equal(failed.length, 1)
    assert.equal(failed[0]?.turn, 3)
    assert.equal(failed[0]?.outcome, 'http_error')
    const failedSession = failed[0]?.session_id
    assert.deepEqual(
      records
        .filter((r) => r.session_id === failedSession)
        .map((r) => r.turn)
        .sort(),
      [1, 2, 3],
    )
    assert.deepEqual(summary.sources?.sessions, { started: 3, completed: 2, failed: 1, cut: 0 })
    assert.match(io.out(), /Sessions: 3 started, 2 completed, 1 ended by a failed turn, 0 cut/)
    // Turn n carries the whole history: its user turns and the server's own answers, in order.
    const turn4 = server.bodies.find((body) => body.messages.filter((m) => m.role === 'user').length === 4)
    assert.deepEqual(
      turn4?.messages.map((m) => m.role),
      ['user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user'],
    )
    for (const answer of turn4?.messages.filter((m) => m.role === 'assistant') ?? [])
      assert.match(answer.content, /^answer \d+$/)
  })

  test('closed loop: each worker runs whole sessions; the requests bound counts sessions', async (t) => {
    const project = createTempProject({
      targets: 'targets:\n  - name: sim\n    kind: sim\n    sim: {decode_base_ms: 1, decode_per_seq_ms: 0}\n',
      workloads: `workloads:
  - name: closed
    requests: 2
    concurrency: 1
    input_tokens: 16
    output_tokens: 2
    sessions: {turns: 3, think_time_ms: 20}
`,
    })
    t.after(project.remove)
    const io = createFakeIo({ cwd: project.dir })
    const code = await main(['run', '--config-dir', project.configDir, '--output-dir', project.outputDir], io)
    assert.equal(code, 0, io.err() + io.out())
    const { records, summary } = readRun(project.outputDir)
    // One worker: session 0's three turns, then session 1's, ids in send order.
    assert.deepEqual(
      records.map((r) => [r.request_id, r.session_id, r.turn, r.scheduled_at_ms]),
      [
        [0, 0, 1, null],
        [1, 0, 2, null],
        [2, 0, 3, null],
        [3, 1, 1, null],
        [4, 1, 2, null],
        [5, 1, 3, null],
      ],
    )
    // The think time separates a turn's send from the previous answer's end.
    for (let i = 1; i < records.length; i++) {
      const previous = records[i - 1] as RequestRecord
      const current = records[i] as RequestRecord
      if (current.session_id === previous.session_id)
        assert.ok(
          current.sent_at_ms - previous.ended_at_ms >= 20,
          `${current.sent_at_ms} − ${previous.ended_at_ms}`,
        )
    }
    assert.deepEqual(summary.sources?.sessions, { started: 2, completed: 2, failed: 0, cut: 0 })
  })
})
