// zod schemas of targets.yaml, models.yaml and workloads.yaml, in the files' own snake_case.
// Every check carries the user-facing wording ("must be > 0"); zod-problems.ts adds the
// file, key path, value received and fix. Field rules are exported so that BENCH_* env
// values and flags get exactly the same checks as YAML.

import * as z from 'zod'
import type { SettingRule } from './run-settings.js'
import { checkWorkloadSources, workloadSourceFields } from './workload-sources-schema.js'

/** zod calls this for a wrong type and for a missing required key (input undefined). */
function requiredOr(message: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : message)
}

const number = () => z.number({ error: requiredOr('must be a number') })
const wholeNumber = (min: number) =>
  z
    .number({ error: requiredOr('must be a whole number') })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be >= ${min}` })
const text = () => z.string({ error: requiredOr('must be a string') })
const nonEmpty = () => text().min(1, { error: 'must not be empty' })
const flag = () => z.boolean({ error: requiredOr('must be true or false') })
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: requiredOr(`must be one of ${values.join(', ')}`) })

const name = () => nonEmpty().regex(/^\S+$/, { error: 'must be a name without spaces' })

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

export const ARRIVAL_KINDS = ['constant', 'poisson'] as const
export const PROMPT_TYPES = ['short', 'medium', 'long'] as const
export const API_KINDS = ['chat', 'completions'] as const
export const TARGET_KINDS = ['openai', 'litellm', 'sim'] as const
export const SIM_FAULTS = ['http_429', 'http_500', 'error_event', 'stall', 'drop'] as const

/** Rules of the workload fields, shared by workloads.yaml, BENCH_* variables and flags. */
export const workloadFieldRules = {
  // 0 is allowed only next to a requests bound (checked across fields): it means "no time bound".
  duration: number().min(0, { error: 'must be > 0' }),
  requests: wholeNumber(1),
  rps: number().positive({ error: 'must be > 0' }),
  arrival: oneOf(ARRIVAL_KINDS),
  concurrency: wholeNumber(1),
  max_tokens: wholeNumber(1),
  temperature: number().min(0, { error: 'must be within 0..2' }).max(2, { error: 'must be within 0..2' }),
  prompt_type: oneOf(PROMPT_TYPES),
  prompt_file: nonEmpty(),
  api: oneOf(API_KINDS),
  ignore_eos: flag(),
}

/** Rules of run settings that are not part of a workload. */
export const runFieldRules = {
  seed: z
    .number({ error: requiredOr('must be a whole number') })
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must be >= 0' }),
  timeout: number().positive({ error: 'must be > 0' }),
  output_dir: nonEmpty(),
  name: nonEmpty(),
  base_url: text().refine(isHttpUrl, { error: 'must be an http:// or https:// URL' }),
  api_key: nonEmpty(),
  // A switch: the workload's rps is dropped (YAML spells it `rps: null`).
  closed_loop: flag(),
}

/** The rule a row of SETTINGS names (run-settings.ts holds names so that it needs no zod). */
export function ruleOf(rule: SettingRule): z.ZodType {
  return 'run' in rule ? runFieldRules[rule.run] : workloadFieldRules[rule.workload]
}

const simSchema = z
  .strictObject(
    {
      models: z
        .array(nonEmpty(), { error: 'must be a list of model names' })
        .min(1, { error: 'must list at least one model' }),
      max_batch_size: wholeNumber(1),
      prefill_base_ms: number().min(0, { error: 'must be >= 0' }),
      prefill_per_token_ms: number().min(0, { error: 'must be >= 0' }),
      decode_base_ms: number().min(0, { error: 'must be >= 0' }),
      decode_per_seq_ms: number().min(0, { error: 'must be >= 0' }),
      default_output_tokens: wholeNumber(1),
      min_output_tokens: wholeNumber(1),
      error_rate: number().min(0, { error: 'must be within 0..1' }).max(1, { error: 'must be within 0..1' }),
      faults: z.array(oneOf(SIM_FAULTS), { error: 'must be a list of fault names' }),
      stall_ms: number().min(0, { error: 'must be >= 0' }),
      seed: runFieldRules.seed,
      max_queue: wholeNumber(0),
      /** Token budget of the simulated prefix cache (0 = off), and its block size. */
      prefix_cache_tokens: wholeNumber(0),
      prefix_cache_block_tokens: wholeNumber(1),
      idle_watts: number().min(0, { error: 'must be >= 0' }),
      watts_per_sequence: number().min(0, { error: 'must be >= 0' }),
    },
    { error: 'must be a map of simulator options' },
  )
  .partial()

export const targetSchema = z.strictObject(
  {
    name: name(),
    description: text().optional(),
    kind: oneOf(TARGET_KINDS).optional(),
    base_url: text().refine(isHttpUrl, { error: 'must be an http:// or https:// URL' }).optional(),
    api_key: text().optional(),
    api_key_env: text()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name' })
      .optional(),
    headers: z.record(z.string(), text(), { error: 'must be a map of header name to value' }).optional(),
    keepalive: flag().optional(),
    litellm_config: nonEmpty().optional(),
    sim: simSchema.optional(),
    // Server side (issue 14): extra /metrics endpoints, GPU telemetry and which GPUs serve.
    metrics_urls: z
      .array(text().refine(isHttpUrl, { error: 'must be an http:// or https:// URL' }), {
        error: 'must be a list of URLs',
      })
      .optional(),
    gpu: text()
      .refine((value) => value === 'local' || value === 'off' || isHttpUrl(value), {
        error: "must be 'local', 'off' or a DCGM exporter http:// URL",
      })
      .optional(),
    gpus: z.array(wholeNumber(0), { error: 'must be a list of GPU indices' }).optional(),
  },
  { error: 'must be a map' },
)

export const modelSchema = z.strictObject(
  {
    name: name(),
    full_name: nonEmpty().optional(),
    description: text().optional(),
    targets: z.array(name(), { error: 'must be a list of target names' }).optional(),
  },
  { error: 'must be a map' },
)

export const workloadSchema = z.strictObject(
  {
    name: name(),
    description: text().optional(),
    duration: workloadFieldRules.duration.optional(),
    requests: workloadFieldRules.requests.optional(),
    // null is the explicit spelling of "closed loop".
    rps: workloadFieldRules.rps.nullable().optional(),
    arrival: workloadFieldRules.arrival.optional(),
    concurrency: workloadFieldRules.concurrency.optional(),
    max_tokens: workloadFieldRules.max_tokens.optional(),
    temperature: workloadFieldRules.temperature.optional(),
    prompt_type: workloadFieldRules.prompt_type.optional(),
    prompt_file: workloadFieldRules.prompt_file.optional(),
    api: workloadFieldRules.api.optional(),
    ignore_eos: workloadFieldRules.ignore_eos.optional(),
    // SLO texts as --slo takes them; their grammar is checked by stats/slo-spec.ts before the run.
    slo: z
      .union([nonEmpty(), z.array(nonEmpty())], {
        error: "must be an SLO text or a list of them, e.g. ['ttft_p99<=500ms']",
      })
      .optional(),
    // Prompt sources (issue 16): exact lengths, datasets, sessions, prefixes, trace replay.
    ...workloadSourceFields,
  },
  { error: 'must be a map' },
)

export const targetsFileSchema = z.strictObject(
  {
    targets: z
      .array(targetSchema, { error: requiredOr('must be a list of targets') })
      .min(1, { error: 'must list at least one target' }),
  },
  { error: 'must be a map with a `targets:` list' },
)

export const modelsFileSchema = z.strictObject(
  { models: z.array(modelSchema, { error: 'must be a list of models' }).nullable().optional() },
  { error: 'must be a map with a `models:` list' },
)

export const workloadsFileSchema = z.strictObject(
  {
    workloads: z
      .array(
        // The prompt-source rules across fields; runs only once every field is valid.
        workloadSchema.superRefine((workload, ctx) => {
          for (const problem of checkWorkloadSources(workload))
            ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message, input: workload })
        }),
        { error: requiredOr('must be a list of workloads') },
      )
      .min(1, { error: 'must list at least one workload' }),
    defaults: z
      .strictObject({ default_workload: name().optional() }, { error: 'must be a map' })
      .nullable()
      .optional(),
  },
  { error: 'must be a map with a `workloads:` list' },
)

export type TargetEntry = z.infer<typeof targetSchema>
export type ModelEntry = z.infer<typeof modelSchema>
export type WorkloadEntry = z.infer<typeof workloadSchema>
export type TargetsFile = z.infer<typeof targetsFileSchema>
export type ModelsFile = z.infer<typeof modelsFileSchema>
export type WorkloadsFile = z.infer<typeof workloadsFileSchema>

/** What to do, per YAML key, appended to its problem line. */
export const FIELD_FIXES = {
  rps: 'omit rps (or set rps: null) for a closed loop with `concurrency` workers',
  concurrency: 'use a whole number of requests in flight, e.g. 10',
  duration: 'give the run length in seconds, e.g. 300',
  requests: 'give a whole number of requests, e.g. 100',
  temperature: 'use a value from 0 to 2, e.g. 0.7',
  max_tokens: 'give a whole number of output tokens, e.g. 512',
  base_url: 'include the scheme and the /v1 prefix, e.g. http://localhost:8000/v1',
  api_key_env: 'give the variable name only, e.g. api_key_env: LITELLM_MASTER_KEY',
  api_key: 'quote the key, e.g. api_key: "EMPTY"',
  error_rate: 'use a fraction, e.g. 0.05 for 5 %',
} as const

export function fixForKey(key: string): string | undefined {
  return Object.hasOwn(FIELD_FIXES, key) ? FIELD_FIXES[key as keyof typeof FIELD_FIXES] : undefined
}
