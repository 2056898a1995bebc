// The CLI against @dwmkerr/mock-llm, an OpenAI-compatible mock written by someone else: it
// streams a fixed answer in fixed-size character chunks and never sends usage, so output
// tokens must be counted by a tokenizer, labelled tokens_source 'tokenizer', and called
// estimated in the terminal and the report. The capability probe must see all of that first.
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { main } from '../../src/cli/main.js'
import type { RequestRecord, RunMeta } from '../../src/types.js'
import { createFakeIo, type FakeIo } from '../support/fake-io.js'
import { type MockLlm, startMockLlm } from '../support/mock-llm.js'
import { createTempProject, type TempProject } from '../support/temp-project.js'

// 26 characters in chunks of 3 → 9 chunks, one every 10 ms, then [DONE] on the 10th tick.
// o200k_base (the default counter) splits it into 6 tokens: "hello", " worlds", "!", " hello",
// " world", "!". The fixture tokenizer (WordPiece over whitespace/punctuation words) into 7:
// hello, world, ##s, !, hello, world, !. Chunks (9), o200k (6) and the fixture (7) all differ,
// so each count shows which one was used.
const ANSWER = 'hello worlds! hello world!'
const CHUNK_SIZE = 3
const CHUNK_INTERVAL_MS = 10
const CHUNKS = 9
const FIXTURE_TOKENIZER = fileURLToPath(new URL('../fixtures/tokenizer/tokenizer.json', import.meta.url))

function readRun(outputDir: string): { records: RequestRecord[]; meta: RunMeta } {
  const rawDir = join(outputDir, 'raw')
  const files = readdirSync(rawDir)
  const raw = files.find((f) => f.endsWith('.jsonl'))
  const meta = files.find((f) => f.endsWith('.meta.json'))
  assert.ok(raw !== undefined && meta !== undefined, `raw files: ${files.join(', ')}`)
  const records = readFileSync(join(rawDir, raw), 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as RequestRecord)
  return { records, meta: JSON.parse(readFileSync(join(rawDir, meta), 'utf8')) as RunMeta }
}

