// The synthetic source of "1,024 input tokens, 128 output tokens" (vLLM's random dataset):
// each request's user message has exactly the drawn input length for the given tokenizer
// and asks for exactly the drawn output length (max_tokens + ignore_eos/min_tokens).

import { seededRandom } from '../seeded-random.js'
import type { ExactPromptGenerator } from './exact-token-prompt.js'
import { describeLength, type LengthDistribution, sampleLength } from './length-distribution.js'
import { emptyCounts, type PromptSource, type RequestSpec } from './prompt-source.js'
import { createSessionSource, type ScriptTurn, type SessionOptions } from './session-source.js'
import { createPrefixPlan, type PrefixPlan, type PrefixSpec } from './shared-prefix.js'

export interface TokenLengthOptions {
  inputTokens: LengthDistribution
  outputTokens: LengthDistribution
  prefix?: PrefixSpec
  /** Multi-turn: each arrival starts a session of generated user turns. */
  sessions?: SessionOptions
  seed: number
}

/** Priming requests ask for one token: they exist to fill the cache, not to be measured. */
const primingOutputTokens = 1

/**
 * Per request, draws in this order from one seeded stream: the input length, the output
 * length, (random-prefix mode) the system prompt, then the user text. requestedInputTokens
 * counts the message contents together (system prefix + user text), before any chat
 * template; the server's usage.prompt_tokens exceeds it by the template's overhead.
 */
export function createTokenLengthSource(
  options: TokenLengthOptions,
  generator: ExactPromptGenerator,
): PromptSource {
  const random = seededRandom(options.seed)
  const prefix: PrefixPlan | null =
    options.prefix === undefined ? null : createPrefixPlan(options.prefix, generator, random)
  const counts = emptyCounts()
  let index = 0
  const prefixLabel =
    options.prefix === undefined
      ? ''
      : `, ${options.prefix.mode} prefix of ${options.prefix.tokens} tokens` +
        (options.prefix.mode === 'shared' ? ` × ${options.prefix.groups} groups` : '')
  const label = `exact lengths ${describeLength(options.inputTokens)} in / ${describeLength(options.outputTokens)} out${prefixLabel} (${generator.tokenizerLabel})`

  function priming(): RequestSpec[] {
    if (prefix === null || options.prefix?.mode !== 'shared') return []
    // The priming user text is drawn from its own stream so priming does not shift the
    // measured requests' draws.
    const primingRandom = seededRandom(options.seed ^ 0x5eed)
    return prefix.sharedPrompts().map((content, group) => ({
      messages: [
        { role: 'system', content },
        { role: 'user', content: generator.generate(8, primingRandom) },
      ],
      maxTokens: primingOutputTokens,
      exactOutput: false,
      prefixGroup: group,
    }))
  }

  function drawTurn(): ScriptTurn {
    const newInputTokens = sampleLength(options.inputTokens, random)
    const maxTokens = sampleLength(options.outputTokens, random)
    return {
      content: generator.generate(newInputTokens, random),
      newInputTokens,
      maxTokens,
      exactOutput: true,
    }
  }

  if (options.sessions !== undefined) {
    const turns = options.sessions.turns
    // Per session: the system prompt (if any) first, then its turns in order.
    return createSessionSource(options.sessions, {
      label,
      priming,
      nextScript() {
        const system = prefix?.systemFor(index)
        index += 1
        const userTurns: ScriptTurn[] = []
        for (let turn = 0; turn < turns; turn++) userTurns.push(drawTurn())
        if (system === undefined || prefix === null) return { userTurns }
        const script = { system: system.message, systemTokens: prefix.spec.tokens, userTurns }
        return system.group === undefined ? script : { ...script, prefixGroup: system.group }
      },
    })
  }

  return {
    label,
    priming,
    next() {
      const inputTokens = sampleLength(options.inputTokens, random)
      const outputTokens = sampleLength(options.outputTokens, random)
      const spec: RequestSpec = { messages: [], maxTokens: outputTokens, exactOutput: true }
      let prefixTokens = 0
      if (prefix !== null) {
        const system = prefix.systemFor(index)
        spec.messages.push(system.message)
        if (system.group !== undefined) spec.prefixGroup = system.group
        prefixTokens = prefix.spec.tokens
      }
      spec.messages.push({ role: 'user', content: generator.generate(inputTokens, random) })
      spec.requestedInputTokens = prefixTokens + inputTokens
      spec.requestedOutputTokens = outputTokens
      index += 1
      return spec
    },
    followUp: () => null,
    counts: () => ({ ...counts }),
  }
}
