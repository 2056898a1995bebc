// Prompts from a conversation dataset: seeded sampling without replacement (a pass over the
// shuffled entries, then a new shuffle), an optional length filter on the first request's
// prompt, and either each conversation's first human turn as one request or the whole
// conversation as a multi-turn session whose history carries the server's own answers.
import { ConfigError } from '../errors.js'
import { type Random, seededRandom } from '../seeded-random.js'
import type { DatasetEntry, DatasetTurn, LoadedDataset } from './dataset-file.js'
import type { CountTokens } from './exact-token-prompt.js'
import { type ChatMessage, emptyCounts, type PromptSource, type RequestSpec } from './prompt-source.js'
import { createSessionSource, type ScriptTurn, type SessionOptions } from './session-source.js'

export type DatasetMode = 'first-turn' | 'multi-turn'

export interface DatasetSourceOptions {
  /** Shown in the label and in errors, e.g. "datasets/sharegpt-sample.json". */
  name: string
  mode: DatasetMode
  /** Required for multi-turn. */
  sessions?: SessionOptions
  /** Keep entries whose first prompt (system + first user turn) has this many tokens. */
  minInputTokens?: number
  maxInputTokens?: number
  /** Ask for exactly the dataset's output length (ignore_eos) instead of leaving EOS free. */
  exactOutput: boolean
  seed: number
}

interface Prepared {
  entry: DatasetEntry
  firstInputTokens: number
  outputTokens: (number | undefined)[]
}

/**
 * Output length of a turn: expected_output_tokens when given, else the token count of the
 * dataset's own answer (as vLLM's ShareGPT benchmark does), else unset (max_tokens of the
 * workload applies).
 */
function outputTokensOf(turn: DatasetTurn, count: CountTokens): number | undefined {
  if (turn.expectedOutputTokens !== undefined) return turn.expectedOutputTokens
  const measured = turn.referenceAnswer === undefined ? 0 : count(turn.referenceAnswer)
  return measured > 0 ? measured : undefined
}

export function createDatasetSource(
  dataset: LoadedDataset,
  options: DatasetSourceOptions,
  count: CountTokens,
): PromptSource {
  const min = options.minInputTokens ?? 0
  const max = options.maxInputTokens ?? Number.POSITIVE_INFINITY
  const kept: Prepared[] = []
  let filteredEntries = 0
  for (const entry of dataset.entries) {
    const firstInputTokens = count(entry.system ?? '') + count((entry.turns[0] as DatasetTurn).user)
    if (firstInputTokens < min || firstInputTokens > max) filteredEntries += 1
    else
      kept.push({ entry, firstInputTokens, outputTokens: entry.turns.map((t) => outputTokensOf(t, count)) })
  }
  if (kept.length === 0) {
    throw new ConfigError(
      `${options.name}: no conversation has a first prompt of ${min}..${max} tokens (${filteredEntries} filtered out)`,
      { hint: 'widen dataset.min_input_tokens / max_input_tokens' },
    )
  }
  const random = seededRandom(options.seed)
  const draw = createShuffledCycle(kept, random)
  const originCounts = () => ({
    skippedEntries: dataset.skipped.length,
    skippedLines: dataset.skipped.map((problem) => `${problem.subject.replace(/:$/, '')} ${problem.message}`),
    filteredEntries,
  })
  const label = `dataset ${options.name} (${kept.length} conversations, ${options.mode})`

  if (options.mode === 'multi-turn') {
    if (options.sessions === undefined) throw new Error('multi-turn dataset source needs session options')
    return createSessionSource(options.sessions, {
      label,
      originCounts,
      nextScript() {
        const prepared = draw()
        const userTurns = prepared.entry.turns.map((turn, index): ScriptTurn => {
          const scripted: ScriptTurn = { content: turn.user, exactOutput: options.exactOutput }
          const outputTokens = prepared.outputTokens[index]
          if (outputTokens !== undefined) scripted.maxTokens = outputTokens
          return scripted
        })
        ;(userTurns[0] as ScriptTurn).newInputTokens = prepared.firstInputTokens
        const system = prepared.entry.system
        return system === undefined
          ? { userTurns }
          : { system: { role: 'system', content: system }, userTurns }
      },
    })
  }

  return {
    label,
    priming: () => [],
    next() {
      const prepared = draw()
      const messages: ChatMessage[] = []
      if (prepared.entry.system !== undefined)
        messages.push({ role: 'system', content: prepared.entry.system })
      messages.push({ role: 'user', content: (prepared.entry.turns[0] as DatasetTurn).user })
      const spec: RequestSpec = {
        messages,
        exactOutput: options.exactOutput,
        requestedInputTokens: prepared.firstInputTokens,
      }
      const outputTokens = prepared.outputTokens[0]
      if (outputTokens !== undefined) {
        spec.maxTokens = outputTokens
        spec.requestedOutputTokens = outputTokens
      }
      return spec
    },
    followUp: () => null,
    counts: () => ({ ...emptyCounts(), ...originCounts() }),
  }
}

/** Fisher-Yates passes: every entry once per pass, a fresh seeded order each pass. */
function createShuffledCycle<T>(items: readonly T[], random: Random): () => T {
  let order: T[] = []
  return () => {
    if (order.length === 0) {
      order = [...items]
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1))
        ;[order[i], order[j]] = [order[j] as T, order[i] as T]
      }
    }
    return order.pop() as T
  }
}
