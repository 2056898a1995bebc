// The public entry of the `run-bench` package: what the CLI does, minus the terminal.
//   import { runBench, summarize, renderReport } from 'run-bench'
// Everything here composes the same stages the CLI uses (config → run → results → report);
// nothing prints, reads argv or sets an exit code.
import { join, resolve } from 'node:path'
import { writeRunReport } from './cli/write-reports.js'
import { loadConfig } from './config/load-config.js'
import { findPackageRoot } from './config/package-root.js'
import { type RunChoice, resolveRun } from './config/resolve-run.js'
import { UsageError } from './errors.js'
import { renderSummaryCsv } from './report/csv.js'
import { renderHtmlReport } from './report/html.js'
import { type GroupKey, renderMarkdownReport } from './report/markdown.js'
import type { ResultPaths } from './results/result-paths.js'
import { runFromRawPath, summarizeRun } from './results/run-summaries.js'
import { buildPlan } from './run/build-plan.js'
import { type ExecuteRunOptions, executeRun, type RunEvent } from './run/execute-run.js'
import type { ClientHealth, RunMeta, RunPlan, Summary } from './types.js'
import { createTokenCounter } from './workload/tokenizer.js'

export type { RunChoice } from './config/resolve-run.js'
export { BenchError } from './errors.js'
export type { ResultPaths } from './results/result-paths.js'
export type { RunEvent } from './run/execute-run.js'
export type { ProbeNote } from './run/probe-target.js'
export type { ProgressSnapshot } from './run/run-state.js'
export type { ClientHealth, RequestRecord, RunMeta, RunPlan, Summary } from './types.js'

export interface RunBenchOptions extends RunChoice {
  /**
   * Folder with targets.yaml and workloads.yaml (models.yaml optional), as for
   * `run-bench --config-dir`; default: the configs shipped with the package.
   */
  configDir?: string
  /** Relative paths (outputDir, promptFile, configDir) resolve against it; default process.cwd(). */
  cwd?: string
  /** Where BENCH_* settings and targets' api_key_env are read; default process.env. */
  env?: Record<string, string | undefined>
  /** Probe the target's capabilities before the load (default true). */
  probe?: boolean
  /** Worker threads sending the load; default decided from the machine and the load. */
  workers?: number
  /**
   * Count output tokens with the default tokenizer when the server sends no usage (default
   * true); false counts token-bearing chunks instead.
   */
  tokenizer?: boolean
  /** Aborting it stops the load; completed records, meta, summary and report are still written. */
  signal?: AbortSignal
  /** Grace for in-flight requests after `signal` aborts, in ms (default 3000). */
  interruptGraceMs?: number
  /** Progress events: `started` once, `progress` every progressIntervalMs, `loaded` once. */
  onEvent?: (event: RunEvent) => void
  progressIntervalMs?: number
  /** Write reports/benchmark_report.md for this run (default true). */
  report?: boolean
}

export interface RunBenchResult {
  summary: Summary
  /** The plan as it ran (secrets in `meta.plan` are masked; here they are not). */
  plan: RunPlan
  meta: RunMeta
  paths: ResultPaths
  /** reports/benchmark_report.md of this run, or null with `report: false`. */
  reportPath: string | null
  /** Why the run stopped before its bounds (e.g. the signal's reason), or null. */
  interruptedBy: string | null
  clientHealth: ClientHealth
}

/**
 * Runs one benchmark end to end, as `run-bench run` does: resolves the settings (defaults <
 * YAML < BENCH_* env < these options), starts the simulator for `target: 'sim'`, probes the
 * target, sends the load and writes raw records, meta, summary and the run's report.
 * Bad settings reject with a BenchError (code, message, hint); failing requests are data.
 */
