import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { renderMarkdownReport } from '../report/markdown.js'
import type { Summary } from '../types.js'
import type { Io } from './io.js'
import { listRuns, type RunOnDisk, summarizeRun } from './run-summaries.js'

export type ReportFormat = 'md' | 'html' | 'png' | 'pdf'
export const REPORT_FORMATS: readonly ReportFormat[] = ['md', 'html', 'png', 'pdf']

export interface WriteReportsOptions {
  outputDir: string
  formats: ReportFormat[]
  io: Io
  /** Runs to report on; default every run under <outputDir>/raw. */
  runs?: RunOnDisk[]
  toolVersion?: string
}

/**
 * Writes <outputDir>/reports/benchmark_report.md (and the other asked formats) over the
 * given runs and returns the files written. A run's summary comes from its
 * summary/<run>.json when the run wrote one, else from its raw file.
 */
export async function writeReports(options: WriteReportsOptions): Promise<string[]> {
  const runs = options.runs ?? listRuns(options.outputDir)
  const summaries: Summary[] = []
  for (const run of runs) summaries.push(await loadSummary(options.outputDir, run))
  const reportsDir = join(options.outputDir, 'reports')
  mkdirSync(reportsDir, { recursive: true })
  const written: string[] = []
  const generatedAt = new Date().toISOString()
  const toolVersion = options.toolVersion ?? runs.find((run) => run.meta)?.meta?.toolVersion ?? 'unknown'
  const runConfigs = Object.fromEntries(
    runs.flatMap((run) => {
      const plan = run.meta?.plan
      if (plan === undefined) return []
      const w = plan.workload
      return [
        [
          run.runId,
          {
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
          },
        ],
      ]
    }),
  )
  if (options.formats.includes('md')) {
    const path = join(reportsDir, 'benchmark_report.md')
    writeFileSync(path, renderMarkdownReport({ summaries, generatedAt, toolVersion, runConfigs }))
    written.push(path)
  }
  return written
}

async function loadSummary(outputDir: string, run: RunOnDisk): Promise<Summary> {
  const cached = join(outputDir, 'summary', `${run.runId}.json`)
  if (existsSync(cached)) {
    try {
      return JSON.parse(readFileSync(cached, 'utf8')) as Summary
    } catch {
      // Fall through: an unreadable cache is rebuilt from the raw file.
    }
  }
  return (await summarizeRun(run)).summary
}
