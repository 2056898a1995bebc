// The terminal side of a run: forwards Ctrl-C / SIGTERM to the run (a second one exits at
// once), prints the run's events and its end, writes its report and picks the exit code.
// The run itself (run/execute-run.ts) prints nothing.
import { relative } from 'node:path'
import { maskUrl } from '../http/mask.js'
import { renderSummaryCsv } from '../report/csv.js'
import { tokensEstimate } from '../report/headline.js'
import { notSentLine } from '../report/not-sent.js'
import type { ResultPaths } from '../results/result-paths.js'
import { type ExecuteRunOptions, executeRun, type RunEvent } from '../run/execute-run.js'
import type { RunPlan, Summary } from '../types.js'
import {
  EXIT_CHECKS_FAILED,
  EXIT_INTERRUPTED,
  EXIT_OK,
  EXIT_TERMINATED,
  type ExitCode,
} from './exit-codes.js'
import { invokedAs } from './invoked-as.js'
import type { Io } from './io.js'
import { formatCount, type Lang } from './lang.js'
import { type PlanOutput, runMessages } from './messages.js'
import { formatProbeNote } from './probe-messages.js'
import { createProgressPrinter } from './progress-line.js'
import { renderRunSummaryTable } from './run-summary-table.js'

export interface RunAndPrintOptions
  extends Omit<ExecuteRunOptions, 'renderSummaryCsv' | 'signal' | 'onEvent' | 'interruptGraceMs'> {
  lang: Lang
  io: Io
  /** Grace for in-flight requests after Ctrl-C (shorter than the end-of-run grace). */
  interruptGraceMs?: number
}

export interface PrintedRun {
  exitCode: ExitCode
  paths: ResultPaths
  summary: Summary
  /** The run's own report file (Markdown). */
  reportPath: string
}

/**
 * One benchmark run with its terminal output: exit 130 when interrupted, 1 when no request
 * succeeded, else 0. Meta, summary and report are written even when interrupted.
 */
export async function runAndPrint(options: RunAndPrintOptions): Promise<PrintedRun> {
  const { io, lang, ...runOptions } = options
  const msg = runMessages(lang)
  const out = (line: string) => io.stdout.write(`${line}\n`)
  const progress = createProgressPrinter(io.stdout, lang)
  const interrupt = new AbortController()
  let stoppedBy: 'SIGINT' | 'SIGTERM' | null = null
  const unsubscribe = io.onSignal((signal) => {
    if (interrupt.signal.aborted) {
      // Every completed record is already in the kernel (writeSync per record), so
      // exiting now loses nothing that completed.
      io.stderr.write(`\n${msg.secondInterrupt}\n`)
      io.killNow(signal)
      return
    }
    stoppedBy = signal
    interrupt.abort(`interrupted by ${signal}`)
  })
  const onEvent = (event: RunEvent) => {
    if (event.kind === 'started') printStart(event, lang, out)
    else if (event.kind === 'progress') progress.update(event.snapshot)
    else progress.done(event.snapshot)
  }
  let executed: Awaited<ReturnType<typeof executeRun>>
  try {
    executed = await executeRun({
      ...runOptions,
      renderSummaryCsv,
      signal: interrupt.signal,
      interruptGraceMs: options.interruptGraceMs ?? 3000,
      onEvent,
    })
  } finally {
    unsubscribe()
  }
  const { plan, paths, summary, result, meta } = executed
  // The report code loads after the load, never before the first request.
  const { writeRunReport } = await import('./write-reports.js')
  const report = writeRunReport({
    outputDir: plan.outputDir,
    summary,
    run: { runId: paths.runId, rawPath: paths.raw, meta },
  })

  out('')
  if (result.interruptedBy !== null) out(msg.interrupted(result.interruptedBy))
  out(doneLine(summary, lang))
  out('')
  out(renderRunSummaryTable(summary, lang))
  if (result.clientHealth.limited) {
    out(msg.clientLimited)
    for (const reason of result.clientHealth.reasons) out(`  - ${reason}`)
  }
  const estimated = tokensEstimate(summary)
  if (estimated !== null) {
    const { sources, estimated: n, total } = estimated
    out(msg.tokensEstimated(sources.join(', '), formatCount(n, lang), formatCount(total, lang), n === total))
  }
  out('')
  out(msg.files)
  for (const file of [paths.raw, paths.meta, paths.summaryCsv, report]) {
    out(`  ${displayPath(io.cwd, file)}`)
  }
  out('')
  out(msg.nextStep)
  const command = invokedAs(io.env)
  out(`  ${command} summarize ${displayPath(io.cwd, paths.raw)}`)
  out(`  ${command} report --output-dir ${displayPath(io.cwd, plan.outputDir)}`)
  if (summary.requests.ok === 0 && summary.requests.total > 0) out(msg.noSuccess)

  const exitCode: ExitCode =
    result.interruptedBy !== null
      ? stoppedBy === 'SIGTERM'
        ? EXIT_TERMINATED
        : EXIT_INTERRUPTED
      : summary.requests.ok === 0
        ? EXIT_CHECKS_FAILED
        : EXIT_OK
  return { exitCode, paths, summary, reportPath: report }
}

