// `run-bench merge DIR…`: one run from its shards' raw files (results/merge-shards.ts).
import { resolve } from 'node:path'
import { UsageError } from '../../errors.js'
import { mergeShards } from '../../results/merge-shards.js'
import type { ExitCode } from '../exit-codes.js'
import type { Io } from '../io.js'
import { detectLang } from '../lang.js'
import { finishMergedRun } from '../merged-run.js'
import type { MergeFlags } from './merge.js'

export async function mergeCommand(dirs: string[], flags: MergeFlags, io: Io): Promise<ExitCode> {
  const absolute = dirs.map((dir) => resolve(io.cwd, dir))
  const outputDir = resolve(io.cwd, flags.outputDir ?? dirs[0] ?? '.')
  const expectedShards = flags.shards === undefined ? undefined : wholeNumber('--shards', flags.shards, 1)
  const maxSkewMs = wholeNumber('--max-skew-ms', flags.maxSkewMs ?? '1000', 0)
  const merged = await mergeShards({
    dirs: absolute,
    outputDir,
    maxSkewMs,
    ...(flags.runId === undefined ? {} : { runId: flags.runId }),
    ...(expectedShards === undefined ? {} : { expectedShards }),
  })
  return finishMergedRun(merged, outputDir, io, detectLang(io.env))
}

export function wholeNumber(flag: string, text: string, min: number): number {
  const value = Number(text)
  if (!/^\s*\d+\s*$/.test(text) || value < min) {
    throw new UsageError(`${flag} ${text} is not a whole number of at least ${min}`)
  }
  return value
}
