// The simulator's prefix cache, after vLLM's automatic prefix caching: a prompt is cut into
// blocks of blockTokens tokens; a block is identified by a hash of its text chained with the
// hash of the block before it, so a block is reused only when everything before it matches
// too. A request pays prefill only for the tokens after its longest cached run of leading
// blocks. Blocks live in an LRU with a token budget; a prompt's blocks are touched from its
// last block to its first, so under pressure a prefix loses its tail before its head.
//
// The simulator has no tokenizer: as for its prompt_tokens count, 4 characters are 1 token,
// so a block is 4 × blockTokens characters of the concatenated message contents (roles are
// not part of the text). Counters are in tokens, like vLLM's prefix_cache_queries_total and
// prefix_cache_hits_total.
import { createHash } from 'node:crypto'

const charsPerToken = 4

export interface PrefixCacheStats {
  /** Prompt tokens of every lookup (vLLM: prefix_cache_queries_total). */
  queriedTokens: number
  /** Prompt tokens found cached (vLLM: prefix_cache_hits_total). */
  hitTokens: number
  /** Tokens held now (full blocks × blockTokens). */
  cachedTokens: number
}

export interface PrefixCache {
  /**
   * Tokens of the prompt's leading blocks already cached, counted into the stats. At least
   * one token is always left to compute (an engine must run the last token to sample), so a
   * prompt that is all cached blocks hits one block less.
   */
  lookup(promptText: string, promptTokens: number): number
  /** Caches every full block of the prompt (after its prefill ran). */
  insert(promptText: string): void
  stats(): PrefixCacheStats
}

export function createPrefixCache(options: { capacityTokens: number; blockTokens: number }): PrefixCache {
  const blockChars = options.blockTokens * charsPerToken
  const capacityBlocks = Math.floor(options.capacityTokens / options.blockTokens)
  // Map iteration order is insertion order: delete + set makes a block the most recent.
  const blocks = new Map<string, true>()
  let queriedTokens = 0
  let hitTokens = 0

  function blockKeys(text: string, count: number): string[] {
    const keys: string[] = []
    let previous = ''
    for (let i = 0; i < count; i++) {
      previous = createHash('sha1')
        .update(previous)
        .update(text.slice(i * blockChars, (i + 1) * blockChars))
        .digest('hex')
      keys.push(previous)
    }
    return keys
  }

  function touch(key: string): void {
    blocks.delete(key)
    blocks.set(key, true)
  }

  return {
    lookup(promptText, promptTokens) {
      queriedTokens += promptTokens
      const usable = Math.min(
        Math.floor(promptText.length / blockChars),
        Math.floor(Math.max(0, promptTokens - 1) / options.blockTokens),
      )
      let matched = 0
      for (const key of blockKeys(promptText, usable)) {
        if (!blocks.has(key)) break
        matched += 1
      }
      const hit = matched * options.blockTokens
      hitTokens += hit
      return hit
    },
    insert(promptText) {
      if (capacityBlocks === 0) return
      const keys = blockKeys(promptText, Math.floor(promptText.length / blockChars))
      for (let i = keys.length - 1; i >= 0; i--) touch(keys[i] as string)
      while (blocks.size > capacityBlocks) blocks.delete(blocks.keys().next().value as string)
    },
    stats: () => ({ queriedTokens, hitTokens, cachedTokens: blocks.size * options.blockTokens }),
  }
}