describe('the CLI against mock-llm (no usage in the stream)', { timeout: 60_000 }, () => {
  let mock: MockLlm
  const projects: TempProject[] = []

  before(async () => {
    mock = await startMockLlm({ content: ANSWER, chunkSize: CHUNK_SIZE, chunkIntervalMs: CHUNK_INTERVAL_MS })
  })
  after(async () => {
    await mock?.close()
    for (const project of projects) project.remove()
  })

  function project(baseUrl: string): TempProject {
    const created = createTempProject({
      targets: `targets:\n  - name: mock\n    base_url: ${baseUrl}\n`,
      models: `models:\n  - name: mock\n    full_name: ${mock.modelName}\n`,
      workloads: `workloads:
  - name: echo
    requests: 8
    concurrency: 2
    max_tokens: 16
    prompt_type: short
    ignore_eos: true
`,
    })
    projects.push(created)
    return created
  }

  async function run(extra: string[]): Promise<{ code: number; io: FakeIo; project: TempProject }> {
    const p = project(mock.baseUrl)
    const io = createFakeIo({ cwd: p.dir })
    const args = ['run', '--config-dir', p.configDir, '--output-dir', p.outputDir, '--target', 'mock']
    const code = await main([...args, '--model', 'mock', '--workload', 'echo', ...extra], io)
    return { code, io, project: p }
  }

  test('counts are estimated with the default tokenizer and labelled so; the probe saw no usage', async () => {
    const { code, io, project: p } = await run([])
    assert.equal(code, 0, `${io.err()}${io.out()}\nmock-llm log:\n${mock.logTail()}`)
    const { records, meta } = readRun(p.outputDir)

    assert.deepEqual(meta.capabilities, {
      includeUsage: false,
      ignoreEos: false,
      minTokens: false,
      reasoningField: null,
      roleOnlyFirstChunk: false,
      keepAlive: true,
    })
    // The workload asked for ignore_eos; the server does not honour it, so it was not sent.
    assert.equal(meta.plan.workload.ignoreEos, false)
    const out = io.out()
    assert.match(
      out,
      /\nServer capabilities: usage ✗ · ignore_eos ✗ · min_tokens ✗ · role-only first chunk ✗ · keep-alive ✓ · reasoning field -\n/,
    )
    assert.match(out, /The server sends no usage: output token counts will be estimated with a tokenizer\n/)
    assert.match(out, /The server does not honour ignore_eos: it is not sent/)
    assert.doesNotMatch(out, /connection: close/)

    assert.equal(records.length, 8)
    for (const r of records) {
      assert.equal(r.outcome, 'ok', r.error ?? '')
      assert.equal(r.tokens_source, 'tokenizer')
      assert.equal(r.output_tokens, 6)
      assert.equal(r.input_tokens, null)
      // The first chunk leaves one interval after the request arrives, [DONE] ten intervals.
      const ttftMs = r.ttft_ms ?? Number.NaN
      const e2eMs = r.e2e_ms ?? Number.NaN
      assert.ok(ttftMs >= CHUNK_INTERVAL_MS - 1, `TTFT ${ttftMs} ms`)
      assert.ok(e2eMs >= (CHUNKS + 1) * CHUNK_INTERVAL_MS - 1, `e2e ${e2eMs} ms`)
      assert.equal(r.tpot_ms, (e2eMs - ttftMs) / (6 - 1))
      assert.equal(r.itl_ms.length, CHUNKS - 1, 'one gap between each two token-bearing chunks')
    }

    // All 8 were counted here: "for all 8", never "partly" (issue 12, item 5).
    assert.match(
      out,
      /Output token counts are estimated for all 8 successful requests \(tokenizer\): the server sent no usage\n/,
    )
    const report = readFileSync(join(p.outputDir, 'reports', 'benchmark_report.md'), 'utf8')
    assert.match(
      report,
      /\n- Output token counts are estimated for all 8 successful requests \(usage = server-reported, tokenizer\/chunks = counted here\): tokenizer 8\.\n/,
    )
    assert.match(
      report,
      /Server capabilities, probed before each run:\n- bench_mock_mock_echo_\d+_\d+: usage ✗ · /,
    )
  })

  test('--tokenizer <tokenizer.json> counts with that tokenizer', async () => {
    const { code, io, project: p } = await run(['--tokenizer', FIXTURE_TOKENIZER])
    assert.equal(code, 0, io.err() + io.out())
    const { records } = readRun(p.outputDir)
    assert.equal(records.length, 8)
    assert.deepEqual(
      records.map((r) => [r.outcome, r.tokens_source, r.output_tokens]),
      Array.from({ length: 8 }, () => ['ok', 'tokenizer', 7]),
    )
  })

  test('a stopped server is reported before any result file exists (exit 3)', async () => {
    const stopped = await startMockLlm({ content: ANSWER, chunkSize: CHUNK_SIZE, chunkIntervalMs: 1 })
    const baseUrl = stopped.baseUrl
    await stopped.close()
    const p = project(baseUrl)
    const io = createFakeIo({ cwd: p.dir })
    const args = ['run', '--config-dir', p.configDir, '--output-dir', p.outputDir, '--target', 'mock']
    const code = await main([...args, '--model', 'mock', '--workload', 'echo'], io)
    assert.equal(code, 3, io.err() + io.out())
    assert.match(io.err(), new RegExp(`^Error: GET ${baseUrl.replaceAll('.', '\\.')}/models: .*ECONNREFUSED`))
    assert.match(io.err(), /\nHint: Check that the server of target "mock" is running/)
    assert.equal(io.out(), '')
    const rawDir = join(p.outputDir, 'raw')
    assert.deepEqual(existsSync(rawDir) ? readdirSync(rawDir) : [], [])
  })
})
