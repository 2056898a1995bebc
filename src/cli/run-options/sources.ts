// `run` flags of the prompt sources (issue 16). Each is the flag form of a workloads.yaml key
// (docs/workload-sources.md): --input-tokens/--output-tokens (input_tokens/output_tokens),
// --dataset/--dataset-mode (dataset.path/mode), --trace/--trace-scale/--trace-window
// (trace.path/time_scale/start_ms+duration_ms), --sessions-turns/--think-time (sessions),
// --prefix-tokens/--prefix-groups/--prefix-mode/--no-prime (prefix), --on-bad-prompt.
// Flags override the workload's keys; a flag that picks a source (--input-tokens, --dataset,
// --trace) replaces the workload's source. The plan is checked here, files read and lengths
// generated once, before any load: a bad dataset line or an unreachable length stops the run
// with exit code 2.
import { resolve } from 'node:path'
import { type Command, InvalidArgumentError, Option, type OptionValues } from '@commander-js/extra-typings'
import {
  checkWorkloadSources,
  DATASET_MODES,
  ON_BAD_PROMPT,
  PREFIX_MODES,
  workloadSourcesOf,
} from '../../config/workload-sources-rules.js'
import { UsageError } from '../../errors.js'
import type { RunSource } from '../../run/run-source.js'
import type { RunPlan, SourceStats, TokenLength, WorkloadSources } from '../../types.js'
import type { Io } from '../io.js'
import type { RunExtension } from '../run-extension.js'

export type SourceFlags = {
  inputTokens?: TokenLength
  outputTokens?: TokenLength
  dataset?: string
  datasetMode?: 'first-turn' | 'multi-turn'
  trace?: string
  traceScale?: number
  traceWindow?: { startMs?: number; durationMs?: number }
  sessionsTurns?: number
  /** Seconds. */
  thinkTime?: number
  prefixTokens?: number
  prefixGroups?: number
  prefixMode?: 'shared' | 'random'
  /** false with --no-prime (commander sets true otherwise). */
  prime?: boolean
  onBadPrompt?: 'skip' | 'stop'
  tokenizer?: string
}

/** `1024`, `uniform:512:2048` or `normal:1024:128[:min:max]` (bounds default to mean ± 4 sd). */
export function parseTokenLength(text: string): TokenLength {
  const whole = (part: string | undefined, what: string) => {
    const value = Number(part)
    if (part === undefined || part.trim() === '' || !Number.isInteger(value) || value < 1)
      throw new InvalidArgumentError(`${what} must be a whole number >= 1 (got "${part ?? ''}").`)
    return value
  }
  const parts = text.split(':')
  if (parts.length === 1) return whole(parts[0], 'A length')
  const [kind, ...rest] = parts
  if (kind === 'uniform' && rest.length === 2) {
    const min = whole(rest[0], 'uniform min')
    const max = whole(rest[1], 'uniform max')
    if (min > max) throw new InvalidArgumentError(`uniform min ${min} is above max ${max}.`)
    return { min, max }
  }
  if (kind === 'normal' && (rest.length === 2 || rest.length === 4)) {
    const mean = Number(rest[0])
    const sd = Number(rest[1])
    if (!(mean > 0) || !(sd >= 0)) throw new InvalidArgumentError('normal needs a mean > 0 and an sd >= 0.')
    const min = rest.length === 4 ? whole(rest[2], 'normal min') : Math.max(1, Math.floor(mean - 4 * sd))
    const max = rest.length === 4 ? whole(rest[3], 'normal max') : Math.ceil(mean + 4 * sd)
    if (min > mean || mean > max)
      throw new InvalidArgumentError(`normal mean ${mean} must be within min..max (${min}..${max}).`)
    return { mean, sd, min, max }
  }
  throw new InvalidArgumentError('Use N, uniform:MIN:MAX or normal:MEAN:SD[:MIN:MAX] (token counts).')
}

