// The CLI's open loops (issue 13): Poisson arrivals, no cap, at 1,000/s against the TTFT
// truth server the c=64 row uses (first token 50 ms after the read, one per 5 ms), and at
// 5,000/s of 5-token streams from a second truth server that answers at once. Each beside
// a raw node:http client sending the same rate on a constant schedule. Achieved = requests
// the server counted ÷ arrivals the CLI's seeded schedule drew (each one is a record).
import type { BenchContext } from '../bench-context.js'
import { type CliRun, runCli } from '../cli-run.js'
import { runRawTimedClient } from '../raw-http-client.js'
import { fixed, type GoalResult, type Row } from '../report-table.js'
import { type ServerProcess, startServer } from '../server-process.js'
import { rawTtftError, truthsOf, ttftError } from './cli-truth.js'

const SECTION = 'CLI as a user runs it'

interface OpenLoopCase {
  rate: number
  /** The run's max_tokens, told apart from the probe's 8 and the warm-up's 4; raw: +1, server warm-up: +2. */
  tokens: number
  achievedGoal: number
  server: ServerProcess
  /** `--workers N` for the CLI (default: what it picks itself, 1 on fewer than 4 cores). */
  workers?: number
}

export async function openLoopRows(
  bench: BenchContext,
  slowTruth: ServerProcess,
  durationSec: number,
): Promise<Array<{ rows: Row[]; goals: GoalResult[] }>> {
  const fastTruth = await startServer('truth-server', ['--first-ms', '0', '--gap-ms', '0'])
  try {
    const cases: OpenLoopCase[] = [
      { rate: 1000, tokens: 12, achievedGoal: 0.995, server: slowTruth },
      { rate: 5000, tokens: 5, achievedGoal: 0.99, server: fastTruth },
      // Issue 13 measured worker threads making an open loop worse (+33.5 ms at 1,000/s with 2).
      { rate: 1000, tokens: 20, achievedGoal: 0.995, server: slowTruth, workers: 2 },
    ]
    const results = []
    for (const openCase of cases) results.push(await openLoopCase(bench, openCase, durationSec))
    results.push(await lowRateCpu(bench, slowTruth))
    return results
  } finally {
    await fastTruth.stop()
  }
}

async function openLoopCase(
  bench: BenchContext,
  { rate, tokens, achievedGoal, server, workers }: OpenLoopCase,
  durationSec: number,
): Promise<{ rows: Row[]; goals: GoalResult[] }> {
  const rows: Row[] = []
  const goals: GoalResult[] = []
  const withWorkers = workers === undefined ? '' : ` --workers ${workers}`
  bench.log(
    `  CLI${withWorkers}: open loop ${rate}/s Poisson, no cap, ${tokens}-token streams, ${durationSec} s ...`,
  )
  // The server is a Node process too: one second of the same rate first, so that neither
  // client below meets it cold (its first second ran 20–100 ms late, read as client error).
  await runRawTimedClient(server.baseUrl, rate, 1000, 0, tokens + 2)
  await server.ask('reset')
  const run = runOpenLoopCli(bench, server, { rate, durationSec, tokens, concurrency: 100_000, workers })
  const truths = await truthsOf(server, tokens)
  const drawn = run.summary.requests.total
  const achieved = truths.length / drawn
  const error = ttftError(run, truths)
  await server.ask('reset')
  const rawCpuBefore = process.cpuUsage()
  const raw = await runRawTimedClient(server.baseUrl, rate, durationSec * 1000, 0, tokens + 1)
  const rawCpu = process.cpuUsage(rawCpuBefore)
  const rawCpuMs = (rawCpu.user + rawCpu.system) / 1000
  const rawTruths = await truthsOf(server, tokens + 1)
  const rawAchieved = rawTruths.length / (rate * durationSec)
  const rawError = rawTtftError(
    raw.map((timing) => timing.ttftMs),
    rawTruths,
  )

  const achievedMet = achieved >= achievedGoal
  goals.push({
    section: SECTION,
    figure: `open loop asked ${rate}/s${withWorkers}: achieved (server-counted)`,
    measured: `${fixed(achieved * 100, 1)} %`,
    goal: `≥ ${achievedGoal * 100} %`,
    met: achievedMet,
    reason: `the server counted ${truths.length} of the ${drawn} arrivals the schedule drew; raw node:http reached ${fixed(rawAchieved * 100, 1)} % of its asked rate`,
  })
  rows.push({
    figure: `open loop asked ${rate}/s${withWorkers}, Poisson, no cap: achieved (server-counted)`,
    measured: `${fixed(achieved * 100, 1)} % of ${drawn} drawn (${fixed((truths.length / (rate * durationSec)) * 100, 1)} % of asked)`,
    reference: `${fixed(rawAchieved * 100, 1)} % of asked, raw node:http`,
    goal: `≥ ${achievedGoal * 100} %`,
    met: achievedMet,
  })
  const errorMet = (error.meanMs ?? 99) <= 1 && (error.p99Ms ?? 99) <= 5
  goals.push({
    section: SECTION,
    figure: `open loop ${rate}/s${withWorkers}: TTFT error mean / p99`,
    measured: `${fixed(error.meanMs)} / ${fixed(error.p99Ms)} ms`,
    goal: '≤ 1.0 / ≤ 5.0 ms',
    met: errorMet,
    reason: `raw node:http on the same machine: ${fixed(rawError.meanMs)} / ${fixed(rawError.p99Ms)} ms`,
  })
  rows.push({
    figure: `open loop ${rate}/s${withWorkers}: TTFT error mean / p99`,
    measured: `${fixed(error.meanMs)} / ${fixed(error.p99Ms)} ms`,
    reference: `${fixed(rawError.meanMs)} / ${fixed(rawError.p99Ms)} ms raw node:http`,
    goal: '≤ 1.0 / ≤ 5.0',
    met: errorMet,
  })
  // What the client burns between arrivals is taken from a server on the same cores.
  rows.push({
    figure: `open loop ${rate}/s${withWorkers}, ${durationSec} s: whole-process CPU`,
    measured: `${fixed(run.cpuMs / 1000, 2)} s`,
    reference: `${fixed(rawCpuMs / 1000, 2)} s raw node:http, in-process (no startup), yielding through the last ms before each send (${fixed(run.cpuMs / rawCpuMs, 2)}×)`,
    goal: 'printed',
    met: null,
  })
  return { rows, goals }
}

