// Loads stored runs for `check`, `compare` and `--baseline`: a raw JSONL FILE, or a DIR holding
// raw files (directly or under raw/, as an output folder or a downloaded CI artifact does).
// Several files are one group of runs: their records are pooled. The records stay in memory,
// because the comparison resamples them. (results/ will own file layout; move this there.)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { UsageError } from '../errors.js'
import { readRawRecords } from '../results/read-raw-records.js'
import type { RequestRecord, RunMeta } from '../types.js'

export interface LoadedRuns {
  files: string[]
  records: RequestRecord[]
  /** Meta of the first file that has a sibling .meta.json (workload and model names). */
  meta: RunMeta | null
  /** Lines skipped as torn or invalid, per file. */
  skipped: { file: string; line: number; reason: string }[]
}

/** The raw JSONL files a FILE or DIR argument names; a clear error when there are none. */
export function listRawFiles(path: string, flag: string): string[] {
  if (!existsSync(path)) {
    throw new UsageError(`${flag} ${path}: no such file or folder`, {
      hint: 'pass a raw .jsonl file or a results folder (one holding raw/*.jsonl)',
    })
  }
  if (statSync(path).isFile()) {
    if (!path.endsWith('.jsonl')) {
      throw new UsageError(`${flag} ${path}: not a raw records file (.jsonl)`, {
        hint: 'pass the results/raw/<run>.jsonl file, not its .meta.json or a report',
      })
    }
    return [path]
  }
  const inRaw = join(path, 'raw')
  const folder = existsSync(inRaw) && statSync(inRaw).isDirectory() ? inRaw : path
  const files = readdirSync(folder)
    .filter((name) => name.endsWith('.jsonl') && !name.endsWith('.server-metrics.jsonl'))
    .sort()
    .map((name) => join(folder, name))
  if (files.length === 0) {
    throw new UsageError(`${flag} ${path}: no raw .jsonl files in ${folder}`, {
      hint: 'point it at a results folder written by `run-bench run` (it holds raw/*.jsonl)',
    })
  }
  return files
}

export async function loadRuns(paths: readonly string[], flag: string): Promise<LoadedRuns> {
  const loaded: LoadedRuns = { files: [], records: [], meta: null, skipped: [] }
  for (const path of paths) {
    for (const file of listRawFiles(path, flag)) {
      loaded.files.push(file)
      const report = await readRawRecords(file, (record) => loaded.records.push(record))
      for (const skip of report.skipped) loaded.skipped.push({ file, ...skip })
      const metaPath = file.replace(/\.jsonl$/, '.meta.json')
      if (loaded.meta === null && existsSync(metaPath)) {
        try {
          loaded.meta = JSON.parse(readFileSync(metaPath, 'utf8')) as RunMeta
        } catch {
          // A torn meta file only loses the workload name for the "same workload" check.
          loaded.meta = null
        }
      }
    }
  }
  return loaded
}
