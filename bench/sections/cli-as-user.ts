// The CLI as a user runs it (issue 13): `run-bench run` in a fresh process, cold, measured
// whole (startup, probe, warm-up, load, files) by GNU time, Poisson arrivals where a rate is
// asked, no cap beyond the one the row names. Each figure sits beside a reference measured
// in this same run: a raw node:http client (bench/raw-http-client.ts), and for TTFT the true
// value the server recorded for every request it served (bench/servers/truth-server.ts).
// TTFT error = reported − true, compared as distributions (mean, p99) over the run's
// requests; the server tells them from the CLI's probe and warm-up by their max_tokens.
import type { BenchContext, SectionResult } from '../bench-context.js'
import { runCli, runColdClient } from '../cli-run.js'
import { runRawHttpClient, runRawTimedClient } from '../raw-http-client.js'
import { fixed, type GoalResult, meanOf, mib, type Row } from '../report-table.js'
import { startServer } from '../server-process.js'
import { openLoopRows } from './cli-open-loop.js'
import { ratio, rawTtftError, truthsOf, ttftError } from './cli-truth.js'

const SECTION = 'CLI as a user runs it'
/** The run's max_tokens: the CLI's probe asks 8 and its warm-up 4, so truths are told apart. */
const RUN_TOKENS = 32
const RAW_TOKENS = 33
const FIRST_MS = 50
const GAP_MS = 5
const STREAM_SEC = (FIRST_MS + (RUN_TOKENS - 1) * GAP_MS) / 1000