function positive(text: string): number {
  const value = Number(text)
  if (text.trim() === '' || !(value > 0)) throw new InvalidArgumentError('Must be a number > 0.')
  return value
}

function atLeastZero(text: string): number {
  const value = Number(text)
  if (text.trim() === '' || !(value >= 0)) throw new InvalidArgumentError('Must be a number >= 0.')
  return value
}

function wholeNumber(text: string): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('Must be a whole number >= 1.')
  return value
}

/** `START:DURATION` in seconds of trace time; either may be empty (`:60`, `30:`). */
function traceWindow(text: string): { startMs?: number; durationMs?: number } {
  const match = /^\s*([0-9.]*)\s*:\s*([0-9.]*)\s*$/.exec(text)
  const start = match?.[1] ?? ''
  const duration = match?.[2] ?? ''
  const window: { startMs?: number; durationMs?: number } = {}
  if (match === null || (start === '' && duration === ''))
    throw new InvalidArgumentError('Use START:DURATION in seconds of trace time, e.g. 0:60.')
  if (start !== '') window.startMs = atLeastZero(start) * 1000
  if (duration !== '') window.durationMs = positive(duration) * 1000
  return window
}

export function addSourceOptions<Args extends unknown[], Opts extends OptionValues>(
  command: Command<Args, Opts>,
) {
  command
    .option(
      '--input-tokens <len>',
      'prompts of exactly this many tokens: N, uniform:MIN:MAX or normal:MEAN:SD[:MIN:MAX]',
      parseTokenLength,
    )
    .option('--output-tokens <len>', 'ask for exactly this many output tokens (same forms)', parseTokenLength)
    .option('--dataset <file>', 'prompts from a ShareGPT JSON or a JSONL dataset')
    .addOption(
      new Option(
        '--dataset-mode <mode>',
        'first-turn: one request per conversation; multi-turn: sessions',
      ).choices(DATASET_MODES),
    )
    .option('--trace <file>', "replay a trace's arrival times and lengths (Azure CSV or Mooncake JSONL)")
    .option('--trace-scale <factor>', 'multiply every trace gap (0.5 replays twice as fast)', positive)
    .option('--trace-window <a:b>', 'replay trace time a..a+b (seconds; either may be empty)', traceWindow)
    .option('--sessions-turns <n>', 'multi-turn sessions of n turns (the rate counts sessions)', wholeNumber)
    .option('--think-time <seconds>', 'pause between an answer and the next turn', atLeastZero)
    .option('--prefix-tokens <n>', 'every request starts with a system prompt of n tokens', wholeNumber)
    .option('--prefix-groups <n>', 'number of distinct shared system prompts (default 1)', wholeNumber)
    .addOption(
      new Option('--prefix-mode <mode>', 'shared (cacheable) or random (unique per request)').choices(
        PREFIX_MODES,
      ),
    )
    .option('--no-prime', 'do not warm the shared prefixes before the measurement window')
    .addOption(
      new Option('--on-bad-prompt <what>', 'a broken dataset entry: stop (default) or skip it').choices(
        ON_BAD_PROMPT,
      ),
    )
  return command
}

