import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { UsageError } from '../../errors.js'
import { renderSummaryCsv } from '../../report/csv.js'
import { EXIT_OK, type ExitCode } from '../exit-codes.js'
import type { Io } from '../io.js'
import { detectLang } from '../lang.js'
import { runFromRawPath, summarizeRun } from '../run-summaries.js'
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
    const run = runFromRawPath(rawPath)
    const { summary, skipped } = await summarizeRun(run)
    for (const skip of skipped) {
      io.stderr.write(`Warning: ${raw}:${skip.line}: skipped, ${skip.reason}\n`)
    }
    const summaryDir = join(dirname(dirname(rawPath)), 'summary')
    mkdirSync(summaryDir, { recursive: true })
    const csvPath = join(summaryDir, `${run.runId}.csv`)
    writeFileSync(csvPath, renderSummaryCsv(summary))
    writeFileSync(join(summaryDir, `${run.runId}.json`), `${JSON.stringify(summary, null, 2)}\n`)
    io.stdout.write(`\n${run.runId}\n${renderRunSummaryTable(summary, lang)}\n`)
    io.stdout.write(`Summary written to ${csvPath}\n`)
  }
  return EXIT_OK
}
