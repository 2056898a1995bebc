// The two top layers of the precedence: BENCH_* environment variables and flags /
// interactive answers (RunChoice). Both get the same rules as workloads.yaml.

import type { z } from 'zod'
import type { ApiKind, ArrivalKind, PromptType } from '../types.js'
import type { Problem } from './problems.js'
import { runFieldRules, workloadFieldRules } from './schemas.js'

/** Flags / interactive answers: the highest layer. Every field is optional. */
export interface RunChoice {
  target?: string
  model?: string
  workload?: string
  durationSec?: number
  requests?: number
  rps?: number
  arrival?: ArrivalKind
  concurrency?: number
  maxTokens?: number
  temperature?: number
  promptType?: PromptType
  promptFile?: string
  api?: ApiKind
  ignoreEos?: boolean
  seed?: number
  /** Whole-request timeout in seconds (Timeouts.totalMs). */
  timeoutSec?: number
  outputDir?: string
}

interface OverrideField {
  key: keyof RunChoice
  flag: string
  /** The BENCH_* variable, when the setting has one. */
  env?: string
  numeric: boolean
  rule: z.ZodType
  /** What a good value looks like, for the hint of a bad one. */
  fix?: string
}

const FIELDS: readonly OverrideField[] = [
  { key: 'target', flag: '--target', env: 'BENCH_TARGET', numeric: false, rule: runFieldRules.name },
  { key: 'model', flag: '--model', env: 'BENCH_MODEL', numeric: false, rule: runFieldRules.name },
  { key: 'workload', flag: '--workload', env: 'BENCH_WORKLOAD', numeric: false, rule: runFieldRules.name },
  {
    key: 'durationSec',
    flag: '--duration',
    env: 'BENCH_DURATION',
    numeric: true,
    rule: workloadFieldRules.duration,
    fix: 'the run length in seconds, e.g. 60 (0 only together with a requests bound)',
  },
  {
    key: 'requests',
    flag: '--requests',
    env: 'BENCH_REQUESTS',
    numeric: true,
    rule: workloadFieldRules.requests,
    fix: 'a whole number of requests >= 1, e.g. 100',
  },
  {
    key: 'rps',
    flag: '--rps',
    env: 'BENCH_RPS',
    numeric: true,
    rule: workloadFieldRules.rps,
    fix: 'requests per second above 0, e.g. 5; leave it out (with a workload without rps) for a closed loop',
  },
  { key: 'arrival', flag: '--arrival', numeric: false, rule: workloadFieldRules.arrival },
  {
    key: 'concurrency',
    flag: '--concurrency',
    env: 'BENCH_CONCURRENCY',
    numeric: true,
    rule: workloadFieldRules.concurrency,
    fix: 'a whole number of requests in flight >= 1, e.g. 10',
  },
  {
    key: 'maxTokens',
    flag: '--max-tokens',
    env: 'BENCH_MAX_TOKENS',
    numeric: true,
    rule: workloadFieldRules.max_tokens,
    fix: 'a whole number of output tokens >= 1, e.g. 512',
  },
  {
    key: 'temperature',
    flag: '--temperature',
    env: 'BENCH_TEMPERATURE',
    numeric: true,
    rule: workloadFieldRules.temperature,
    fix: 'a value from 0 to 2, e.g. 0.7',
  },
  {
    key: 'promptType',
    flag: '--prompt-type',
    env: 'BENCH_PROMPT_TYPE',
    numeric: false,
    rule: workloadFieldRules.prompt_type,
    fix: 'short, medium or long',
  },
  { key: 'promptFile', flag: '--prompt-file', numeric: false, rule: workloadFieldRules.prompt_file },
  { key: 'api', flag: '--api', numeric: false, rule: workloadFieldRules.api },
  { key: 'ignoreEos', flag: '--ignore-eos', numeric: false, rule: workloadFieldRules.ignore_eos },
  {
    key: 'seed',
    flag: '--seed',
    env: 'BENCH_SEED',
    numeric: true,
    rule: runFieldRules.seed,
    fix: 'a whole number >= 0, e.g. 42',
  },
  {
    key: 'timeoutSec',
    flag: '--timeout',
    env: 'BENCH_TIMEOUT',
    numeric: true,
    rule: runFieldRules.timeout,
    fix: 'the whole-request timeout in seconds above 0, e.g. 600',
  },
  {
    key: 'outputDir',
    flag: '--output-dir',
    env: 'BENCH_OUTPUT_DIR',
    numeric: false,
    rule: runFieldRules.output_dir,
  },
]

/** The BENCH_* variables run-bench reads, for --help and docs. */
export const BENCH_ENV_VARS: readonly string[] = FIELDS.flatMap((field) =>
  field.env === undefined ? [] : [field.env],
)

function check(field: OverrideField, subject: string, value: unknown, problems: Problem[]): boolean {
  const result = field.rule.safeParse(value)
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
    const field = FIELDS.find((candidate) => candidate.flag === subject || candidate.env === subject)
    if (field?.fix !== undefined) lines.push(`${subject}: ${field.fix}`)
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
  for (const field of FIELDS) {
    const flagValue = choice[field.key]
    if (flagValue !== undefined) {
      if (check(field, field.flag, flagValue, problems)) merged[field.key] = flagValue
      sources[field.key] = field.flag
      continue
    }
    const raw = field.env === undefined ? undefined : env[field.env]?.trim()
    if (field.env === undefined || raw === undefined || raw === '') continue
    sources[field.key] = field.env
    const value = field.numeric ? Number(raw) : raw
    if (field.numeric && Number.isNaN(value)) {
      problems.push({ subject: field.env, message: 'must be a number', got: raw })
      continue
    }
    if (check(field, field.env, value, problems)) merged[field.key] = value
  }
  return { choice: merged as RunChoice, sources, problems }
}
