import { mkdirSync, writeFileSync } from 'node:fs'
import { BenchError, OutputError } from '../errors.js'
import type { ReportLang } from '../report/chart-text.js'
import { allCharts, reportCharts } from '../report/charts.js'
import { renderHtmlReport } from '../report/html.js'
import { type GroupKey, renderMarkdownReport } from '../report/markdown.js'
import { findChromium, renderPdf } from '../report/pdf.js'
import { settingsById } from '../report/run-names.js'
import { readRawRecords } from '../results/read-raw-records.js'
import { pathsFor, pathsForRaw, reportPaths } from '../results/result-paths.js'
import { readSummaryFile } from '../results/run-files.js'
import { listRuns, type RunOnDisk, summaryInfoOf } from '../results/run-summaries.js'
import { describeShards, isMergedMeta, runShardsOf } from '../results/shard-meta.js'
import { withStoredSourceFigures } from '../results/stored-source-figures.js'
import { describeCapabilities } from '../run/probe-target.js'
import { createSummaryAccumulator } from '../stats/summarize.js'
import { createTimeSeriesAccumulator, type RunTimeSeries } from '../stats/time-series.js'
import { withServerSide } from '../telemetry/server-side.js'
import type { Summary } from '../types.js'
import type { Io } from './io.js'

export type ReportFormat = 'md' | 'html' | 'png' | 'pdf'
export const REPORT_FORMATS: readonly ReportFormat[] = ['md', 'html', 'png', 'pdf']

export interface WriteReportsOptions {
  outputDir: string
  formats: ReportFormat[]
  io: Io
  /** Runs to report on; default every run under <outputDir>/raw. */
  runs?: RunOnDisk[]
  groupBy?: GroupKey
  toolVersion?: string
  /** Language of the reports' headings and labels (default English). */
  lang?: ReportLang
}

/** A format that could not be written, and why (the error names the fix in its hint). */
export interface NotWritten {
  format: ReportFormat
  error: BenchError
}

export interface WrittenReports {
  written: string[]
  notWritten: NotWritten[]
}

/** writeReportFormats, for callers that want all formats or an error: throws the first failure. */
export async function writeReports(options: WriteReportsOptions): Promise<string[]> {
  const { written, notWritten } = await writeReportFormats(options)
  const first = notWritten[0]
  if (first !== undefined) throw first.error
  return written
}

/**
 * Writes <outputDir>/reports/benchmark_report.{md,html,pdf} and charts/*.png over the given
 * runs. Each format stands alone: one that cannot be written (no Chromium for the PDF, no
 * PNG renderer) is reported in notWritten while the others are still written. Markdown
 * alone needs only summaries (from summary/<run>.json when a run wrote one); the visual
 * formats also need each run's time series, built in the same single streaming pass over
 * its raw file, so a million-record run is read once and never held in memory.
 */