export async function cliSection(bench: BenchContext): Promise<SectionResult> {
  const rows: Row[] = []
  const goals: GoalResult[] = []
  const notes: string[] = []
  const fromSource = bench.product.origin.startsWith('src/')
  const goal = (figure: string, measured: string, target: string, met: boolean, reason: string) => {
    goals.push({ section: SECTION, figure, measured, goal: target, met, reason })
    return met
  }

  // 1–2. Canned SSE (128 tokens in one write), closed loop c=64: throughput and the whole
  // process's CPU, fixed and marginal, from two runs of different length.
  const canned = await startServer('canned-server', ['--tokens', '128'])
  const smallN = bench.quick ? 2000 : 5000
  const largeN = bench.quick ? 8000 : 20_000
  const cannedRun = (n: number) =>
    runCli({
      fromSource,
      tmpDir: bench.tmpDir,
      baseUrl: canned.baseUrl,
      workload: { name: `canned${n}`, requests: n, concurrency: 64, maxTokens: 128 },
    })
  // The same two lengths from a bare node:http client, also cold and whole: the fixed cost
  // of any Node process that streams this load (startup, JIT warm-up), measured by the same fit.
  const coldRun = (n: number) =>
    runColdClient({
      tmpDir: bench.tmpDir,
      baseUrl: canned.baseUrl,
      requests: n,
      concurrency: 64,
      maxTokens: 128,
    })
  bench.log(`  CLI: canned SSE, c=64, ${smallN} and ${largeN} requests (and a bare client, cold) ...`)
  const small = cannedRun(smallN)
  const coldSmall = coldRun(smallN)
  const large = cannedRun(largeN)
  const coldLarge = coldRun(largeN)
  const raw = await runRawHttpClient(canned.baseUrl, 64, bench.quick ? 2000 : 4000)
  await canned.stop()
  const rawRps = raw.completed / (raw.elapsedMs / 1000)
  const cliRps = large.summary.requestThroughputPerSec
  rows.push({
    figure: 'canned SSE, c=64: req/s (CLI window)',
    measured: fixed(cliRps, 0),
    reference: `${fixed(rawRps, 0)} raw node:http (${ratio(cliRps, rawRps)})`,
    goal: '-',
    met: null,
  })
  const marginalMs = (large.cpuMs - small.cpuMs) / (largeN - smallN)
  const fixedMs = small.cpuMs - marginalMs * smallN
  const rawPerRequestMs = raw.cpuMs / Math.max(1, raw.completed)
  const coldMarginalMs = (coldLarge.cpuMs - coldSmall.cpuMs) / (largeN - smallN)
  const coldFixedMs = coldSmall.cpuMs - coldMarginalMs * smallN
  const cpuMet = goal(
    'whole-process CPU per request, c=64',
    `${fixed(marginalMs, 3)} ms marginal + ${fixed(fixedMs / 1000, 2)} s fixed`,
    '≤ 0.10 ms marginal, ≤ 0.5 s fixed',
    marginalMs <= 0.1 && fixedMs <= 500,
    `a ${largeN}-request run used ${fixed(large.cpuMs / 1000, 2)} s CPU, a ${smallN}-request run ${fixed(small.cpuMs / 1000, 2)} s; ` +
      `a bare node:http client, cold, by the same fit: ${fixed(coldMarginalMs, 3)} ms + ${fixed(coldFixedMs / 1000, 2)} s fixed`,
  )
  rows.push({
    figure: 'whole-process CPU per request, c=64',
    measured: `${fixed(marginalMs, 3)} ms + ${fixed(fixedMs / 1000, 2)} s fixed`,
    reference: `${fixed(rawPerRequestMs, 3)} ms raw node:http, in-process (${ratio(marginalMs, rawPerRequestMs)})`,
    goal: '≤ 0.10 ms, ≤ 0.5 s',
    met: cpuMet,
  })
  rows.push({
    figure: '  the same fit, bare node:http client (cold, whole process)',
    measured: `${fixed(coldMarginalMs, 3)} ms + ${fixed(coldFixedMs / 1000, 2)} s fixed`,
    reference: `the CLI's fixed cost ${ratio(fixedMs, coldFixedMs)} of it, marginal ${ratio(marginalMs, coldMarginalMs)}`,
    goal: '-',
    met: null,
  })

  // 3–4. TTFT against the truth: first token 50 ms after the read, then one per 5 ms.
  const truth = await startServer('truth-server', [
    '--first-ms',
    String(FIRST_MS),
    '--gap-ms',
    String(GAP_MS),
  ])
  const durationSec = bench.quick ? 3 : 6
  const c64Rate = Math.round(64 / STREAM_SEC)
  bench.log(`  CLI: TTFT vs truth, Poisson ${c64Rate}/s (64 in flight), ${durationSec} s ...`)
  await truth.ask('reset')
  const c64 = runCli({
    fromSource,
    tmpDir: bench.tmpDir,
    baseUrl: truth.baseUrl,
    workload: {
      name: 'c64',
      durationSec,
      rps: c64Rate,
      arrival: 'poisson',
      concurrency: 64,
      maxTokens: RUN_TOKENS,
    },
  })
  const c64Error = ttftError(c64, await truthsOf(truth, RUN_TOKENS))
  await truth.ask('reset')
  const rawC64 = await runRawTimedClient(truth.baseUrl, c64Rate, durationSec * 1000, 0, RAW_TOKENS)
  const rawC64Truths = await truthsOf(truth, RAW_TOKENS)
  const rawC64Error = rawTtftError(
    rawC64.map((timing) => timing.ttftMs),
    rawC64Truths,
  )
  const errorMet = goal(
    'TTFT error vs server truth, c=64: mean / p99',
    `+${fixed(c64Error.meanMs)} / +${fixed(c64Error.p99Ms)} ms`,
    '≤ 1.0 / ≤ 5.0 ms',
    (c64Error.meanMs ?? 99) <= 1 && (c64Error.p99Ms ?? 99) <= 5,
    'reported TTFT includes the client process sharing 2 cores with the server',
  )
  rows.push({
    figure: 'TTFT error vs server truth, c=64: mean / p99',
    measured: `${fixed(c64Error.meanMs)} / ${fixed(c64Error.p99Ms)} ms`,
    reference: `${fixed(rawC64Error.meanMs)} / ${fixed(rawC64Error.p99Ms)} ms raw node:http`,
    goal: '≤ 1.0 / ≤ 5.0',
    met: errorMet,
  })

  // The first `concurrency` requests against the rest (cold JIT and connections showed here).
  const firstMean = meanOf(c64.ttfts.slice(0, 64).map((t) => t.ttftMs))
  const restMean = meanOf(c64.ttfts.slice(64).map((t) => t.ttftMs))
  rows.push({
    figure: 'first 64 requests of the c=64 run: TTFT mean',
    measured: `${fixed(firstMean, 1)} ms`,
    reference: `${fixed(restMean, 1)} ms the rest (${ratio(firstMean, restMean)}); truth ${FIRST_MS} ms`,
    goal: 'same as the rest',
    met: null,
  })

  // 5–6. Open loops, Poisson, no cap: 1,000/s of the c=64 streams, 5,000/s of 5-token ones.
  for (const open of await openLoopRows(bench, truth, durationSec)) {
    rows.push(...open.rows)
    goals.push(...open.goals)
  }

  // 7–8. Many concurrent streams at once (closed loop, one request each).
  const streams = bench.quick ? 1000 : 5000
  bench.log(`  CLI: ${streams} concurrent streams ...`)
  await truth.ask('reset')
  const held = runCli({
    fromSource,
    tmpDir: bench.tmpDir,
    baseUrl: truth.baseUrl,
    workload: { name: `streams${streams}`, requests: streams, concurrency: streams, maxTokens: RUN_TOKENS },
  })
  const heldTruths = await truthsOf(truth, RUN_TOKENS)
  // The reference: as many node:http requests written at once, on fresh connections (the
  // naive client of the issue); its TTFT beside the truths of its own requests.
  await truth.ask('reset')
  const rawHeld = await runRawTimedClient(truth.baseUrl, streams * 1000, 1, 0, RAW_TOKENS)
  const rawHeldTruths = await truthsOf(truth, RAW_TOKENS)
  await truth.stop()
  const heldTrueMean = meanOf(heldTruths)
  const heldMean = held.summary.ttftMs?.mean ?? null
  const rawHeldMean = meanOf(rawHeld.map((timing) => timing.ttftMs))
  const heldMet = goal(
    `${streams} concurrent streams: reported TTFT mean`,
    `${fixed(heldMean, 1)} ms`,
    '≤ 55 ms',
    (heldMean ?? 1e9) <= 55,
    `the server's own TTFT mean was ${fixed(heldTrueMean, 1)} ms; a raw node:http client reported ${fixed(rawHeldMean, 1)} ms against its true ${fixed(meanOf(rawHeldTruths), 1)} ms`,
  )
  rows.push({
    figure: `${streams} concurrent streams: TTFT mean`,
    measured: `${fixed(heldMean, 1)} ms`,
    reference:
      `${fixed(heldTrueMean, 1)} ms true (${ratio(heldMean, heldTrueMean)}); raw node:http ` +
      `${fixed(rawHeldMean, 1)} ms, its true ${fixed(meanOf(rawHeldTruths), 1)} ms (${rawHeld.length} of ${streams} completed)`,
    goal: '≤ 55 ms',
    met: heldMet,
  })
  const rssMet = goal(
    `${streams} concurrent streams: peak RSS`,
    mib(held.peakRssBytes),
    '≤ 200 MiB',
    held.peakRssBytes <= 200 * 1024 * 1024,
    'whole process, GNU time',
  )
  rows.push({
    figure: `${streams} concurrent streams: peak RSS (whole process)`,
    measured: mib(held.peakRssBytes),
    reference: `${mib(small.peakRssBytes)} at c=64`,
    goal: '≤ 200 MiB',
    met: rssMet,
  })
  if (streams < 5000) notes.push(`--quick: ${streams} streams instead of 5,000`)
  notes.push(
    'CLI rows: a fresh `run-bench run` process each (startup, probe, warm-up, files), CPU and peak RSS from GNU time; the server is another process on the same cores',
  )
  return { title: SECTION, rows, goals, notes }
}
