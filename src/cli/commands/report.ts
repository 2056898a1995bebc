import { resolve } from 'node:path'
import { UsageError } from '../../errors.js'
import { listRuns, type RunOnDisk, runsAt } from '../../results/run-summaries.js'
import { EXIT_OK, EXIT_USAGE, type ExitCode } from '../exit-codes.js'
import type { Io } from '../io.js'
import { detectLang } from '../lang.js'
import { REPORT_FORMATS, type ReportFormat, writeReportFormats } from '../write-reports.js'

export interface ReportFlags {
  format: string
  groupBy?: 'workload' | 'model' | 'target'
  outputDir: string
  /** Headings and labels of the reports; default from LC_ALL / LC_MESSAGES / LANG. */
  lang?: 'en' | 'ko'
}

export async function reportCommand(paths: string[], flags: ReportFlags, io: Io): Promise<ExitCode> {
  const formats = flags.format
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '')
  const unknown = formats.filter((f) => !REPORT_FORMATS.includes(f as ReportFormat))
  if (unknown.length > 0) {
    throw new UsageError(`--format: unknown format ${unknown.join(', ')}`, {
      hint: `choose from ${REPORT_FORMATS.join(', ')}`,
    })
  }
  const outputDir = resolve(io.cwd, flags.outputDir)
  const runs: RunOnDisk[] =
    paths.length === 0
      ? listRuns(outputDir)
      : paths.flatMap((p) => {
          const runs = runsAt(resolve(io.cwd, p))
          if (runs === null)
            throw new UsageError(`Not found: ${p}`, { hint: 'pass raw .jsonl files or folders' })
          return runs
        })
  if (runs.length === 0) {
    throw new UsageError(`No runs found${paths.length === 0 ? ` under ${outputDir}/raw` : ''}`, {
      hint: 'run a benchmark first: run-bench run --target sim --workload smoke',
    })
  }
  const { written, notWritten } = await writeReportFormats({
    outputDir,
    formats: formats as ReportFormat[],
    io,
    runs,
    lang: detectLang(io.env, flags.lang),
    ...(flags.groupBy === undefined ? {} : { groupBy: flags.groupBy }),
  })
  io.stdout.write(`Report over ${runs.length} run(s):\n`)
  for (const file of written) io.stdout.write(`  ${file}\n`)
  if (notWritten.length === 0) return EXIT_OK
  // What was written stays written and is listed above; each missing format says why and
  // how to get it, and the exit code says that not everything asked for is there.
  for (const { format, error } of notWritten) {
    io.stderr.write(`Not written: ${format}: ${error.message}\n`)
    if (error.hint !== undefined) io.stderr.write(`  Hint: ${error.hint}\n`)
  }
  const missing = notWritten.map((n) => n.format).join(', ')
  io.stderr.write(`Error: ${missing} not written; the ${written.length} file(s) listed above were written\n`)
  return EXIT_USAGE
}