/**
 * A rate a GPU server sees (100/s, each answer ~100 ms): the CLI's whole-process CPU beside
 * a raw node:http client's for the same arrivals. On a machine shared with the server, what
 * the client burns between arrivals is taken from the server (issue 13: llama-server decoded
 * 12–32 % slower during a heavy client's runs).
 */
async function lowRateCpu(
  bench: BenchContext,
  server: ServerProcess,
): Promise<{ rows: Row[]; goals: GoalResult[] }> {
  const rate = 100
  const tokens = 30
  const seconds = bench.quick ? 5 : 10
  bench.log(`  CLI: open loop ${rate}/s Poisson, ${tokens}-token streams, ${seconds} s: CPU ...`)
  const run = runOpenLoopCli(bench, server, { rate, durationSec: seconds, tokens, concurrency: 1000 })
  const cpuBefore = process.cpuUsage()
  await runRawTimedClient(server.baseUrl, rate, seconds * 1000, 0, tokens + 1)
  const rawCpu = process.cpuUsage(cpuBefore)
  const rawCpuMs = (rawCpu.user + rawCpu.system) / 1000
  const requests = run.summary.requests.total
  return {
    rows: [
      {
        figure: `open loop ${rate}/s, ${seconds} s (${requests} requests): whole-process CPU`,
        measured: `${fixed(run.cpuMs / 1000, 2)} s (${fixed(run.cpuMs / requests, 2)} ms per request)`,
        reference: `${fixed(rawCpuMs / 1000, 2)} s raw node:http, in-process, same rate, yielding through the last ms before each send (${fixed(run.cpuMs / rawCpuMs, 2)}×)`,
        goal: 'printed',
        met: null,
      },
    ],
    goals: [],
  }
}

/** One cold `run-bench run` of a Poisson open loop against `server`. */
function runOpenLoopCli(
  bench: BenchContext,
  server: ServerProcess,
  load: {
    rate: number
    durationSec: number
    tokens: number
    concurrency: number
    workers?: number | undefined
  },
): CliRun {
  return runCli({
    fromSource: bench.product.origin.startsWith('src/'),
    tmpDir: bench.tmpDir,
    baseUrl: server.baseUrl,
    workload: {
      name: `open${load.rate}`,
      durationSec: load.durationSec,
      rps: load.rate,
      arrival: 'poisson',
      concurrency: load.concurrency,
      maxTokens: load.tokens,
    },
    extraArgs: load.workers === undefined ? [] : ['--workers', String(load.workers)],
  })
}
