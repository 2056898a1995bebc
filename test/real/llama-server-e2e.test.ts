// The CLI against llama.cpp's real llama-server (built by scripts/build-llama-server.sh, tiny
// generated model): every number the tool reports is checked against the server's own
// `timings`, read from the very same responses. Skipped when no llama-server binary is found.
//
// How the server's timings are read: undici publishes every response chunk on the
// 'undici:request:bodyChunkReceived' diagnostics channel, so this test reads the final
// chunk's `timings` of each request the tool sends without touching the client or adding a
// hop between tool and server. At concurrency 1 the n-th measured request is the n-th record.
//
// What llama-server's timings mean: prompt_ms runs from the start of prompt processing to the
// first sampled token; predicted_ms from the first sampled token to the last, i.e.
// predicted_n − 1 token intervals, and this build's predicted_per_token_ms is exactly
// predicted_ms / (predicted_n − 1) (asserted below). That is the tool's TPOT definition,
// (e2e − ttft) / (output_tokens − 1), seen from the server side, so the two are compared
// directly. TTFT must exceed prompt_ms by the server's HTTP, templating, tokenizing and
// scheduling work plus loopback transfer. Figures and tolerances: docs/real-servers.md.
import assert from 'node:assert/strict'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { buildPlan, choiceFromFlags } from '../../src/cli/commands/run.js'
import { main } from '../../src/cli/main.js'
import { runAndPrint } from '../../src/cli/run-and-print.js'
import { loadConfig } from '../../src/config/load-config.js'
import { resolveRun } from '../../src/config/resolve-run.js'
import type { RequestRecord, RunMeta } from '../../src/types.js'
import { createFakeIo, type FakeIo } from '../support/fake-io.js'
import {
  cachedLlamaServerPath,
  findLlamaServer,
  type LlamaServer,
  startLlamaServer,
} from '../support/llama-server.js'
import { createTempProject, type TempProject } from '../support/temp-project.js'

// ── tolerances (docs/real-servers.md explains them) ──
/** Tool TPOT vs the server's predicted_per_token_ms, per request: this much relative, or TPOT_ABS_MS. */
const TPOT_REL = 0.25
const TPOT_ABS_MS = 0.25
/** ... and over the run (mean of the requests), tighter: jitter averages out. */
const TPOT_MEAN_REL = 0.1
/** TTFT − prompt_ms: the server's work outside prompt evaluation plus loopback; median bound. */
const TTFT_OVERHEAD_MEDIAN_MS = 25

interface ServerTimings {
  cache_n: number
  prompt_n: number
  prompt_ms: number
  predicted_n: number
  predicted_ms: number
  predicted_per_token_ms: number
}

interface TappedRequest {
  maxTokens: number | null
  text: string
}

/** Reads every undici request body and response body in this process, in creation order. */
function createResponseTap() {
  const requests: TappedRequest[] = []
  const byRequest = new WeakMap<object, TappedRequest>()
  const onCreate = (message: unknown): void => {
    const { request } = message as { request: { body?: unknown; path?: string } }
    let maxTokens: number | null = null
    const body = request.body
    const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : null
    if (text !== null && request.path?.endsWith('/chat/completions')) {
      try {
        maxTokens = (JSON.parse(text) as { max_tokens?: number }).max_tokens ?? null
      } catch {
        // Not JSON: not one of ours.
      }
    }
    const tapped = { maxTokens, text: '' }
    byRequest.set(request, tapped)
    requests.push(tapped)
  }
  const onChunk = (message: unknown): void => {
    const { request, chunk } = message as { request: object; chunk: Buffer }
    const tapped = byRequest.get(request)
    if (tapped !== undefined) tapped.text += chunk.toString('utf8')
  }
  subscribe('undici:request:create', onCreate)
  subscribe('undici:request:bodyChunkReceived', onChunk)
  return {
    /** Server timings of the streamed chat requests with this max_tokens, in send order. */
    timings(maxTokens: number): ServerTimings[] {
      return requests.flatMap((r) => {
        if (r.maxTokens !== maxTokens) return []
        const match = /"timings":(\{[^}]*\})/.exec(r.text)
        return match?.[1] === undefined ? [] : [JSON.parse(match[1]) as ServerTimings]
      })
    },
    clear(): void {
      requests.length = 0
    },
    close(): void {
      unsubscribe('undici:request:create', onCreate)
      unsubscribe('undici:request:bodyChunkReceived', onChunk)
    },
  }
}

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
    .sort((a, b) => a.sent_at_ms - b.sent_at_ms)
  return { records, meta: JSON.parse(readFileSync(join(rawDir, meta), 'utf8')) as RunMeta }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length
const fixed = (value: number): string => value.toFixed(3)

