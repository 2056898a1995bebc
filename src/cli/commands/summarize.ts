import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { UsageError } from '../../errors.js'
import { renderSummaryCsv } from '../../report/csv.js'
import { pathsForRaw } from '../../results/result-paths.js'
import { writeSummaryFiles } from '../../results/run-files.js'
import { runFromRawPath, summarizeRun } from '../../results/run-summaries.js'
import { withStoredSourceFigures } from '../../results/stored-source-figures.js'
import { withServerSide } from '../../telemetry/server-side.js'
import { EXIT_OK, type ExitCode } from '../exit-codes.js'
import type { Io } from '../io.js'
import { detectLang } from '../lang.js'
import { renderRunSummaryTable } from '../run-summary-table.js'

/**
 * Redoes the summary step from raw files alone: results/summary/<run>.csv (+ .json) next
 * to the raw folder, and the printed table. Torn lines (a killed run) are reported and
 * skipped.
 */
export async function summarizeCommand(
  raws: string[],
  flags: { lang?: 'en' | 'ko' },
  io: Io,
): Promise<ExitCode> {
  const lang = detectLang(io.env, flags.lang)
  for (const raw of raws) {
    const rawPath = resolve(io.cwd, raw)
    if (!existsSync(rawPath)) {
      throw new UsageError(`Raw file not found: ${raw}`, { hint: 'pass files from results/raw/*.jsonl' })
    }
    if (rawPath.endsWith('.server-metrics.jsonl')) {
      // A shell glob over results/raw picks these up: they hold server samples, not records.
      io.stderr.write(`Note: ${raw} holds server metrics, not request records; skipped\n`)
      continue
    }
    const run = runFromRawPath(rawPath)
    const summarized = await summarizeRun(run)
    const { skipped } = summarized
    const paths = pathsForRaw(rawPath)
    // Read before summary.json is rewritten: the source figures only the run itself knew.
    const summary = await withServerSide(
      withStoredSourceFigures(summarized.summary, paths),
      rawPath,
      run.meta,
    )
    for (const skip of skipped) {
      io.stderr.write(`Warning: ${raw}:${skip.line}: skipped, ${skip.reason}\n`)
    }
    writeSummaryFiles(paths, summary, renderSummaryCsv(summary))
    io.stdout.write(`\n${run.runId}\n${renderRunSummaryTable(summary, lang)}\n`)
    io.stdout.write(`Summary written to ${paths.summaryCsv}\n`)
  }
  return EXIT_OK
}