export async function writeReportFormats(options: WriteReportsOptions): Promise<WrittenReports> {
  const runs = options.runs ?? listRuns(options.outputDir)
  const visual = options.formats.some((f) => f !== 'md')
  const summaries: Summary[] = []
  const series: Record<string, RunTimeSeries> = {}
  for (const run of runs) {
    const cached = visual ? null : readSummaryFile(pathsFor(options.outputDir, run.runId))
    if (cached !== null) {
      summaries.push(markIncomplete(cached, run))
      continue
    }
    const accumulator = createSummaryAccumulator()
    const timeline = createTimeSeriesAccumulator()
    let firstModel: string | null = null
    const read = await readRawRecords(run.rawPath, (record) => {
      firstModel ??= record.model
      accumulator.add(record)
      if (visual) timeline.add(record)
    })
    for (const skip of read.skipped) {
      options.io.stderr.write(`Warning: ${run.rawPath}:${skip.line}: skipped, ${skip.reason}\n`)
    }
    // The server section comes from the run's server-metrics file (issue 14), when it has one.
    summaries.push(
      await withServerSide(
        withStoredSourceFigures(
          markIncomplete(accumulator.finish(summaryInfoOf(run, firstModel)), run),
          pathsForRaw(run.rawPath),
        ),
        run.rawPath,
        run.meta,
      ),
    )
    if (visual) series[run.runId] = timeline.finish()
  }

  const files = reportPaths(options.outputDir)
  mkdirSync(files.dir, { recursive: true })
  const written: string[] = []
  const generatedAt = new Date().toISOString()
  const toolVersion = options.toolVersion ?? runs.find((run) => run.meta)?.meta?.toolVersion ?? 'unknown'
  const runConfigs = runConfigsOf(runs)
  const lang = options.lang ?? 'en'
  const context = { settings: settingsById(runConfigs), lang }
  const charts = visual ? allCharts(reportCharts(summaries, series, context)) : []
  const notWritten: NotWritten[] = []
  // A format that fails is noted and the others go on; bugs (plain Errors) still throw.
  const attempt = async (format: ReportFormat, write: () => Promise<void> | void) => {
    try {
      await write()
    } catch (error) {
      if (!(error instanceof BenchError)) throw error
      notWritten.push({ format, error })
    }
  }

  const chartImages: Array<{ title: string; file: string }> = []
  if (options.formats.includes('png')) {
    await attempt('png', async () => {
      const { renderChartPng } = await loadPngRenderer()
      mkdirSync(files.chartsDir, { recursive: true })
      for (const chart of charts) {
        const { file, link } = files.chart(chart.id)
        const height = 500 + (chart.extraHeightPx ?? 0)
        writeFileSync(file, renderChartPng(chart, { height }))
        written.push(file)
        chartImages.push({ title: chart.title, file: link })
      }
    })
  }
  const markdown = renderMarkdownReport({
    summaries,
    generatedAt,
    toolVersion,
    runConfigs,
    ...(options.groupBy === undefined ? {} : { groupBy: options.groupBy }),
    chartImages,
    lang,
  })
  if (options.formats.includes('md')) {
    writeFileSync(files.markdown, markdown)
    written.unshift(files.markdown)
  }
  if (options.formats.includes('html') || options.formats.includes('pdf')) {
    writeFileSync(
      files.html,
      renderHtmlReport({ summaries, series, generatedAt, toolVersion, runConfigs, lang }),
    )
    // Asked for PDF only: the HTML is still written, as the page the PDF is printed from.
    written.push(files.html)
    if (options.formats.includes('pdf')) {
      await attempt('pdf', async () => {
        await renderPdf(files.html, files.pdf, findChromium(options.io.env))
        written.push(files.pdf)
      })
    }
  }
  return { written, notWritten }
}

/**
 * A summary marked incomplete when its run's meta says it ended early (Ctrl-C, SIGTERM),
 * and, for a run merged from shards (issue 17), carrying its shards for the reports.
 */
function markIncomplete(summary: Summary, run: RunOnDisk): Summary {
  const marked = isMergedMeta(run.meta) ? { ...summary, shards: runShardsOf(run.meta) } : summary
  if (run.meta?.complete !== false) return marked
  return { ...marked, incomplete: run.meta.incompleteReason ?? 'ended early' }
}

/**
 * The Markdown report of the run just finished, rendered from its summary in memory (no
 * raw file is read back, no other run of the folder is included). Returns the file written.
 */
export function writeRunReport(options: { outputDir: string; summary: Summary; run: RunOnDisk }): string {
  const files = reportPaths(options.outputDir)
  mkdirSync(files.dir, { recursive: true })
  const markdown = renderMarkdownReport({
    summaries: [markIncomplete(options.summary, options.run)],
    generatedAt: new Date().toISOString(),
    toolVersion: options.run.meta?.toolVersion ?? 'unknown',
    runConfigs: runConfigsOf([options.run]),
    chartImages: [],
  })
  writeFileSync(files.markdown, markdown)
  return files.markdown
}

/** The PNG renderer needs a native module; load it only when PNGs are asked for. */
async function loadPngRenderer(): Promise<typeof import('../report/png.js')> {
  try {
    return await import('../report/png.js')
  } catch (error) {
    throw new OutputError(`PNG charts are unavailable on this machine: ${(error as Error).message}`, {
      hint: 'the PNG renderer (@resvg/resvg-js) has no build for this platform; use --format md,html',
      cause: error,
    })
  }
}

function runConfigsOf(runs: RunOnDisk[]) {
  return Object.fromEntries(
    runs.flatMap((run) => {
      const plan = run.meta?.plan
      if (plan === undefined) return []
      const w = plan.workload
      const config = {
        target: plan.target.name,
        model: plan.model.fullName,
        workload: w.name,
        rps: w.rps ?? null,
        concurrency: w.concurrency,
        durationSec: w.durationSec ?? null,
        maxTokens: w.maxTokens,
        temperature: w.temperature,
        promptType: w.promptFile ?? w.promptType,
        seed: plan.seed,
        toolVersion: run.meta?.toolVersion ?? null,
        ignoreEos: w.ignoreEos,
        // What the probe before the run found (issue 5); runs from older versions have none.
        capabilities: run.meta?.capabilities ? describeCapabilities(run.meta.capabilities) : 'not probed',
        // A run merged from shards (issue 17) says so, and which shards it holds.
        ...(isMergedMeta(run.meta) ? { shards: describeShards(run.meta) } : {}),
      }
      return [[run.runId, config]]
    }),
  )
}