/** The workload's source keys with the flags applied over them (undefined: no source). */
export function applySourceFlags(
  base: WorkloadSources | undefined,
  flags: SourceFlags,
  cwd: string,
): WorkloadSources | undefined {
  const sources: WorkloadSources = { ...(base ?? {}) }
  // A flag that picks the source replaces the workload's source and what only it could use.
  if (flags.inputTokens !== undefined || flags.dataset !== undefined || flags.trace !== undefined) {
    delete sources.input_tokens
    delete sources.dataset
    delete sources.trace
    if (flags.inputTokens === undefined) delete sources.prefix
    if (flags.trace !== undefined) {
      delete sources.sessions
      delete sources.output_tokens
    }
  }
  if (flags.inputTokens !== undefined) sources.input_tokens = flags.inputTokens
  if (flags.outputTokens !== undefined) sources.output_tokens = flags.outputTokens
  if (flags.onBadPrompt !== undefined) sources.on_bad_prompt = flags.onBadPrompt
  if (flags.dataset !== undefined) sources.dataset = { path: resolve(cwd, flags.dataset) }
  if (flags.datasetMode !== undefined && sources.dataset !== undefined)
    sources.dataset = { ...sources.dataset, mode: flags.datasetMode }
  if (flags.trace !== undefined) sources.trace = { path: resolve(cwd, flags.trace) }
  if (sources.trace !== undefined) {
    const trace = { ...sources.trace }
    if (flags.traceScale !== undefined) trace.time_scale = flags.traceScale
    if (flags.traceWindow?.startMs !== undefined) trace.start_ms = flags.traceWindow.startMs
    if (flags.traceWindow?.durationMs !== undefined) trace.duration_ms = flags.traceWindow.durationMs
    sources.trace = trace
  }
  if (flags.sessionsTurns !== undefined || flags.thinkTime !== undefined) {
    const turns = flags.sessionsTurns ?? sources.sessions?.turns
    if (turns === undefined)
      throw new UsageError('--think-time needs --sessions-turns (or a workload with sessions)')
    sources.sessions = { ...sources.sessions, turns }
    if (flags.thinkTime !== undefined) sources.sessions.think_time_ms = flags.thinkTime * 1000
  }
  if (
    flags.prefixTokens !== undefined ||
    flags.prefixGroups !== undefined ||
    flags.prefixMode !== undefined
  ) {
    const tokens = flags.prefixTokens ?? sources.prefix?.tokens
    if (tokens === undefined)
      throw new UsageError(
        '--prefix-groups and --prefix-mode need --prefix-tokens (or a workload with a prefix)',
      )
    sources.prefix = { ...sources.prefix, tokens }
    if (flags.prefixGroups !== undefined) sources.prefix.groups = flags.prefixGroups
    if (flags.prefixMode !== undefined) sources.prefix.mode = flags.prefixMode
  }
  if (flags.prime === false && sources.prefix !== undefined)
    sources.prefix = { ...sources.prefix, prime: false }
  // Paths already absolute; this drops nothing else and returns undefined for no keys.
  return workloadSourcesOf(sources, cwd)
}

/** The YAML key path of a problem as the flag a user types. */
const FLAG_OF: Record<string, string> = {
  input_tokens: '--input-tokens',
  output_tokens: '--output-tokens',
  dataset: '--dataset',
  trace: '--trace',
  sessions: '--sessions-turns',
  prefix: '--prefix-tokens',
}

function checkSources(plan: RunPlan, sources: WorkloadSources): void {
  const problems = checkWorkloadSources(sources)
  if (problems.length === 0) return
  const lines = problems.map((problem) => {
    const key = String(problem.path[0] ?? '')
    return `${problem.path.join('.')} (${FLAG_OF[key] ?? key} or workloads.yaml) ${problem.message}`
  })
  throw new UsageError(
    `Workload "${plan.workload.name}" has conflicting prompt-source settings:\n  ${lines.join('\n  ')}`,
    {
      hint: 'a workload has one source: --input-tokens, --dataset or --trace (see docs/workload-sources.md)',
    },
  )
}

