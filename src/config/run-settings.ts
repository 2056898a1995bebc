// One row per run setting: its flag, BENCH_* variable, value kind, rule, fix hint and help
// text (vitest's CLI option table is the model). Commander's options, the BENCH_* reading,
// the dialog's custom-workload checks and `--help` are all generated from SETTINGS, so a
// setting is added or changed in one place.

import type { ApiKind, ArrivalKind, PromptType } from '../types.js'
import { DEFAULT_SEED, DEFAULT_TIMEOUTS, DEFAULT_WORKLOAD_NAME } from './defaults.js'
import type { runFieldRules, workloadFieldRules } from './schemas.js'

/**
 * The zod rule of schemas.ts that checks a setting's value, by name: held as a name, not as
 * the schema, so that importing SETTINGS (`--help`, `--version`) builds no zod schema and
 * loads no zod (issue 13's cold start). ruleOf() in schemas.ts turns it into the schema.
 */
export type SettingRule = { run: keyof typeof runFieldRules } | { workload: keyof typeof workloadFieldRules }

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
  /** A server given by URL: an ad-hoc target named host:port (or the chosen target's new base_url). */
  baseUrl?: string
  /** The chosen target's API key, over its api_key / api_key_env. */
  apiKey?: string
  /** Drop the workload's rps: `concurrency` workers, each sending when its last request ends. */
  closedLoop?: boolean
}

/**
 * How a flag's text becomes a value. `path` is a string resolved against the working
 * directory; `switch` is a flag without a value.
 */
export type SettingKind = 'name' | 'number' | 'integer' | 'path' | 'choice' | 'switch'

export interface RunSetting {
  key: keyof RunChoice
  /** The flag, e.g. "--max-tokens" (the kebab-case of the YAML key). */
  flag: string
  /** The value's placeholder in --help, e.g. "<n>"; absent for a switch. */
  valueName?: string
  /** The BENCH_* variable, when the setting has one. */
  env?: string
  kind: SettingKind
  /** The allowed values of a `choice`. */
  choices?: readonly string[]
  /** Inclusive range of a number; absent → a number must be > 0 (where the dialog asks for it). */
  range?: { min: number; max: number }
  rule: SettingRule
  /** What a good value looks like, for the hint of a bad one. */
  fix?: string
  /** The --help line. */
  help: string
}

const seconds = (ms: number) => `${ms / 1000} s`