/** "Done: N requests, M succeeded (P%)" and why some were not sent: the run's last word (--quiet prints only this). */
export function doneLine(summary: Summary, lang: Lang): string {
  const msg = runMessages(lang)
  const percent = (summary.successRate * 100).toFixed(1)
  const notSent = notSentLine(summary, lang)
  return (
    msg.done(formatCount(summary.requests.total, lang), formatCount(summary.requests.ok, lang), percent) +
    (notSent === null ? '' : `; ${notSent}`)
  )
}

function printStart(
  event: Extract<RunEvent, { kind: 'started' }>,
  lang: Lang,
  out: (line: string) => void,
): void {
  const msg = runMessages(lang)
  const { plan, workerCount } = event
  const { workload } = plan
  out('')
  out(msg.startingWorkload(workload.name))
  out(msg.targetModel(plan.target.name, plan.model.fullName))
  const sessionTurns = workload.sources?.sessions?.turns
  out(
    msg.shape(
      workload.durationSec === undefined ? '-' : `${workload.durationSec}s`,
      workload.sources?.trace !== undefined
        ? msg.traceReplay
        : workload.rps === undefined
          ? msg.closedLoop
          : String(workload.rps),
      workload.concurrency,
    ),
  )
  if (event.expectedRequests !== null) {
    const count = formatCount(event.expectedRequests, lang)
    out(sessionTurns === undefined ? msg.expectedTotal(count) : msg.expectedSessions(count, sessionTurns))
  }
  out(msg.plan(describePlan(plan, lang, workerCount)))
  for (const note of event.notes) out(formatProbeNote(note, lang))
  out('='.repeat(70))
}

/**
 * The one-line plan printed before firing, in the user's language, e.g. "constant @ 5.00
 * req/s for 10 s, max 4 in flight → URL" / "일정 간격 도착 @ 5.00 req/s, 10초 동안, …".
 * It says what is sent: a prompt source's output length (not the workload's max_tokens) and a
 * trace's own times (run-source.ts replays them in the open loop, whatever rps says).
 */
export function describePlan(plan: RunPlan, lang: Lang = 'en', workerThreads = 1): string {
  const w = plan.workload
  const trace = w.sources?.trace
  return runMessages(lang).planLine({
    arrival: w.rps === undefined ? null : w.arrival,
    rps: w.rps === undefined ? null : w.rps.toFixed(2),
    concurrency: w.concurrency,
    durationSec: w.durationSec ?? null,
    requests: w.requests ?? null,
    // The sources extension sets `requests` to the replay's count (run-options/sources.ts).
    trace:
      trace === undefined ? null : { scale: String(trace.time_scale ?? 1), requests: w.requests ?? null },
    sessionTurns: w.sources?.sessions?.turns ?? null,
    output: planOutput(plan),
    api: w.api,
    url: plan.target.kind === 'sim' ? null : maskUrl(plan.target.baseUrl),
    simUrl: plan.target.baseUrl,
    workerThreads,
  })
}

/** What a request asks for as output, as source-settings.ts builds it. */
function planOutput(plan: RunPlan): PlanOutput {
  const { sources, maxTokens } = plan.workload
  if (sources?.trace !== undefined) return { kind: 'trace' }
  if (sources?.dataset !== undefined) return { kind: 'dataset', fallback: maxTokens }
  if (sources?.input_tokens !== undefined)
    return { kind: 'exact', length: sources.output_tokens ?? maxTokens }
  return { kind: 'max_tokens', tokens: maxTokens }
}

function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path)
  return rel.startsWith('..') ? path : rel
}
