import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createSummaryAccumulator, type SummaryInfo } from '../stats/summarize.js'
import type { RunMeta, Summary } from '../types.js'
import { readRawRecords } from './read-raw-records.js'
import { pathsForRaw } from './result-paths.js'

export interface RunOnDisk {
  runId: string
  rawPath: string
  meta: RunMeta | null
}

/** Every run under <outputDir>/raw, oldest first (file names carry the start time). */
export function listRuns(outputDir: string): RunOnDisk[] {
  const rawDir = join(outputDir, 'raw')
  if (!existsSync(rawDir)) return []
  // <run>.server-metrics.jsonl beside a run holds server samples, not request records.
  return readdirSync(rawDir)
    .filter((name) => name.endsWith('.jsonl') && !name.endsWith('.server-metrics.jsonl'))
    .sort()
    .map((name) => runFromRawPath(join(rawDir, name)))
}

/**
 * The runs at a path a user gave: a results folder (holding raw/), the raw folder itself, or
 * one raw file; null when nothing is there.
 */
export function runsAt(path: string): RunOnDisk[] | null {
  if (!existsSync(path)) return null
  if (statSync(path).isDirectory()) {
    return existsSync(join(path, 'raw'))
      ? listRuns(path)
      : listRuns(resolve(path, '..')).filter((run) => run.rawPath.startsWith(path))
  }
  return [runFromRawPath(path)]
}

export function runFromRawPath(rawPath: string): RunOnDisk {
  const { runId, meta: metaPath } = pathsForRaw(rawPath)
  let meta: RunMeta | null = null
  if (existsSync(metaPath)) {
    try {
      meta = JSON.parse(readFileSync(metaPath, 'utf8')) as RunMeta
    } catch {
      // A meta torn by a crash is not fatal: the records alone still summarize.
      meta = null
    }
  }
  return { runId, rawPath, meta }
}

/**
 * Summarizes one run from its raw file alone (streamed; records are never all in memory),
 * taking names and the offered load from the meta when there is one, else from the records.
 */
export async function summarizeRun(
  run: RunOnDisk,
): Promise<{ summary: Summary; skipped: Array<{ line: number; reason: string }> }> {
  const accumulator = createSummaryAccumulator()
  let firstModel: string | null = null
  const report = await readRawRecords(run.rawPath, (record) => {
    firstModel ??= record.model
    accumulator.add(record)
  })
  return { summary: accumulator.finish(summaryInfoOf(run, firstModel)), skipped: report.skipped }
}

/** Names and offered load of a run: from its meta, else from its records and file name. */
export function summaryInfoOf(run: RunOnDisk, firstModel: string | null): SummaryInfo {
  const plan = run.meta?.plan
  const nameParts = parseRunId(run.runId)
  return {
    runId: run.runId,
    target: plan?.target.name ?? nameParts.target,
    model: plan?.model.fullName ?? firstModel ?? nameParts.model,
    workload: plan?.workload.name ?? nameParts.workload,
    startedAt: run.meta?.startedAt ?? '',
    offeredRps: plan?.workload.rps ?? null,
    concurrency: plan?.workload.concurrency ?? 0,
    clientHealth: run.meta?.clientHealth ?? null,
  }
}

/** bench_<target>_<model>_<workload>_<YYYYMMDD>_<HHMMSS>: best effort for files without meta. */
function parseRunId(runId: string): { target: string; model: string; workload: string } {
  const parts = runId.replace(/^bench_/, '').split('_')
  const stampAt = parts.findIndex((part, i) => /^\d{8}$/.test(part) && /^\d{6}$/.test(parts[i + 1] ?? ''))
  const named = stampAt > 0 ? parts.slice(0, stampAt) : parts
  return {
    target: named[0] ?? 'unknown',
    workload: named.length > 2 ? (named[named.length - 1] ?? 'unknown') : 'unknown',
    model: named.length > 2 ? named.slice(1, -1).join('_') : (named[1] ?? 'unknown'),
  }
}
