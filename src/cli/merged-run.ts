// The terminal side of a merge (`merge`, `slurm submit --wait`, `slurm collect`, `k8s
// collect`): writes the merged run's summary and report beside its raw file, so `report`
// and `summarize` treat it as one run, and prints its shards, warnings and summary.
import { relative } from 'node:path'
import { renderSummaryCsv } from '../report/csv.js'
import type { MergedRun } from '../results/merge-shards.js'
import { pathsFor } from '../results/result-paths.js'
import { writeSummaryFiles } from '../results/run-files.js'
import { EXIT_CHECKS_FAILED, EXIT_OK, type ExitCode } from './exit-codes.js'
import type { Io } from './io.js'
import type { Lang } from './lang.js'
import { renderRunSummaryTable } from './run-summary-table.js'
import { writeRunReport } from './write-reports.js'

/** Exit 0 when every shard is there and finished, 1 when the merged run is incomplete. */
export function finishMergedRun(merged: MergedRun, outputDir: string, io: Io, lang: Lang): ExitCode {
  const { meta, summary } = merged
  const paths = { ...pathsFor(outputDir, meta.runId), raw: merged.rawPath, meta: merged.metaPath }
  writeSummaryFiles(paths, summary, renderSummaryCsv(summary))
  const report = writeRunReport({
    outputDir,
    summary,
    run: { runId: meta.runId, rawPath: merged.rawPath, meta },
  })
  const out = (line = '') => io.stdout.write(`${line}\n`)
  out(`Merged run ${meta.runId}: ${meta.shards.length} of ${meta.shardCount} shards, ${meta.records} records`)
  out('  shard  host                  records  skew ms  finished')
  for (const shard of meta.shards) {
    out(
      `  ${String(shard.index).padStart(5)}  ${shard.hostname.padEnd(20).slice(0, 20)}  ${String(shard.records).padStart(7)}  ${shard.skewMs.toFixed(0).padStart(7)}  ${shard.complete ? 'yes' : 'no'}`,
    )
  }
  for (const index of meta.missingShards) out(`  ${String(index).padStart(5)}  (missing: no files)`)
  for (const warning of meta.warnings) io.stderr.write(`Warning: ${warning}\n`)
  if (!meta.complete) out(`INCOMPLETE: ${meta.incompleteReason ?? ''}`)
  out()
  out(renderRunSummaryTable(summary, lang))
  out()
  out('Files:')
  for (const file of [merged.rawPath, merged.metaPath, paths.summaryCsv, report]) {
    out(`  ${shown(io.cwd, file)}`)
  }
  return meta.complete ? EXIT_OK : EXIT_CHECKS_FAILED
}

function shown(cwd: string, path: string): string {
  const rel = relative(cwd, path)
  return rel.startsWith('..') ? path : rel
}