const WORKLOADS = `workloads:
  - name: low
    requests: 12
    concurrency: 1
    max_tokens: 32
    prompt_type: short
    ignore_eos: true
  - name: knee
    requests: 48
    concurrency: 8
    max_tokens: 32
    prompt_type: short
    ignore_eos: true
  - name: sequential
    requests: 40
    concurrency: 1
    max_tokens: 4
    prompt_type: short
    ignore_eos: true
`

const binary = findLlamaServer()
const skip =
  binary === null
    ? `no llama-server binary (set LLAMA_SERVER_BIN or run scripts/build-llama-server.sh, which installs ${cachedLlamaServerPath()})`
    : false

describe('the CLI against a real llama-server (2 slots)', { skip, timeout: 120_000 }, () => {
  let server: LlamaServer
  let tap: ReturnType<typeof createResponseTap>
  const projects: TempProject[] = []

  before(async () => {
    tap = createResponseTap()
    server = await startLlamaServer({ slots: 2, ctx: 512 })
  })
  after(async () => {
    tap?.close()
    await server?.close()
    for (const project of projects) project.remove()
  })

  function project(keepalive?: boolean): TempProject {
    const created = createTempProject({
      targets: `targets:
  - name: llama
    base_url: ${server.baseUrl}
${keepalive === undefined ? '' : `    keepalive: ${keepalive}\n`}`,
      models: `models:\n  - name: tiny\n    full_name: ${server.modelName}\n`,
      workloads: WORKLOADS,
    })
    projects.push(created)
    return created
  }

  async function run(
    workload: string,
    keepalive?: boolean,
  ): Promise<{ io: FakeIo; records: RequestRecord[]; meta: RunMeta; project: TempProject }> {
    const p = project(keepalive)
    const io = createFakeIo({ cwd: p.dir })
    const args = ['run', '--config-dir', p.configDir, '--output-dir', p.outputDir, '--target', 'llama']
    const code = await main([...args, '--model', 'tiny', '--workload', workload], io)
    assert.equal(code, 0, `${io.err()}${io.out()}\nllama-server log:\n${server.logTail()}`)
    return { io, ...readRun(p.outputDir), project: p }
  }

  let lowTtftMs: number[] = []

  test('low concurrency: all succeed, 32 tokens from usage, TTFT and TPOT agree with the server timings', async (t) => {
    tap.clear()
    const { io, records, meta, project: p } = await run('low')
    const timings = tap.timings(32)

    // The probe found llama-server's quirks and the run adapted to them.
    assert.deepEqual(meta.capabilities, {
      includeUsage: true,
      ignoreEos: true,
      minTokens: true,
      reasoningField: null,
      roleOnlyFirstChunk: true,
      keepAlive: false,
    })
    assert.equal(meta.plan.target.keepalive, false)
    assert.match(
      io.out(),
      /\nServer capabilities: usage ✓ · ignore_eos ✓ · min_tokens ✓ · role-only first chunk ✓ · keep-alive ✗ · reasoning field -\n/,
    )
    assert.match(io.out(), /every request is sent with connection: close/)
    const report = readFileSync(join(p.outputDir, 'reports', 'benchmark_report.md'), 'utf8')
    assert.match(
      report,
      /Server capabilities, probed before each run:\n- bench_llama_tiny_low_\d+_\d+: usage ✓ · /,
    )

    assert.equal(records.length, 12)
    assert.equal(timings.length, 12, 'one server timings object per measured request')
    for (const r of records) {
      assert.equal(r.outcome, 'ok', r.error ?? '')
      assert.equal(r.output_tokens, 32)
      assert.equal(r.tokens_source, 'usage')
      assert.equal(r.retries, 0)
    }

    const rows = records.map((r, i) => {
      const s = timings[i] as ServerTimings
      assert.equal(s.predicted_n, 32, 'the server generated max_tokens tokens')
      // usage.prompt_tokens counts the whole prompt; the server evaluated prompt_n of them
      // and took cache_n from its prompt cache.
      assert.equal(r.input_tokens, s.prompt_n + s.cache_n)
      const perInterval = s.predicted_ms / (s.predicted_n - 1)
      assert.ok(Math.abs(s.predicted_per_token_ms / perInterval - 1) < 1e-3, 'per token = per interval')
      return {
        toolTtft: r.ttft_ms ?? Number.NaN,
        promptMs: s.prompt_ms,
        toolTpot: r.tpot_ms ?? Number.NaN,
        serverTpotMs: s.predicted_per_token_ms,
      }
    })
    const overheads = rows.map((row) => row.toolTtft - row.promptMs)
    const tpotDiffs = rows.map((row) => row.toolTpot - row.serverTpotMs)
    const meanTool = mean(rows.map((row) => row.toolTpot))
    const meanServer = mean(rows.map((row) => row.serverTpotMs))
    t.diagnostic(
      `TPOT tool mean ${fixed(meanTool)} ms vs server predicted_per_token_ms ${fixed(meanServer)} ms (${((meanTool / meanServer - 1) * 100).toFixed(1)}%); ` +
        `per request diff min ${fixed(Math.min(...tpotDiffs))} max ${fixed(Math.max(...tpotDiffs))} ms; ` +
        `relative diff median ${(median(rows.map((row) => Math.abs(row.toolTpot / row.serverTpotMs - 1))) * 100).toFixed(1)}%`,
    )
    t.diagnostic(
      `TTFT tool median ${fixed(median(rows.map((row) => row.toolTtft)))} ms, prompt_ms median ${fixed(median(rows.map((row) => row.promptMs)))} ms, ` +
        `TTFT − prompt_ms min ${fixed(Math.min(...overheads))} median ${fixed(median(overheads))} max ${fixed(Math.max(...overheads))} ms`,
    )

    for (const [i, row] of rows.entries()) {
      // The first token cannot reach the client before the server has evaluated the prompt.
      assert.ok(
        row.toolTtft > row.promptMs,
        `request ${i}: TTFT ${row.toolTtft} ms <= prompt_ms ${row.promptMs} ms`,
      )
      const allowed = Math.max(TPOT_REL * row.serverTpotMs, TPOT_ABS_MS)
      assert.ok(
        Math.abs(row.toolTpot - row.serverTpotMs) <= allowed,
        `request ${i}: TPOT ${row.toolTpot} ms vs server ${row.serverTpotMs} ms (allowed ±${allowed} ms)`,
      )
    }
    assert.ok(
      Math.abs(meanTool / meanServer - 1) <= TPOT_MEAN_REL,
      `mean TPOT ${meanTool} vs ${meanServer} ms`,
    )
    assert.ok(median(overheads) < TTFT_OVERHEAD_MEDIAN_MS, `median TTFT − prompt_ms ${median(overheads)} ms`)
    lowTtftMs = rows.map((row) => row.toolTtft)
  })

  test('above the slot count (8 in flight, 2 slots) TTFT rises with queueing in the server: the knee', async (t) => {
    assert.ok(lowTtftMs.length > 0, 'needs the low-concurrency run first')
    const { records } = await run('knee')
    assert.equal(records.length, 48)
    assert.ok(records.every((r) => r.outcome === 'ok' && r.output_tokens === 32))
    const kneeTtft = median(records.map((r) => r.ttft_ms ?? Number.NaN))
    const lowTtft = median(lowTtftMs)
    t.diagnostic(`median TTFT: ${fixed(lowTtft)} ms at concurrency 1, ${fixed(kneeTtft)} ms at concurrency 8`)
    // 8 requests share 2 slots: 6 wait about (6 / 2) × one generation each; the client never
    // queued (8 connections for 8 workers), so the wait is the server's.
    assert.ok(kneeTtft > 2 * lowTtft, `median TTFT ${kneeTtft} ms at 8 in flight vs ${lowTtft} ms at 1`)
  })

  test('keep-alive: sequential streams on reused connections give no false errors; retries are recorded', async (t) => {
    // Without the probe the target keeps its default keepalive: true, so the client reuses
    // sockets that llama-server closes after each streamed response.
    const p = project()
    const io = createFakeIo({ cwd: p.dir })
    const config = loadConfig({ configDir: p.configDir, env: io.env })
    const choice = choiceFromFlags(
      { target: 'llama', model: 'tiny', workload: 'sequential', outputDir: p.outputDir },
      io,
    )
    const plan = buildPlan(resolveRun(config, choice, io.env), io.cwd)
    assert.equal(plan.target.keepalive, true)
    const executed = await runAndPrint({ plan, lang: 'en', io, countTokens: null, probe: false })
    assert.equal(executed.exitCode, 0, io.err() + io.out())
    const reused = readRun(p.outputDir)
    assert.equal(reused.meta.capabilities, null)
    assert.equal(reused.records.length, 40)
    assert.deepEqual(
      reused.records.filter((r) => r.outcome !== 'ok').map((r) => r.error),
      [],
      'no request failed',
    )
    const retried = reused.records.filter((r) => r.retries === 1).length
    assert.ok(reused.records.every((r) => r.retries === 0 || r.retries === 1))

    // keepalive: false in targets.yaml: every request on a fresh connection, nothing to retry.
    const closed = await run('sequential', false)
    assert.equal(closed.records.length, 40)
    assert.ok(closed.records.every((r) => r.outcome === 'ok'))
    assert.equal(closed.records.filter((r) => r.retries > 0).length, 0)
    t.diagnostic(
      `reused connections: ${retried} of 40 requests retried once, 0 failed; keepalive false: 0 retries`,
    )
  })
})
