// What `slurm submit` and `k8s render` pass on to every shard: the user's run flags exactly
// as typed, less the flags the submitter owns (each shard's index, run id, start, results
// folder), checked by the same parser `run` uses before anything is submitted.
import { resolve } from 'node:path'
import { Command } from '@commander-js/extra-typings'
import { UsageError } from '../errors.js'
import { parseStartAt, planStartWait } from '../workload/shard.js'

/** Flags of the submit commands, with whether each takes a value; never passed to shards. */
export const SUBMIT_FLAGS: Readonly<Record<string, boolean>> = {
  '--shards': true,
  '--shard': true,
  '--run-id': true,
  '--start-at': true,
  '--start-in': true,
  '--output-dir': true,
  '--program': true,
  '--partition': true,
  '--sbatch-arg': true,
  '--wait': false,
  '--image': true,
  '--namespace': true,
  '--pvc': true,
  '--hold-sec': true,
  '--output': true,
}

/**
 * The tokens typed after `<engine> <subcommand>` (commander keeps the user argv on the
 * root command), less the submitter's own flags, in their order.
 */
export function runArgsAfter(userArgv: readonly string[], path: readonly string[]): string[] {
  let at = 0
  for (const word of path) {
    const found = userArgv.indexOf(word, at)
    if (found === -1) return []
    at = found + 1
  }
  return stripFlags(userArgv.slice(at), SUBMIT_FLAGS)
}

export function stripFlags(tokens: readonly string[], flags: Readonly<Record<string, boolean>>): string[] {
  const kept: string[] = []
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? ''
    const name = token.split('=')[0] ?? token
    const takesValue = flags[name]
    if (takesValue === undefined) kept.push(token)
    else if (takesValue && !token.includes('=')) i++
  }
  return kept
}

/**
 * Parses the run flags with `run`'s own option table, so a typo fails here, on the login
 * node, and not in N shards later. Returns the parsed values for naming the run.
 */
export async function checkRunArgs(runArgs: readonly string[]): Promise<Record<string, unknown>> {
  const { addRunOptions } = await import('./program.js')
  const errors: string[] = []
  const probe = addRunOptions(new Command('run').exitOverride())
    .configureOutput({ writeOut: () => {}, writeErr: (text) => errors.push(text.trim()) })
    .allowExcessArguments(false)
  try {
    probe.parse([...runArgs], { from: 'user' })
  } catch {
    throw new UsageError(`Run flags for the shards are wrong: ${errors.join(' ') || runArgs.join(' ')}`, {
      hint: 'give the same flags `run-bench run` takes (see run-bench run --help)',
    })
  }
  return probe.opts() as Record<string, unknown>
}

/** The shared start: --start-at, else now + --start-in seconds (time for the engine to start every shard). */
export function chooseStartAt(
  flags: { startAt?: string; startIn?: string },
  defaultStartInSec: number,
): number {
  if (flags.startAt !== undefined) {
    const startAtEpochMs = parseStartAt(flags.startAt)
    planStartWait(startAtEpochMs, Date.now(), 0)
    return startAtEpochMs
  }
  const startInSec = flags.startIn === undefined ? defaultStartInSec : Number(flags.startIn)
  if (!Number.isFinite(startInSec) || startInSec < 1) {
    throw new UsageError(`--start-in ${flags.startIn} is not a number of seconds of at least 1`, {
      hint: 'give the seconds the engine needs to start every shard, e.g. --start-in 60',
    })
  }
  return Math.ceil((Date.now() + startInSec * 1000) / 1000) * 1000
}

/**
 * How the shards call the tool: --program as typed (split on spaces), else this very node
 * and CLI entry (with a loader such as --import tsx kept), which every node of a cluster
 * with a shared filesystem can run.
 */
export function shardProgram(flag: string | undefined, cwd: string): string[] {
  if (flag !== undefined) return flag.split(/\s+/).filter((part) => part !== '')
  const entry = process.argv[1]
  if (entry === undefined || !/bin\.[jt]s$/.test(entry)) return ['run-bench']
  const loaders: string[] = []
  const execArgv = process.execArgv
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] ?? ''
    if (arg === '--import' && execArgv[i + 1] !== undefined) loaders.push(arg, execArgv[++i] ?? '')
    else if (arg.startsWith('--import=')) loaders.push(arg)
  }
  return [process.execPath, ...loaders, resolve(cwd, entry)]
}

/** A name for the run from its flags and start: the same rule as a run's file names. */
export function submittedRunId(opts: Record<string, unknown>, startAtEpochMs: number): string {
  const stamp = new Date(startAtEpochMs).toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15)
  const parts = [opts.target, opts.model, opts.workload]
    .filter((part): part is string => typeof part === 'string')
    .map((part) => part.replace(/[^A-Za-z0-9.-]+/g, '-'))
  return ['bench', ...parts, `${stamp}Z`].join('_')
}
