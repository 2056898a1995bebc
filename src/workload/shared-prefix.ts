// Shared system prompts, as an agent or a RAG product sends them: every request starts with
// one of `groups` system prompts of exactly `tokens` tokens, so a server's prefix cache can
// skip their prefill. 'random' mode gives every request its own freshly drawn system prompt
// of the same length (unique leading tokens) to defeat the cache on purpose, the baseline a
// shared run is compared with.

import type { Random } from '../seeded-random.js'
import type { ExactPromptGenerator } from './exact-token-prompt.js'
import type { ChatMessage } from './prompt-source.js'

export type PrefixMode = 'shared' | 'random'

export interface PrefixSpec {
  groups: number
  tokens: number
  mode: PrefixMode
}

export interface PrefixPlan {
  readonly spec: PrefixSpec
  /** The system message of the request with this index (0-based, in send order). */
  systemFor(requestIndex: number): { message: ChatMessage; group?: number }
  /** Shared mode: the system prompt of every group, in group order, for priming. */
  sharedPrompts(): readonly string[]
}

/**
 * Shared mode draws the group prompts up front, group 0 first, and assigns requests round
 * robin (request i → group i mod groups): every group gets the same share of the load and a
 * test can compute which request hits which cache entry. Random mode draws a new prompt per
 * request, in request order, from the same generator.
 */
export function createPrefixPlan(
  spec: PrefixSpec,
  generator: ExactPromptGenerator,
  random: Random,
): PrefixPlan {
  const shared: string[] = []
  if (spec.mode === 'shared')
    for (let g = 0; g < spec.groups; g++) shared.push(generator.generate(spec.tokens, random))
  return {
    spec,
    systemFor(requestIndex) {
      if (spec.mode === 'random') {
        return { message: { role: 'system', content: generator.generate(spec.tokens, random) } }
      }
      const group = requestIndex % spec.groups
      return { message: { role: 'system', content: shared[group] as string }, group }
    },
    sharedPrompts: () => shared,
  }
}
