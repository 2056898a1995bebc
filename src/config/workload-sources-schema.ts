// zod schema of the workload keys that choose a prompt source (issue 16): exact token
// lengths, datasets, multi-turn sessions, shared prefixes and trace replay. Self-contained so
// that load-config can spread `workloadSourceFields` into workloadSchema and add
// `checkWorkloadSources` to its cross-field checks. Keys are the files' snake_case; every
// flag is the kebab-case form (input_tokens → --input-tokens).
import { isAbsolute, resolve } from 'node:path'
import { z } from 'zod'
import type { WorkloadSources } from '../types.js'

function requiredOr(message: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : message)
}
const wholeNumber = (min: number) =>
  z
    .number({ error: requiredOr('must be a whole number') })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be >= ${min}` })
const positive = () => z.number({ error: requiredOr('must be a number') }).positive({ error: 'must be > 0' })
const atLeastZero = () =>
  z.number({ error: requiredOr('must be a number') }).min(0, { error: 'must be >= 0' })
const path = () =>
  z.string({ error: requiredOr('must be a file path') }).min(1, { error: 'must not be empty' })
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: requiredOr(`must be one of ${values.join(', ')}`) })

export const PREFIX_MODES = ['shared', 'random'] as const
export const DATASET_MODES = ['first-turn', 'multi-turn'] as const
export const ON_BAD_PROMPT = ['skip', 'stop'] as const

/**
 * A token length: `1024` (fixed), `{min: 512, max: 2048}` (uniform, inclusive) or
 * `{mean: 1024, sd: 128, min: 512, max: 2048}` (normal, clipped to the bounds).
 */
export const lengthSchema = z.union(
  [
    wholeNumber(1),
    z.strictObject({ min: wholeNumber(1), max: wholeNumber(1) }),
    z.strictObject({ mean: positive(), sd: atLeastZero(), min: wholeNumber(1), max: wholeNumber(1) }),
  ],
  { error: 'must be a token count (1024), {min, max} or {mean, sd, min, max}' },
)

export const workloadSourceFields = {
  input_tokens: lengthSchema.optional(),
  output_tokens: lengthSchema.optional(),
  on_bad_prompt: oneOf(ON_BAD_PROMPT).optional(),
  dataset: z
    .strictObject({
      path: path(),
      mode: oneOf(DATASET_MODES).optional(),
      min_input_tokens: wholeNumber(1).optional(),
      max_input_tokens: wholeNumber(1).optional(),
      /** Ask for exactly the dataset's answer length (ignore_eos / min_tokens). */
      exact_output: z.boolean({ error: 'must be true or false' }).optional(),
    })
    .optional(),
  sessions: z
    .strictObject({
      turns: wholeNumber(1),
      think_time_ms: atLeastZero().optional(),
    })
    .optional(),
  prefix: z
    .strictObject({
      tokens: wholeNumber(1),
      groups: wholeNumber(1).optional(),
      mode: oneOf(PREFIX_MODES).optional(),
      /** Shared mode: send one request per group before the measurement window (default true). */
      prime: z.boolean({ error: 'must be true or false' }).optional(),
    })
    .optional(),
  trace: z
    .strictObject({
      path: path(),
      /** Multiplies every gap of the trace: 0.5 replays twice as fast. */
      time_scale: positive().optional(),
      start_ms: atLeastZero().optional(),
      duration_ms: positive().optional(),
    })
    .optional(),
}

const fieldsSchema = z.object(workloadSourceFields)
export type WorkloadSourceSettings = z.infer<typeof fieldsSchema>

export interface SourceProblem {
  path: (string | number)[]
  message: string
}

/**
 * Cross-field rules, all collected: one primary source (input_tokens, dataset or trace);
 * ranges with min <= max and a mean inside them; prefix only with input_tokens; sessions not
 * with a trace (a trace fixes every request's time); a multi-turn dataset needs sessions.
 */
export function checkWorkloadSources(settings: WorkloadSourceSettings): SourceProblem[] {
  const problems: SourceProblem[] = []
  const primaries = (['input_tokens', 'dataset', 'trace'] as const).filter(
    (key) => settings[key] !== undefined,
  )
  if (primaries.length > 1) {
    problems.push({
      path: [primaries[1] as string],
      message: `cannot be combined with ${primaries[0]}: a workload has one prompt source`,
    })
  }
  for (const key of ['input_tokens', 'output_tokens'] as const) {
    const length = settings[key]
    if (typeof length !== 'object' || length === undefined) continue
    if (length.min > length.max)
      problems.push({ path: [key, 'min'], message: `must be <= max (${length.max})` })
    if ('mean' in length && (length.mean < length.min || length.mean > length.max)) {
      problems.push({
        path: [key, 'mean'],
        message: `must be within min..max (${length.min}..${length.max})`,
      })
    }
  }
  const dataset = settings.dataset
  if (dataset?.min_input_tokens !== undefined && dataset.max_input_tokens !== undefined) {
    if (dataset.min_input_tokens > dataset.max_input_tokens) {
      problems.push({
        path: ['dataset', 'min_input_tokens'],
        message: `must be <= max_input_tokens (${dataset.max_input_tokens})`,
      })
    }
  }
  if (dataset?.mode === 'multi-turn' && settings.sessions === undefined) {
    problems.push({ path: ['dataset', 'mode'], message: 'multi-turn needs sessions: {turns: N}' })
  }
  if (settings.prefix !== undefined && settings.input_tokens === undefined) {
    problems.push({ path: ['prefix'], message: 'needs input_tokens (the user text after the shared prefix)' })
  }
  if (settings.sessions !== undefined && settings.trace !== undefined) {
    problems.push({
      path: ['sessions'],
      message: 'cannot be combined with trace: the trace fixes every request time',
    })
  }
  if (settings.output_tokens !== undefined && settings.trace !== undefined) {
    problems.push({
      path: ['output_tokens'],
      message: 'cannot be combined with trace: the trace gives each output length',
    })
  }
  return problems
}

const SOURCE_KEYS = Object.keys(workloadSourceFields) as (keyof WorkloadSourceSettings)[]

/**
 * The source keys of a validated workload entry (or of flags) as the plan carries them:
 * undefined keys dropped, dataset and trace paths made absolute against `baseDir` (the
 * config folder, or the working directory for flags). undefined when there are none.
 */
export function workloadSourcesOf(
  entry: Partial<WorkloadSourceSettings>,
  baseDir: string,
): WorkloadSources | undefined {
  const picked: Record<string, unknown> = {}
  for (const key of SOURCE_KEYS) if (entry[key] !== undefined) picked[key] = entry[key]
  if (Object.keys(picked).length === 0) return undefined
  // A JSON copy: plain data, and keys holding undefined (zod's optional output) are gone.
  const sources = JSON.parse(JSON.stringify(picked)) as WorkloadSources
  const absolute = (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path))
  if (sources.dataset !== undefined) sources.dataset.path = absolute(sources.dataset.path)
  if (sources.trace !== undefined) sources.trace.path = absolute(sources.trace.path)
  return sources
}
