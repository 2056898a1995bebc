// The JSON and CSV files beside a run's raw records: its meta (written before the load and
// again at the end) and its summary. Every writer of these files comes through here, so
// their names and formats have one home.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { RunMeta, Summary } from '../types.js'
import type { ResultPaths } from './result-paths.js'

export function writeMeta(paths: ResultPaths, meta: RunMeta): void {
  writeFileSync(paths.meta, `${JSON.stringify(meta, null, 2)}\n`)
}

/**
 * results/summary/<run>.csv and .json. The CSV text comes from report/ (how a metric is
 * shown lives there); the JSON is the Summary itself, read back by `report` as a cache.
 */
export function writeSummaryFiles(paths: ResultPaths, summary: Summary, csv: string): void {
  mkdirSync(dirname(paths.summaryCsv), { recursive: true })
  writeFileSync(paths.summaryCsv, csv)
  writeFileSync(paths.summaryJson, `${JSON.stringify(summary, null, 2)}\n`)
}

/** The summary a run wrote, or null when there is none or it cannot be read. */
export function readSummaryFile(paths: ResultPaths): Summary | null {
  if (!existsSync(paths.summaryJson)) return null
  try {
    return JSON.parse(readFileSync(paths.summaryJson, 'utf8')) as Summary
  } catch {
    // An unreadable cache is rebuilt from the raw file by the caller.
    return null
  }
}
