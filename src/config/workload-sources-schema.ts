// zod schema of the workload keys that choose a prompt source (issue 16): exact token
// lengths, datasets, multi-turn sessions, shared prefixes and trace replay. Self-contained so
// that load-config can spread `workloadSourceFields` into workloadSchema and add
// `checkWorkloadSources` to its cross-field checks. Keys are the files' snake_case; every
// flag is the kebab-case form (input_tokens → --input-tokens).
import * as z from 'zod'
import { DATASET_MODES, ON_BAD_PROMPT, PREFIX_MODES } from './workload-sources-rules.js'

export {
  checkWorkloadSources,
  DATASET_MODES,
  ON_BAD_PROMPT,
  PREFIX_MODES,
  type SourceProblem,
  workloadSourcesOf,
} from './workload-sources-rules.js'

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
