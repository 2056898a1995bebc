import { writeFileSync } from 'node:fs'
import { cpus, hostname, platform } from 'node:os'
import { relative } from 'node:path'
import { maskSecret } from '../discovery/mask-secret.js'
import { renderSummaryCsv } from '../report/csv.js'
import { openRawSink } from '../run/raw-sink.js'
import { planResultPaths, prepareOutputDirs, type ResultPaths } from '../run/result-paths.js'
import { type ProgressSnapshot, runBenchmark } from '../run/run-benchmark.js'
import { createWorkerSend, defaultWorkerCount, machineCpus } from '../run/worker-pool.js'
import { startSimServer } from '../sim/server.js'
import { createSummaryAccumulator } from '../stats/summarize.js'
import type { RunMeta, RunPlan, ServerCapabilities, Summary } from '../types.js'
import { expectedRequests } from '../workload/arrivals.js'
import type { TokenCounterSpec } from '../workload/tokenizer.js'
import { EXIT_CHECKS_FAILED, EXIT_INTERRUPTED, EXIT_OK, type ExitCode } from './exit-codes.js'
import type { Io } from './io.js'
import { formatCount, type Lang } from './lang.js'
import { runMessages } from './messages.js'
import { adaptToCapabilities, type ProbedRun, probeTarget } from './probe-target.js'
import { createProgressPrinter } from './progress-line.js'
import { renderRunSummaryTable } from './run-summary-table.js'
import { writeReports } from './write-reports.js'

export interface ExecuteRunOptions {
  plan: RunPlan
  lang: Lang
  io: Io
  countTokens: ((text: string) => number) | null
  /** Grace for in-flight requests after Ctrl-C (shorter than the end-of-run grace). */
  interruptGraceMs?: number
  progressIntervalMs?: number
  /** Known capabilities of the target: the run adapts to them and does not probe. */
  capabilities?: ServerCapabilities
  /** Probe the target's capabilities before the load (default true). */
  probe?: boolean
  /** Worker threads sending the load; default decided from the machine and the load. */
  workers?: number
  /** How worker threads count tokens (a function cannot cross threads). */
  tokenizer?: TokenCounterSpec
}

export interface ExecutedRun {
  exitCode: ExitCode
  paths: ResultPaths
  summary: Summary
}

/**
 * One benchmark run, end to end: result files are planned and proven writable before any
 * load, records go to disk as they complete, and meta, summary and report are written even
 * when the run is interrupted (Ctrl-C / SIGTERM → exit 130; a second one exits at once).
 */
