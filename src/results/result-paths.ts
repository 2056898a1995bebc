import { accessSync, constants, existsSync, mkdirSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { OutputError, UsageError } from '../errors.js'

export interface ResultPaths {
  runId: string
  raw: string
  meta: string
  summaryCsv: string
  summaryJson: string
  reportsDir: string
}

/** The files a report writes under <outputDir>/reports. */
export interface ReportPaths {
  dir: string
  markdown: string
  html: string
  pdf: string
  chartsDir: string
  /** A chart's PNG, and the link to it relative to the reports folder (for the Markdown). */
  chart(id: string): { file: string; link: string }
}

/** A file-name-safe piece: the served model name "Qwen/Qwen3-4B" becomes "Qwen-Qwen3-4B". */
export function safeNamePart(value: string): string {
  // Only what a path or a shell cannot take is replaced (separators, NUL and control
  // characters, Windows' reserved :*?"<>|, whitespace); letters of any script stay, so a
  // workload named 짧은테스트 keeps its name. Leading dots would hide the file.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const unsafe = /[/\\\u0000-\u001f\u007f:*?"<>|\s]+/g
  return value.replace(unsafe, '-').replace(/^[-.]+|-+$/g, '') || 'unnamed'
}

/** YYYYMMDD_HHMMSS in local time, as the original tool names its files. */
export function fileStamp(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return (
    `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}_` +
    `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`
  )
}

/**
 * results/raw/bench_<target>_<model>_<workload>_<stamp>.jsonl and its siblings. A second
 * run in the same second gets a _2, _3 … suffix: earlier files are never overwritten.
 */
export function planResultPaths(
  outputDir: string,
  parts: { target: string; model: string; workload: string; shard?: ShardName | undefined },
  now: Date,
): ResultPaths {
  if (parts.shard !== undefined) return planShardPaths(outputDir, parts.shard)
  const base = `bench_${safeNamePart(parts.target)}_${safeNamePart(parts.model)}_${safeNamePart(parts.workload)}_${fileStamp(now)}`
  for (let n = 1; ; n++) {
    const runId = n === 1 ? base : `${base}_${n}`
    const paths = pathsFor(outputDir, runId)
    if (!existsSync(paths.raw) && !existsSync(paths.meta) && !existsSync(paths.summaryCsv)) return paths
  }
}

export function pathsFor(outputDir: string, runId: string): ResultPaths {
  return {
    runId,
    raw: join(outputDir, 'raw', `${runId}.jsonl`),
    meta: join(outputDir, 'raw', `${runId}.meta.json`),
    summaryCsv: join(outputDir, 'summary', `${runId}.csv`),
    summaryJson: join(outputDir, 'summary', `${runId}.json`),
    reportsDir: join(outputDir, 'reports'),
  }
}

/**
 * The paths of the run whose raw file is given (summarize, report): the meta is its sibling
 * wherever it lies; summaries go to ../summary beside the raw file's folder.
 */
export function pathsForRaw(rawPath: string): ResultPaths {
  const paths = pathsFor(dirname(dirname(rawPath)), runIdOfRaw(rawPath))
  return { ...paths, raw: rawPath, meta: rawPath.replace(/\.jsonl$/, '.meta.json') }
}

export function runIdOfRaw(rawPath: string): string {
  return basename(rawPath).replace(/\.jsonl$/, '')
}

export function reportPaths(outputDir: string): ReportPaths {
  const dir = join(outputDir, 'reports')
  return {
    dir,
    markdown: join(dir, 'benchmark_report.md'),
    html: join(dir, 'benchmark_report.html'),
    pdf: join(dir, 'benchmark_report.pdf'),
    chartsDir: join(dir, 'charts'),
    chart: (id) => ({ file: join(dir, 'charts', `${id}.png`), link: `charts/${id}.png` }),
  }
}

/** Creates results/{raw,summary,reports} and proves they are writable, before any load. */
export function prepareOutputDirs(outputDir: string): void {
  for (const sub of ['raw', 'summary', 'reports']) {
    const dir = join(outputDir, sub)
    try {
      mkdirSync(dir, { recursive: true })
      accessSync(dir, constants.W_OK)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error'
      throw new OutputError(`Cannot write results to ${dir} (${code})`, {
        hint: 'choose a writable folder with --output-dir, or fix its permissions',
        cause: error,
      })
    }
  }
}

/** Which shard of which run a process writes (issue 17). */
export interface ShardName {
  runId: string
  index: number
  count: number
}

/** <runId>.shard-<i>-of-<N>: the run id every shard shares, then the shard. */
export function shardFileStem(shard: ShardName): string {
  return `${shard.runId}.shard-${shard.index}-of-${shard.count}`
}

/**
 * A shard's files go to <outputDir>/shards/, not raw/: `report` lists raw/ as runs, and a
 * shard is a part of the merged run (raw/<runId>.jsonl), not a run of its own.
 */
export function shardResultPaths(outputDir: string, shard: ShardName): ResultPaths {
  const stem = join(outputDir, 'shards', shardFileStem(shard))
  return {
    runId: shardFileStem(shard),
    raw: `${stem}.jsonl`,
    meta: `${stem}.meta.json`,
    summaryCsv: `${stem}.summary.csv`,
    summaryJson: `${stem}.summary.json`,
    reportsDir: join(outputDir, 'reports'),
  }
}

/** A shard's files, refused when that shard of that run already wrote some (a duplicate). */
function planShardPaths(outputDir: string, shard: ShardName): ResultPaths {
  const paths = shardResultPaths(outputDir, shard)
  if (existsSync(paths.raw) || existsSync(paths.meta)) {
    throw new UsageError(
      `Shard ${shard.index}/${shard.count} of run ${shard.runId} already has results: ${paths.meta}`,
      { hint: 'every shard index runs once per run id: give a new --run-id, or remove the old files' },
    )
  }
  mkdirSync(dirname(paths.raw), { recursive: true })
  return paths
}
