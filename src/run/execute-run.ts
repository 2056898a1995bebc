// The run lifecycle: simulator, capability probe and plan adaptation, result files, worker
// threads, the load, meta and summary. It prints nothing: it emits events and returns the
// result, and cli/ (or a program using the public entry) decides what to show.
import { cpus, hostname, platform } from 'node:os'
import { maskTarget } from '../http/mask.js'
import { openRawSink } from '../results/raw-sink.js'
import { planResultPaths, prepareOutputDirs, type ResultPaths } from '../results/result-paths.js'
import { writeMeta, writeSummaryFiles } from '../results/run-files.js'
import { createSummaryAccumulator } from '../stats/summarize.js'
import type { RunMeta, RunPlan, ServerCapabilities, Summary } from '../types.js'
import { expectedRequests } from '../workload/arrivals.js'
import { expectedShardRequests } from '../workload/shard.js'
import type { TokenCounterSpec } from '../workload/tokenizer.js'
import { assertPlanFits } from './plan-bounds.js'
import { adaptToCapabilities, type ProbedRun, type ProbeNote, probeTarget } from './probe-target.js'
import { type ProgressSnapshot, type RunResult, runBenchmark } from './run-benchmark.js'
import type { RunHook, RunHookContext } from './run-hooks.js'
import { createWorkerSend, defaultWorkerCount, machineCpus } from './worker-pool.js'

export interface ExecuteRunOptions {
  plan: RunPlan
  countTokens: ((text: string) => number) | null
  /**
   * The summary CSV's text. report/ owns how a metric is shown and sits below run/, so
   * the caller hands its renderer in (cli/ and the public entry pass renderSummaryCsv).
   */
  renderSummaryCsv: (summary: Summary) => string
  /** Aborting it (Ctrl-C) stops the load; completed records, meta and summary are still written. */
  signal?: AbortSignal
  /** Grace for in-flight requests after an interrupt (shorter than the end-of-run grace). */
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
  onEvent?: (event: RunEvent) => void
  /** Features attached to the lifecycle (telemetry, live metrics, shards); see run-hooks.ts. */
  hooks?: readonly RunHook[]
}

/** What happens during a run, in order: started once, progress every interval, loaded once. */
export type RunEvent =
  | {
      kind: 'started'
      /** The plan as it runs (adapted to the capabilities; the simulator's URL filled in). */
      plan: RunPlan
      paths: ResultPaths
      expectedRequests: number | null
      workerCount: number
      notes: ProbeNote[]
    }
  | { kind: 'progress'; snapshot: ProgressSnapshot }
  /** The load is over (last snapshot, or null when none was taken); files are written next. */
  | { kind: 'loaded'; snapshot: ProgressSnapshot | null }

export interface ExecutedRun {
  plan: RunPlan
  paths: ResultPaths
  meta: RunMeta
  summary: Summary
  result: RunResult
}

/**
 * One benchmark run, end to end: result files are planned and proven writable before any
 * load, records go to disk as they complete, and meta and summary are written even when
 * the run is interrupted.
 */
export async function executeRun(options: ExecuteRunOptions): Promise<ExecutedRun> {
  const emit = options.onEvent ?? (() => {})
  assertPlanFits(options.plan.workload)
  // Order matters: an unwritable output folder (OutputError) and an unreachable target
  // (TargetError) are both reported before any result file exists.
  prepareOutputDirs(options.plan.outputDir)
  // The simulator's code is loaded only for a sim target: a run against a server pays nothing.
  const sim =
    options.plan.target.kind === 'sim'
      ? await (await import('../sim/server.js')).startSimServer(options.plan.target.sim)
      : null
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
    { target: plan.target.name, model: plan.model.name, workload: workload.name, shard: plan.shard },
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
  writeMeta(paths, meta)

  // A shard counts its own slice of the schedule, not the whole run's (issue 17).
  const expected = expectedShardRequests(expectedRequests(workload), workload.rps !== undefined, plan.shard)
  const workerCount = options.workers ?? defaultWorkerCount(workload, machineCpus())
  emit({ kind: 'started', plan, paths, expectedRequests: expected, workerCount, notes: probed.notes })

  const hooks = options.hooks ?? []
  const signal = options.signal ?? new AbortController().signal
  const hookContext: RunHookContext = { plan, paths, meta, signal }
  const accumulator = createSummaryAccumulator()
  let lastSnapshot: ProgressSnapshot | null = null
  let result: RunResult
  let summary: Summary
  try {
    for (const hook of hooks) await hook.beforeLoad?.(hookContext)
  } catch (error) {
    sink.close()
    await Promise.all(hooks.map((hook) => hook.close?.()))
    await sim?.close()
    throw error
  }
  const recordHooks = hooks.filter((hook) => hook.onRecord !== undefined)
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
      signal,
      onWindowStart: async () => {
        for (const hook of hooks) await hook.windowStart?.(hookContext)
      },
      interruptGraceMs: options.interruptGraceMs ?? 3000,
      expected,
      countTokens: options.countTokens,
      // Asked for even where the probe saw no usage: harmless, and a proxy may route elsewhere.
      includeUsage: true,
      ignoreEos: workload.ignoreEos,
      capabilities: probed.capabilities,
      progressIntervalMs: options.progressIntervalMs ?? 1000,
      onProgress: (snapshot) => {
        sink.flush() // whatever a progress line counts is on disk first (raw-sink.ts)
        lastSnapshot = snapshot
        emit({ kind: 'progress', snapshot })
        for (const hook of hooks) hook.onProgress?.(snapshot)
      },
      onRecord: (record) => {
        sink.write(record)
        accumulator.add(record)
        for (const hook of recordHooks) hook.onRecord?.(record)
      },
    })
    emit({ kind: 'loaded', snapshot: lastSnapshot })
    meta.endedAt = new Date(result.endedAtEpochMs).toISOString()
    meta.complete = result.interruptedBy === null
    meta.incompleteReason = result.interruptedBy
    meta.clientHealth = result.clientHealth
    summary = accumulator.finish({
      runId: paths.runId,
      target: plan.target.name,
      model: plan.model.fullName,
      workload: workload.name,
      startedAt: meta.startedAt,
      offeredRps: workload.rps ?? null,
      concurrency: workload.concurrency,
      clientHealth: result.clientHealth,
    })
    // Hooks add to meta and summary (e.g. the server section) before either is written.
    for (const hook of hooks) await hook.afterLoad?.({ ...hookContext, result, summary })
  } finally {
    await workerSend?.close()
    sink.close()
    await Promise.all(hooks.map((hook) => hook.close?.()))
    await sim?.close()
  }
  writeMeta(paths, meta)
  writeSummaryFiles(paths, summary, options.renderSummaryCsv(summary))
  return { plan, paths, meta, summary, result }
}

/** The plan adapted to the target's capabilities: given ones, probed ones, or none. */
async function probeOrAdapt(plan: RunPlan, options: ExecuteRunOptions): Promise<ProbedRun> {
  const hasTokenizer = options.countTokens !== null
  if (options.capabilities !== undefined) {
    return adaptToCapabilities(plan, options.capabilities, hasTokenizer)
  }
  if (options.probe === false) return { plan, capabilities: null, notes: [] }
  return probeTarget(plan, hasTokenizer)
}

function maskPlan(plan: RunPlan): RunPlan {
  return { ...plan, target: maskTarget(plan.target) }
}
