import { resolve } from 'node:path'
import { UsageError } from '../../errors.js'
import { listRuns, type RunOnDisk, runsAt } from '../../results/run-summaries.js'
import { EXIT_OK, type ExitCode } from '../exit-codes.js'
import type { Io } from '../io.js'
import { REPORT_FORMATS, type ReportFormat, writeReports } from '../write-reports.js'

export interface ReportFlags {
  format: string
  groupBy?: 'workload' | 'model' | 'target'
  outputDir: string
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
  const written = await writeReports({
    outputDir,
    formats: formats as ReportFormat[],
    io,
    runs,
    ...(flags.groupBy === undefined ? {} : { groupBy: flags.groupBy }),
  })
  io.stdout.write(`Report over ${runs.length} run(s):\n`)
  for (const file of written) io.stdout.write(`  ${file}\n`)
  return EXIT_OK
}