export async function executeRun(options: ExecuteRunOptions): Promise<ExecutedRun> {
  const { io, lang } = options
  const msg = runMessages(lang)
  const out = (line: string) => io.stdout.write(`${line}\n`)

  // Order matters: an unwritable output folder (exit 2) and an unreachable target (exit 3)
  // are both reported before any result file exists.
  prepareOutputDirs(options.plan.outputDir)
  const sim = options.plan.target.kind === 'sim' ? await startSimServer(options.plan.target.sim) : null
  const started: RunPlan =
    sim === null ? options.plan : { ...options.plan, target: { ...options.plan.target, baseUrl: sim.url } }
  let probed: ProbedRun
  try {
    probed = await probeOrAdapt(started, options)
  } catch (error) {
    await sim?.close()
    throw error
  }
  const { plan } = probed
  const { workload } = plan
  const startedAt = new Date()
  const paths = planResultPaths(
    plan.outputDir,
    { target: plan.target.name, model: plan.model.name, workload: workload.name },
    startedAt,
  )
  const sink = openRawSink(paths.raw)
  const meta: RunMeta = {
    runId: paths.runId,
    toolVersion: plan.toolVersion,
    seed: plan.seed,
    host: { hostname: hostname(), platform: platform(), nodeVersion: process.version, cpus: cpus().length },
    startedAt: startedAt.toISOString(),
    endedAt: null,
    complete: false,
    incompleteReason: 'running',
    plan: maskPlan(plan),
    capabilities: probed.capabilities,
    clientHealth: null,
  }
  writeMeta(paths.meta, meta)

  const expected = expectedRequests(workload)
  out('')
  out(msg.startingWorkload(workload.name))
  out(msg.targetModel(plan.target.name, plan.model.fullName))
  out(
    msg.shape(
      workload.durationSec === undefined ? '-' : `${workload.durationSec}s`,
      workload.rps === undefined ? 'closed loop' : String(workload.rps),
      workload.concurrency,
    ),
  )
  if (expected !== null) out(msg.expectedTotal(formatCount(expected, lang)))
  const workerCount = options.workers ?? defaultWorkerCount(workload, machineCpus())
  out(msg.plan(`${describePlan(plan)}${workerCount > 1 ? `, ${workerCount} worker threads` : ''}`))
  for (const line of probed.lines) out(line)
  out('='.repeat(70))

  const accumulator = createSummaryAccumulator()
  const progress = createProgressPrinter(io.stdout, lang)
  const interrupt = new AbortController()
  const unsubscribe = io.onSignal((signal) => {
    if (interrupt.signal.aborted) {
      // Every completed record is already in the kernel (writeSync per record), so
      // exiting now loses nothing that completed.
      io.stderr.write(`\n${msg.secondInterrupt}\n`)
      io.killNow(signal)
      return
    }
    interrupt.abort(`interrupted by ${signal}`)
  })
  let lastSnapshot: ProgressSnapshot | null = null
  let result: Awaited<ReturnType<typeof runBenchmark>>
  const workerSend =
    workerCount > 1
      ? await createWorkerSend(plan, {
          workers: workerCount,
          tokenizer: options.countTokens === null ? null : (options.tokenizer ?? { kind: 'default' }),
        })
      : null
  try {
    result = await runBenchmark(plan, {
      ...(workerSend === null ? {} : { send: workerSend.send }),
      signal: interrupt.signal,
      interruptGraceMs: options.interruptGraceMs ?? 3000,
      expected,
      countTokens: options.countTokens,
      // Asked for even where the probe saw no usage: harmless, and a proxy may route elsewhere.
      includeUsage: true,
      ignoreEos: workload.ignoreEos,
      progressIntervalMs: options.progressIntervalMs ?? 1000,
      onProgress: (snapshot) => {
        lastSnapshot = snapshot
        progress.update(snapshot)
      },
      onRecord: (record) => {
        sink.write(record)
        accumulator.add(record)
      },
    })
  } finally {
    await workerSend?.close()
    unsubscribe()
    sink.close()
    await sim?.close()
  }
  progress.done(lastSnapshot)

  meta.endedAt = new Date(result.endedAtEpochMs).toISOString()
  meta.complete = result.interruptedBy === null
  meta.incompleteReason = result.interruptedBy
  meta.clientHealth = result.clientHealth
  writeMeta(paths.meta, meta)

  const summary = accumulator.finish({
    runId: paths.runId,
    target: plan.target.name,
    model: plan.model.fullName,
    workload: workload.name,
    startedAt: meta.startedAt,
    offeredRps: workload.rps ?? null,
    concurrency: workload.concurrency,
    clientHealth: result.clientHealth,
  })
  writeFileSync(paths.summaryCsv, renderSummaryCsv(summary))
  writeFileSync(paths.summaryCsv.replace(/\.csv$/, '.json'), `${JSON.stringify(summary, null, 2)}\n`)
  const reportFiles = await writeReports({ outputDir: plan.outputDir, formats: ['md'], io })

  out('')
  if (result.interruptedBy !== null) out(msg.interrupted(result.interruptedBy))
  const percent = (summary.successRate * 100).toFixed(1)
  out(msg.done(formatCount(summary.requests.total, lang), formatCount(summary.requests.ok, lang), percent))
  out('')
  out(renderRunSummaryTable(summary, lang))
  if (result.clientHealth.limited) {
    out(msg.clientLimited)
    for (const reason of result.clientHealth.reasons) out(`  - ${reason}`)
  }
  const estimated = Object.keys(summary.tokensSources).filter((source) => source !== 'usage')
  if (estimated.length > 0 && summary.requests.ok > 0) out(msg.tokensEstimated(estimated.join(', ')))
  out('')
  out(msg.files)
  for (const file of [paths.raw, paths.meta, paths.summaryCsv, ...reportFiles]) {
    out(`  ${displayPath(io.cwd, file)}`)
  }
  out('')
  out(msg.nextStep)
  out(`  run-bench summarize ${displayPath(io.cwd, paths.raw)}`)
  out(`  run-bench report --output-dir ${displayPath(io.cwd, plan.outputDir)}`)
  if (summary.requests.ok === 0 && summary.requests.total > 0) out(msg.noSuccess)

  const exitCode: ExitCode =
    result.interruptedBy !== null
      ? EXIT_INTERRUPTED
      : summary.requests.ok === 0
        ? EXIT_CHECKS_FAILED
        : EXIT_OK
  return { exitCode, paths, summary }
}

/** The plan adapted to the target's capabilities: given ones, probed ones, or none. */
async function probeOrAdapt(plan: RunPlan, options: ExecuteRunOptions): Promise<ProbedRun> {
  const hasTokenizer = options.countTokens !== null
  if (options.capabilities !== undefined) {
    return adaptToCapabilities(plan, options.capabilities, options.lang, hasTokenizer)
  }
  if (options.probe === false) return { plan, capabilities: null, lines: [] }
  return probeTarget(plan, options.lang, hasTokenizer)
}

/** The one-line plan printed before firing, e.g. "constant @ 5.00 req/s for 10 s, max 4 in flight → URL". */
export function describePlan(plan: RunPlan): string {
  const w = plan.workload
  const load =
    w.rps === undefined ? `closed loop, ${w.concurrency} workers` : `${w.arrival} @ ${w.rps.toFixed(2)} req/s`
  const bounds = [
    ...(w.durationSec === undefined ? [] : [`for ${w.durationSec} s`]),
    ...(w.requests === undefined ? [] : [`at most ${w.requests} requests`]),
  ].join(', ')
  const cap = w.rps === undefined ? '' : `, max ${w.concurrency} in flight`
  const url = plan.target.kind === 'sim' ? `built-in simulator (${plan.target.baseUrl})` : plan.target.baseUrl
  return `${load} ${bounds}${cap}, max_tokens ${w.maxTokens}, ${w.api} API → ${url}`
}

function maskPlan(plan: RunPlan): RunPlan {
  const target = { ...plan.target }
  if (target.apiKey !== undefined) target.apiKey = maskSecret(target.apiKey)
  target.headers = Object.fromEntries(
    Object.entries(target.headers).map(([k, v]) => [k, /auth|key|token|secret/i.test(k) ? maskSecret(v) : v]),
  )
  return { ...plan, target }
}

function writeMeta(path: string, meta: RunMeta): void {
  writeFileSync(path, `${JSON.stringify(meta, null, 2)}\n`)
}

function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path)
  return rel.startsWith('..') ? path : rel
}