export const SETTINGS: readonly RunSetting[] = [
  {
    key: 'target',
    flag: '--target',
    valueName: '<name>',
    env: 'BENCH_TARGET',
    kind: 'name',
    rule: { run: 'name' },
    help: 'server from configs/targets.yaml (default: the first one, "sim"), or its URL (http://host:8000/v1)',
  },
  {
    key: 'baseUrl',
    flag: '--base-url',
    valueName: '<url>',
    env: 'BENCH_BASE_URL',
    kind: 'name',
    rule: { run: 'base_url' },
    fix: 'the OpenAI-compatible prefix of the server, e.g. http://127.0.0.1:8000/v1',
    help: 'server URL, e.g. http://127.0.0.1:8000/v1 (a target named host:port, or the new base_url of --target)',
  },
  {
    key: 'apiKey',
    flag: '--api-key',
    valueName: '<key>',
    env: 'BENCH_API_KEY',
    kind: 'name',
    rule: { run: 'api_key' },
    fix: 'the key the server wants as Bearer token (it is masked in every output)',
    help: "API key sent as Bearer token (over the target's api_key / api_key_env; masked in every output)",
  },
  {
    key: 'model',
    flag: '--model',
    valueName: '<name>',
    env: 'BENCH_MODEL',
    kind: 'name',
    rule: { run: 'name' },
    help: 'model alias from configs/models.yaml, its full served name, or "all"',
  },
  {
    key: 'workload',
    flag: '--workload',
    valueName: '<name>',
    env: 'BENCH_WORKLOAD',
    kind: 'name',
    rule: { run: 'name' },
    help: `workload from configs/workloads.yaml (default: ${DEFAULT_WORKLOAD_NAME})`,
  },
  {
    key: 'durationSec',
    flag: '--duration',
    valueName: '<sec>',
    env: 'BENCH_DURATION',
    kind: 'number',
    rule: { workload: 'duration' },
    fix: 'the run length in seconds, e.g. 60 (0 only together with a requests bound)',
    help: 'test duration in seconds (overrides the workload)',
  },
  {
    key: 'requests',
    flag: '--requests',
    valueName: '<n>',
    env: 'BENCH_REQUESTS',
    kind: 'integer',
    rule: { workload: 'requests' },
    fix: 'a whole number of requests >= 1, e.g. 100',
    help: 'stop after this many requests (count bound)',
  },
  {
    key: 'rps',
    flag: '--rps',
    valueName: '<n>',
    env: 'BENCH_RPS',
    kind: 'number',
    rule: { workload: 'rps' },
    fix: 'requests per second above 0, e.g. 5; leave it out (with a workload without rps) for a closed loop',
    help: 'requests per second, open loop (omit in YAML for a closed loop)',
  },
  {
    key: 'closedLoop',
    flag: '--closed-loop',
    kind: 'switch',
    rule: { run: 'closed_loop' },
    help: "closed loop: ignore the workload's rps; --concurrency workers each send when their last request ends",
  },
  {
    key: 'arrival',
    flag: '--arrival',
    valueName: '<kind>',
    kind: 'choice',
    choices: ['constant', 'poisson'],
    rule: { workload: 'arrival' },
    help: 'open-loop arrivals',
  },
  {
    key: 'concurrency',
    flag: '--concurrency',
    valueName: '<n>',
    env: 'BENCH_CONCURRENCY',
    kind: 'integer',
    rule: { workload: 'concurrency' },
    fix: 'a whole number of requests in flight >= 1, e.g. 10',
    help: 'maximum requests in flight',
  },
  {
    key: 'maxTokens',
    flag: '--max-tokens',
    valueName: '<n>',
    env: 'BENCH_MAX_TOKENS',
    kind: 'integer',
    rule: { workload: 'max_tokens' },
    fix: 'a whole number of output tokens >= 1, e.g. 512',
    help: 'max_tokens of every request',
  },
  {
    key: 'temperature',
    flag: '--temperature',
    valueName: '<t>',
    env: 'BENCH_TEMPERATURE',
    kind: 'number',
    // The OpenAI API's range.
    range: { min: 0, max: 2 },
    rule: { workload: 'temperature' },
    fix: 'a value from 0 to 2, e.g. 0.7',
    help: 'sampling temperature',
  },
  {
    key: 'promptType',
    flag: '--prompt-type',
    valueName: '<type>',
    env: 'BENCH_PROMPT_TYPE',
    kind: 'choice',
    choices: ['short', 'medium', 'long'],
    rule: { workload: 'prompt_type' },
    fix: 'short, medium or long',
    help: 'built-in prompt set',
  },
  {
    key: 'promptFile',
    flag: '--prompt-file',
    valueName: '<path>',
    kind: 'path',
    rule: { workload: 'prompt_file' },
    help: 'JSONL prompt file, one {"prompt": "..."} per line',
  },
  {
    key: 'api',
    flag: '--api',
    valueName: '<kind>',
    kind: 'choice',
    choices: ['chat', 'completions'],
    rule: { workload: 'api' },
    help: 'endpoint to call',
  },
  {
    key: 'ignoreEos',
    flag: '--ignore-eos',
    kind: 'switch',
    rule: { workload: 'ignore_eos' },
    help: 'ask the server for exactly max_tokens tokens (ignore_eos)',
  },
  {
    key: 'seed',
    flag: '--seed',
    valueName: '<n>',
    env: 'BENCH_SEED',
    kind: 'integer',
    rule: { run: 'seed' },
    fix: 'a whole number >= 0, e.g. 42',
    help: `seed for arrivals and prompt choice (default ${DEFAULT_SEED})`,
  },
  {
    key: 'timeoutSec',
    flag: '--timeout',
    valueName: '<sec>',
    env: 'BENCH_TIMEOUT',
    kind: 'number',
    rule: { run: 'timeout' },
    fix: 'the whole-request timeout in seconds above 0, e.g. 600',
    help: `whole-request timeout (default ${seconds(DEFAULT_TIMEOUTS.totalMs)}; also: connect ${seconds(DEFAULT_TIMEOUTS.connectMs)}, first byte ${seconds(DEFAULT_TIMEOUTS.firstByteMs)}, idle between chunks ${seconds(DEFAULT_TIMEOUTS.idleMs)})`,
  },
  {
    key: 'outputDir',
    flag: '--output-dir',
    valueName: '<dir>',
    env: 'BENCH_OUTPUT_DIR',
    kind: 'path',
    rule: { run: 'output_dir' },
    help: 'where raw/, summary/ and reports/ go (default ./results)',
  },
]

/** The row of `key`; every RunChoice key has one. */
export function settingOf(key: keyof RunChoice): RunSetting {
  const setting = SETTINGS.find((candidate) => candidate.key === key)
  if (setting === undefined) throw new Error(`No row in SETTINGS for ${key}`)
  return setting
}

/** Commander's attribute name of a flag: "--max-tokens" → "maxTokens". */
export function flagAttribute(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase())
}
