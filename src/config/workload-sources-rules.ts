// The zod-free half of the prompt-source keys (issue 16): their choices, the cross-field
// checks and the plan's copy of them. Apart from workload-sources-schema.ts (the zod schema)
// so that the run options, built for `--help` and `--version`, load no zod (issue 13).
import { isAbsolute, resolve } from 'node:path'
import type { WorkloadSources } from '../types.js'
import type { WorkloadSourceSettings } from './workload-sources-schema.js'

export const PREFIX_MODES = ['shared', 'random'] as const
export const DATASET_MODES = ['first-turn', 'multi-turn'] as const
export const ON_BAD_PROMPT = ['skip', 'stop'] as const

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

/** The keys of workloadSourceFields, spelled out so that this file needs no zod. */
const SOURCE_KEYS = [
  'input_tokens',
  'output_tokens',
  'on_bad_prompt',
  'dataset',
  'sessions',
  'prefix',
  'trace',
] as const satisfies readonly (keyof WorkloadSourceSettings)[]
/** Fails to compile when a key of workloadSourceFields is missing from SOURCE_KEYS. */
const everySourceKey: [Exclude<keyof WorkloadSourceSettings, (typeof SOURCE_KEYS)[number]>] extends [never]
  ? true
  : never = true
void everySourceKey

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
