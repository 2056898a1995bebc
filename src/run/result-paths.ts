import { accessSync, constants, existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { OutputError } from '../errors.js'

export interface ResultPaths {
  runId: string
  raw: string
  meta: string
  summaryCsv: string
  reportsDir: string
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
  parts: { target: string; model: string; workload: string },
  now: Date,
): ResultPaths {
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
    reportsDir: join(outputDir, 'reports'),
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
