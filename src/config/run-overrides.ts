// The two top layers of the precedence: BENCH_* environment variables and flags /
// interactive answers (RunChoice). Both get the same rules as workloads.yaml; the rows
// they are read by are SETTINGS in run-settings.ts.

import { UsageError } from '../errors.js'
import { didYouMean } from './did-you-mean.js'
import { formatProblems, type Problem } from './problems.js'
import { type RunChoice, type RunSetting, SETTINGS } from './run-settings.js'
import { ruleOf } from './schemas.js'

export type { RunChoice } from './run-settings.js'

const ENV_PREFIX = 'BENCH_'
const KNOWN_ENV: readonly string[] = SETTINGS.flatMap((setting) =>
  setting.env === undefined ? [] : [setting.env],
)

function check(setting: RunSetting, subject: string, value: unknown, problems: Problem[]): boolean {
  const result = ruleOf(setting.rule).safeParse(value)
  if (result.success) return true
  for (const issue of result.error.issues) problems.push({ subject, message: issue.message, got: value })
  return false
}

/**
 * One hint line per bad setting: what a good value looks like ("--rps: requests per second
 * above 0, e.g. 5; …"). `subject` is the flag or BENCH_* variable a Problem names.
 */
export function overrideFixes(subjects: readonly string[]): string[] {
  const lines: string[] = []
  for (const subject of new Set(subjects)) {
    const setting = SETTINGS.find((candidate) => candidate.flag === subject || candidate.env === subject)
    if (setting?.fix !== undefined) lines.push(`${subject}: ${setting.fix}`)
  }
  return lines
}

/** Where each merged setting came from ("--rps" or "BENCH_RPS"), for messages. */
export type ChoiceSources = Partial<Record<keyof RunChoice, string>>

export interface MergedChoice {
  choice: RunChoice
  sources: ChoiceSources
  problems: Problem[]
}

/**
 * Merges BENCH_* variables under the flags and checks both. An empty variable counts as
 * unset (`BENCH_RPS= run-bench …` is a common way to clear one).
 */
export function mergeOverrides(choice: RunChoice, env: Record<string, string | undefined>): MergedChoice {
  const merged: Record<string, unknown> = {}
  const sources: ChoiceSources = {}
  const problems: Problem[] = []
  for (const setting of SETTINGS) {
    const flagValue = choice[setting.key]
    if (flagValue !== undefined) {
      if (check(setting, setting.flag, flagValue, problems)) merged[setting.key] = flagValue
      sources[setting.key] = setting.flag
      continue
    }
    const raw = setting.env === undefined ? undefined : env[setting.env]?.trim()
    if (setting.env === undefined || raw === undefined || raw === '') continue
    sources[setting.key] = setting.env
    const numeric = setting.kind === 'number' || setting.kind === 'integer'
    const value = numeric ? Number(raw) : raw
    if (numeric && Number.isNaN(value)) {
      problems.push({ subject: setting.env, message: 'must be a number', got: raw })
      continue
    }
    if (check(setting, setting.env, value, problems)) merged[setting.key] = value
  }
  return { choice: merged as RunChoice, sources, problems }
}

/** Flags over BENCH_* variables, checked: what resolveRun works from. */
export interface SettledChoice {
  choice: RunChoice
  sources: ChoiceSources
}

/**
 * mergeOverrides, failing with every bad setting at once (k6 style). Call it once per
 * command; the result goes to resolveSettled.
 */
export function settleChoice(choice: RunChoice, env: Record<string, string | undefined>): SettledChoice {
  const merged = mergeOverrides(choice, env)
  if (merged.problems.length > 0) {
    const fixes = overrideFixes(merged.problems.map((problem) => problem.subject))
    throw new UsageError(formatProblems(merged.problems, 'the run settings'), {
      hint: [...fixes, 'Flags override BENCH_* environment variables, which override the YAML files'].join(
        '\n      ',
      ),
    })
  }
  return { choice: merged.choice, sources: merged.sources }
}

/**
 * One warning per BENCH_* variable run-bench does not read (a typo such as BENCH_DURAITON
 * would otherwise be ignored silently), with the closest known name. cli/ prints them.
 */
export function unknownEnvWarnings(env: Record<string, string | undefined>): string[] {
  const warnings: string[] = []
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith(ENV_PREFIX) || KNOWN_ENV.includes(name)) continue
    // Compared without the shared prefix: BENCH_FOO is no typo of BENCH_RPS.
    const bare = didYouMean(
      name.slice(ENV_PREFIX.length),
      KNOWN_ENV.map((known) => known.slice(ENV_PREFIX.length)),
    )
    const mean = bare === undefined ? `known: ${KNOWN_ENV.join(', ')}` : `did you mean ${ENV_PREFIX}${bare}?`
    warnings.push(`Unknown environment variable ${name} is ignored — ${mean}`)
  }
  return warnings
}