export async function sourceExtension(flags: SourceFlags, io: Io): Promise<RunExtension | null> {
  // Loaded when a run is built, not when the program is (`--version` and `--help` stay light).
  const [{ buildRunSource }, { createSourceHook }, { createTokenCounter }] = await Promise.all([
    import('../../run/run-source.js'),
    import('../../run/source-hook.js'),
    import('../../workload/tokenizer.js'),
  ])
  const tokenizer = flags.tokenizer === undefined ? undefined : resolve(io.cwd, flags.tokenizer)
  const countTokens = await createTokenCounter(
    tokenizer === undefined ? { kind: 'default' } : { kind: 'tokenizer-json', path: tokenizer },
  )
  let built: RunSource | null = null
  return {
    name: 'prompt sources',
    plan(plan) {
      const sources = applySourceFlags(plan.workload.sources, flags, io.cwd)
      if (sources === undefined) return plan
      checkSources(plan, sources)
      let next: RunPlan = {
        ...plan,
        workload: { ...plan.workload, sources },
        ...(tokenizer === undefined ? {} : { tokenizer }),
      }
      // Reads the files and draws one request now, so bad input (a broken dataset line, a
      // trace out of order, a length the tokenizer cannot reach) stops the run before any
      // load. This copy primes the prefixes; the run draws the same requests from its own.
      built = buildRunSource(next, countTokens, false)
      built?.source.next()
      const lastMs = built?.arrivalsMs?.at(-1)
      if (lastMs !== undefined) {
        // A replay lasts as long as its trace: the plan line and the progress say so.
        const durationSec = Math.floor(lastMs / 1000) + 1
        if (next.workload.durationSec === undefined || durationSec < next.workload.durationSec)
          next = { ...next, workload: { ...next.workload, durationSec } }
        // …and sends as many requests as the window holds (the plan line and progress count them).
        next = { ...next, workload: { ...next.workload, requests: built?.arrivalsMs?.length ?? 0 } }
      }
      if (built !== null) {
        const replay =
          built.arrivalsMs === null
            ? ''
            : `; sent at the trace's times (open loop, ${built.arrivalsMs.length} requests)`
        const sessions = built.sessions ? '; the rate and the requests bound count sessions' : ''
        io.stdout.write(`Prompt source: ${built.source.label}${replay}${sessions}\n`)
      }
      return next
    },
    hooks: () => (built === null ? [] : [createSourceHook(built)]),
    afterRun(run, out) {
      const stats = run.summary.sources
      if (stats === undefined) return {}
      for (const line of describeSourceStats(stats)) out.stdout.write(`${line}\n`)
      for (const warning of stats.warnings ?? []) out.stderr.write(`Warning: ${warning}\n`)
      return { json: { sources: stats } }
    },
  }
}

const ms = (value: number) => `${value.toFixed(1)} ms`
const signed = (value: number) =>
  `${value >= 0 ? '+' : ''}${Number.isInteger(value) ? value : value.toFixed(1)}`

/** The prompt-source lines printed after the run's summary table. */
export function describeSourceStats(stats: SourceStats): string[] {
  const lines: string[] = []
  if (stats.label !== undefined) lines.push(`Prompt source: ${stats.label}`)
  const prompt = stats.promptTokensVsRequested
  if (prompt !== null) {
    lines.push(
      `Input tokens: server usage.prompt_tokens − requested = ${signed(prompt.meanDiff)} on average (min ${signed(prompt.minDiff)}, max ${signed(prompt.maxDiff)}) over ${prompt.count} requests, exact for ${prompt.exact} (the chat template's overhead, when the prompts were measured with the server's own tokenizer)`,
    )
  }
  const output = stats.outputTokensVsRequested
  if (output !== null)
    lines.push(`Output tokens: the requested length was met by ${output.met} of ${output.count} requests`)
  if (stats.ttftByTurn.length > 0) {
    const turns = stats.ttftByTurn.map(
      ({ turn, ttftMs }) => `${turn}: p50 ${ms(ttftMs.p50)} (n=${ttftMs.count})`,
    )
    lines.push(`TTFT by turn: ${turns.join(' · ')}`)
  }
  const sessions = stats.sessions
  if (sessions !== null) {
    lines.push(
      `Sessions: ${sessions.started} started, ${sessions.completed} completed, ${sessions.failed} ended by a failed turn, ${sessions.cut} cut by the end of the run`,
    )
  }
  const cache = stats.prefixCache
  if (cache !== undefined) {
    const rate =
      cache.hitRate === null ? 'no prompt tokens' : `${(cache.hitRate * 100).toFixed(1)} % of prompt tokens`
    lines.push(
      `Prefix cache: ${rate} hit (${cache.hitTokens} of ${cache.queriedTokens} tokens, ${cache.url})`,
    )
  }
  return lines
}
