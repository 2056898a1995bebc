// Interruptions and data safety beyond test/cli/interrupt.test.ts (Ctrl-C → 130, a second
// Ctrl-C, SIGKILL + summarize): SIGTERM with requests still in flight after the grace
// period, two runs started in the same second, and a torn last line given to `summarize`.
import assert from 'node:assert/strict'
import { appendFileSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { buildPlan, choiceFromFlags } from '../../src/cli/commands/run.js'
import { main } from '../../src/cli/main.js'
import { runAndPrint } from '../../src/cli/run-and-print.js'
import { loadConfig } from '../../src/config/load-config.js'
import { resolveRun } from '../../src/config/resolve-run.js'
import type { RequestRecord, RunMeta, Summary } from '../../src/types.js'
import { createFakeIo } from '../support/fake-io.js'
import {
  contentChunk,
  finishChunk,
  httpChunk,
  LAST_CHUNK,
  ROLE_CHUNK,
  sseData,
  sseHead,
  startRawServer,
} from '../support/raw-server.js'
import { createTempProject } from '../support/temp-project.js'

function rawRecords(path: string): RequestRecord[] {
  return readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as RequestRecord)
}

describe('interruptions', () => {
  test('SIGTERM: stop sending, grace, in-flight requests recorded as aborted, meta incomplete, exit 143', async (t) => {
    // Every measured request (max_tokens 16) gets its first token and then nothing: all are
    // in flight when the signal comes. The capability probe (max_tokens 8), the warm-up (4)
    // and GET /v1/models are answered in full.
    const isMeasured = (request: { method: string; body: string }) =>
      request.method === 'POST' && request.body.includes('"max_tokens":16')
    const server = await startRawServer((request, socket) => {
      if (request.method === 'GET') {
        const list = '{"object":"list","data":[{"id":"org/m"}]}'
        socket.write(
          `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${list.length}\r\n\r\n${list}`,
        )
        return
      }
      socket.write(sseHead())
      if (isMeasured(request)) {
        socket.write(httpChunk(sseData(ROLE_CHUNK) + sseData(contentChunk('a'))))
        return
      }
      socket.write(httpChunk(`${sseData(contentChunk('w'))}${sseData(finishChunk())}data: [DONE]\n\n`))
      socket.write(LAST_CHUNK)
    })
    t.after(() => server.close())
    const project = createTempProject({
      targets: `targets:\n  - name: hang\n    base_url: ${server.baseUrl}\n    api_key: EMPTY\n`,
      models: 'models:\n  - name: m\n    full_name: org/m\n',
      workloads:
        'workloads:\n  - name: long\n    duration: 60\n    rps: 20\n    concurrency: 50\n    max_tokens: 16\n',
    })
    t.after(project.remove)
    const io = createFakeIo({ cwd: project.dir })
    // runAndPrint directly: the CLI's 3 s interrupt grace is an option there, 200 ms here.
    const config = loadConfig({ configDir: project.configDir, env: {} })
    const plan = buildPlan(
      resolveRun(config, choiceFromFlags({ outputDir: project.outputDir }, io), {}),
      project.dir,
    )
    const running = runAndPrint({ plan, lang: 'en', io, countTokens: null, interruptGraceMs: 200 })
    // The signal comes once 6 measured requests are in flight (~250 ms into the load).
    for (let waitedMs = 0; server.requests.filter(isMeasured).length < 6 && waitedMs < 5000; waitedMs += 5) {
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    io.raise('SIGTERM')
    const { exitCode, paths, summary } = await running
    // 128 + SIGTERM's 15, the convention (issue 12); Ctrl-C (SIGINT) keeps 130.
    assert.equal(exitCode, 143)
    assert.deepEqual(io.killed, [], 'one signal does not kill')

    const records = rawRecords(paths.raw)
    // At 20 req/s the 6th arrival is at 250 ms; at most one more left before the signal.
    assert.ok(records.length >= 6 && records.length <= 7, `records ${records.length}`)
    assert.equal(server.requests.filter(isMeasured).length, records.length, 'nothing sent after SIGTERM')
    assert.deepEqual(
      records.map((r) => r.request_id).sort((a, b) => a - b),
      Array.from({ length: records.length }, (_, i) => i),
    )
    for (const record of records) {
      assert.equal(record.outcome, 'aborted')
      assert.equal(record.error, 'Aborted: interrupted by SIGTERM')
      assert.equal(record.output_tokens, 1)
      // Ended after the 200 ms grace, not at the signal.
      assert.ok(
        record.ended_at_ms - record.sent_at_ms >= 200,
        `in flight ${record.ended_at_ms - record.sent_at_ms} ms`,
      )
    }
    const meta = JSON.parse(readFileSync(paths.meta, 'utf8')) as RunMeta
    assert.equal(meta.complete, false)
    assert.equal(meta.incompleteReason, 'interrupted by SIGTERM')
    assert.ok(meta.endedAt !== null)
    assert.deepEqual(summary.requests, {
      total: records.length,
      ok: 0,
      failed: 0,
      aborted: records.length,
      notSent: 0,
    })
    const written = JSON.parse(readFileSync(paths.summaryCsv.replace(/\.csv$/, '.json'), 'utf8')) as Summary
    assert.equal(written.requests.aborted, records.length)
    assert.ok(readdirSync(join(project.outputDir, 'reports')).includes('benchmark_report.md'))
    assert.match(
      io.out(),
      /⚠️ {2}Interrupted \(interrupted by SIGTERM\): results so far are saved and marked incomplete/,
    )
  })
})

describe('result files', () => {
  test('two runs started in the same second get distinct names; neither overwrites the other', async (t) => {
    const project = createTempProject({
      targets:
        'targets:\n  - name: sim\n    kind: sim\n    sim: { prefill_base_ms: 1, prefill_per_token_ms: 0, decode_base_ms: 1, decode_per_seq_ms: 0 }\n',
      workloads:
        'workloads:\n  - name: two\n    requests: 2\n    concurrency: 1\n    max_tokens: 4\n    prompt_type: short\n',
    })
    t.after(project.remove)
    const argv = ['run', '--config-dir', project.configDir, '--output-dir', project.outputDir]
    const ios = [createFakeIo({ cwd: project.dir }), createFakeIo({ cwd: project.dir })]
    const codes = await Promise.all(ios.map((io) => main(argv, io)))
    assert.deepEqual(codes, [0, 0], ios.map((io) => io.err()).join('\n'))

    const rawDir = join(project.outputDir, 'raw')
    const raws = readdirSync(rawDir)
      .filter((file) => file.endsWith('.jsonl'))
      .sort()
    const metas = readdirSync(rawDir).filter((file) => file.endsWith('.meta.json'))
    const csvs = readdirSync(join(project.outputDir, 'summary')).filter((file) => file.endsWith('.csv'))
    assert.equal(raws.length, 2, raws.join(' '))
    assert.equal(metas.length, 2)
    assert.equal(csvs.length, 2)
    const [first = '', second = ''] = raws
    const stamp = (file: string) => /_(\d{8}_\d{6})(_\d+)?\.jsonl$/.exec(file)?.[1]
    if (stamp(first) === stamp(second)) {
      assert.equal(second, first.replace(/\.jsonl$/, '_2.jsonl'))
    }
    for (const raw of raws) assert.equal(rawRecords(join(rawDir, raw)).length, 2, raw)
    const runIds = metas.map(
      (file) => (JSON.parse(readFileSync(join(rawDir, file), 'utf8')) as RunMeta).runId,
    )
    assert.equal(new Set(runIds).size, 2)
  })

  test('summarize reports and skips a torn last line (exit 0)', async (t) => {
    const project = createTempProject({
      targets: 'targets:\n  - name: sim\n    kind: sim\n',
      workloads:
        'workloads:\n  - name: three\n    requests: 3\n    concurrency: 1\n    max_tokens: 4\n    prompt_type: short\n',
    })
    t.after(project.remove)
    const run = createFakeIo({ cwd: project.dir })
    assert.equal(
      await main(['run', '--config-dir', project.configDir, '--output-dir', project.outputDir], run),
      0,
    )
    const rawDir = join(project.outputDir, 'raw')
    const raw = join(rawDir, readdirSync(rawDir).find((file) => file.endsWith('.jsonl')) ?? '')
    // What a kill in the middle of a write would leave.
    appendFileSync(raw, '{"timestamp": 1764340000.5, "model": "sim-llama-8b", "prompt": "Wha')
    const io = createFakeIo({ cwd: project.dir })
    assert.equal(await main(['summarize', raw], io), 0, io.err())
    assert.equal(io.err(), `Warning: ${raw}:4: skipped, not valid JSON (torn or corrupted line)\n`)
    assert.match(io.out(), /\nRequests: 3 total, 3 ok, 0 failed, 0 aborted, 0 not sent;/)
  })
})
