// From a workload's validated source keys (config/workload-sources-schema.ts) to the prompt
// source that serves it: the one entry point the executors and the dialog call. Files are
// read here, once, before any load is sent.
import type { WorkloadSourceSettings } from '../config/workload-sources-schema.js'
import { loadDataset } from './dataset-file.js'
import { createDatasetSource } from './dataset-source.js'
import { type CountTokens, createExactPromptGenerator } from './exact-token-prompt.js'
import type { LengthDistribution } from './length-distribution.js'
import type { PromptSource } from './prompt-source.js'
import type { SessionOptions } from './session-source.js'
import { createTokenLengthSource } from './token-length-source.js'
import { loadTrace } from './trace-file.js'
import { createTraceSource, planTraceReplay, type TraceArrival } from './trace-source.js'

type LengthSetting = NonNullable<WorkloadSourceSettings['input_tokens']>

export function toLengthDistribution(setting: LengthSetting): LengthDistribution {
  if (typeof setting === 'number') return { kind: 'fixed', tokens: setting }
  if ('mean' in setting) return { kind: 'normal', ...setting }
  return { kind: 'uniform', min: setting.min, max: setting.max }
}

export interface SourceContext {
  seed: number
  /** The run's tokenizer (workload/tokenizer.ts) and how reports name it. */
  countTokens: CountTokens
  tokenizerLabel: string
  /** Output length when a source has none of its own (the workload's max_tokens). */
  maxTokens: number
}

export interface BuiltSource {
  source: PromptSource
  /** Trace replay: the open-loop schedule (ms from start) replacing rps/arrival. */
  arrivals?: TraceArrival[]
}

/** Returns null when the workload uses none of these keys (the built-in prompt sets apply). */
export function buildPromptSource(
  settings: WorkloadSourceSettings,
  context: SourceContext,
): BuiltSource | null {
  const sessions: SessionOptions | undefined =
    settings.sessions === undefined
      ? undefined
      : { turns: settings.sessions.turns, thinkTimeMs: settings.sessions.think_time_ms ?? 0 }
  const generator = () => createExactPromptGenerator(context.countTokens, context.tokenizerLabel)

  if (settings.trace !== undefined) {
    const window = { timeScale: settings.trace.time_scale ?? 1 }
    const arrivals = planTraceReplay(loadTrace(settings.trace.path), {
      ...window,
      ...(settings.trace.start_ms === undefined ? {} : { startMs: settings.trace.start_ms }),
      ...(settings.trace.duration_ms === undefined ? {} : { durationMs: settings.trace.duration_ms }),
    })
    return {
      source: createTraceSource(arrivals, generator(), { name: settings.trace.path, seed: context.seed }),
      arrivals,
    }
  }
  if (settings.dataset !== undefined) {
    const dataset = loadDataset(settings.dataset.path, settings.on_bad_prompt ?? 'stop')
    const mode = settings.dataset.mode ?? 'first-turn'
    return {
      source: createDatasetSource(
        dataset,
        {
          name: settings.dataset.path,
          mode,
          exactOutput: settings.dataset.exact_output ?? false,
          seed: context.seed,
          ...(sessions === undefined ? {} : { sessions }),
          ...(settings.dataset.min_input_tokens === undefined
            ? {}
            : { minInputTokens: settings.dataset.min_input_tokens }),
          ...(settings.dataset.max_input_tokens === undefined
            ? {}
            : { maxInputTokens: settings.dataset.max_input_tokens }),
        },
        context.countTokens,
      ),
    }
  }
  if (settings.input_tokens === undefined) return null
  const prefix = settings.prefix
  const source = createTokenLengthSource(
    {
      inputTokens: toLengthDistribution(settings.input_tokens),
      outputTokens: toLengthDistribution(settings.output_tokens ?? context.maxTokens),
      seed: context.seed,
      ...(sessions === undefined ? {} : { sessions }),
      ...(prefix === undefined
        ? {}
        : { prefix: { tokens: prefix.tokens, groups: prefix.groups ?? 1, mode: prefix.mode ?? 'shared' } }),
    },
    generator(),
  )
  // prime: false measures a cold cache on purpose: the shared prompts are not sent first.
  return { source: prefix?.prime === false ? { ...source, priming: () => [] } : source }
}