export async function runBench(options: RunBenchOptions = {}): Promise<RunBenchResult> {
  const cwd = options.cwd ?? process.cwd()
  const env = options.env ?? process.env
  const configDir =
    options.configDir === undefined ? join(findPackageRoot(), 'configs') : resolve(cwd, options.configDir)
  const config = loadConfig({ configDir, env })
  const plan = buildPlan(resolveRun(config, choiceOf(options, cwd), env), cwd)
  const run: ExecuteRunOptions = {
    plan,
    countTokens: options.tokenizer === false ? null : await createTokenCounter({ kind: 'default' }),
    renderSummaryCsv,
    ...(options.probe === undefined ? {} : { probe: options.probe }),
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.interruptGraceMs === undefined ? {} : { interruptGraceMs: options.interruptGraceMs }),
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
    ...(options.progressIntervalMs === undefined ? {} : { progressIntervalMs: options.progressIntervalMs }),
  }
  const executed = await executeRun(run)
  const { summary, paths, meta, result } = executed
  let reportPath: string | null = null
  if (options.report !== false) {
    reportPath = writeRunReport({
      outputDir: executed.plan.outputDir,
      summary,
      run: { runId: paths.runId, rawPath: paths.raw, meta },
    })
  }
  return {
    summary,
    plan: executed.plan,
    meta,
    paths,
    reportPath,
    interruptedBy: result.interruptedBy,
    clientHealth: result.clientHealth,
  }
}

export interface SummarizedRun {
  summary: Summary
  /** Lines of the raw file that were not records (a torn last line of a killed run): 1-based. */
  skipped: Array<{ line: number; reason: string }>
}

/**
 * The summary of one run from its raw file (results/raw/<run>.jsonl), streamed: names and
 * offered load come from the sibling meta when there is one. Writes nothing.
 */
export async function summarize(rawPath: string): Promise<SummarizedRun> {
  return summarizeRun(runFromRawPath(resolve(rawPath)))
}

export type ReportFormat = 'md' | 'html' | 'csv'

export interface RenderReportOptions {
  /** Default 'md'. 'csv' is the one-run summary CSV and takes exactly one summary. */
  format?: ReportFormat
  /** Which comparison leads in Markdown: workload (default), model or target. */
  groupBy?: GroupKey
  /** ISO time shown in the header; default now (pass one for reproducible output). */
  generatedAt?: string
  /** Shown in the header; default 'unknown' (a Summary does not carry it). */
  toolVersion?: string
}

/** A report over the given summaries, as a string; pure (writes nothing). */
export function renderReport(summaries: Summary[], options: RenderReportOptions = {}): string {
  const generatedAt = options.generatedAt ?? new Date().toISOString()
  const toolVersion = options.toolVersion ?? 'unknown'
  switch (options.format ?? 'md') {
    case 'md':
      return renderMarkdownReport({
        summaries,
        generatedAt,
        toolVersion,
        ...(options.groupBy === undefined ? {} : { groupBy: options.groupBy }),
      })
    case 'html':
      return renderHtmlReport({ summaries, series: {}, generatedAt, toolVersion })
    case 'csv': {
      const [only] = summaries
      if (only === undefined || summaries.length !== 1) {
        throw new UsageError(
          `renderReport: format 'csv' takes exactly one summary (got ${summaries.length})`,
          {
            hint: "render one CSV per summary, or use format 'md' or 'html' to compare runs",
          },
        )
      }
      return renderSummaryCsv(only)
    }
  }
}

/** The settings part of the options (RunChoice), with paths made absolute against cwd. */
function choiceOf(options: RunBenchOptions, cwd: string): RunChoice {
  const {
    configDir: _configDir,
    cwd: _cwd,
    env: _env,
    probe: _probe,
    workers: _workers,
    tokenizer: _tokenizer,
    signal: _signal,
    interruptGraceMs: _interruptGraceMs,
    onEvent: _onEvent,
    progressIntervalMs: _progressIntervalMs,
    report: _report,
    ...choice
  } = options
  if (choice.promptFile !== undefined) choice.promptFile = resolve(cwd, choice.promptFile)
  if (choice.outputDir !== undefined) choice.outputDir = resolve(cwd, choice.outputDir)
  return choice
}
