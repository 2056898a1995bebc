import { deriveSeed, seededRandom } from '../seeded-random.js'
import type { SimFault, SimOptions } from '../types.js'
import type { CompletionRequest } from './completion-request.js'

// Every seeded choice about one request, keyed by its arrival index (0 = first completion
// request the server received). Each purpose draws from its own stream so that, for
// example, turning on fault injection does not change the words of the other answers.

const FAULT_STREAM = 1
const LENGTH_STREAM = 2
const WORD_STREAM = 3

// One word = one token = one streamed chunk, each with a leading space like BPE word tokens.
const WORDS = [
  ' lorem',
  ' ipsum',
  ' dolor',
  ' sit',
  ' amet',
  ' consectetur',
  ' adipiscing',
  ' elit',
  ' sed',
  ' do',
  ' eiusmod',
  ' tempor',
  ' incididunt',
  ' ut',
  ' labore',
  ' et',
  ' dolore',
  ' magna',
  ' aliqua',
  ' enim',
  ' ad',
  ' minim',
  ' veniam',
  ' quis',
  ' nostrud',
  ' exercitation',
  ' ullamco',
  ' laboris',
  ' nisi',
  ' aliquip',
  ' ex',
  ' ea',
] as const

export interface RequestPlan {
  fault: SimFault | null
  /** Tokens the answer will have. */
  outputTokens: number
  /** 'length' when the answer stops because it reached the request's max_tokens. */
  finishReason: 'length' | 'stop'
  /** The next word of the answer; call once per token, in order. */
  nextWord(): string
}

type LengthRequest = Pick<CompletionRequest, 'maxTokens' | 'minTokens' | 'ignoreEos'>

export function planRequest(options: SimOptions, arrivalIndex: number, request: LengthRequest): RequestPlan {
  const faultRandom = seededRandom(deriveSeed(options.seed, arrivalIndex, FAULT_STREAM))
  let fault: SimFault | null = null
  if (options.faults.length > 0 && faultRandom() < options.errorRate) {
    fault = options.faults[Math.floor(faultRandom() * options.faults.length)] ?? null
  }

  // Without minOutputTokens every answer runs to its limit (as with ignore_eos). With it, the
  // "model" emits EOS at a seeded length in [max(minOutputTokens, min_tokens), limit].
  const limit = request.maxTokens ?? options.defaultOutputTokens
  let outputTokens = limit
  if (options.minOutputTokens !== undefined && !request.ignoreEos) {
    const lower = Math.min(limit, Math.max(options.minOutputTokens, request.minTokens, 1))
    const lengthRandom = seededRandom(deriveSeed(options.seed, arrivalIndex, LENGTH_STREAM))
    outputTokens = lower + Math.floor(lengthRandom() * (limit - lower + 1))
  }
  // With no max_tokens there is nothing to hit: the answer ended by itself.
  const finishReason = request.maxTokens !== null && outputTokens === limit ? 'length' : 'stop'

  const wordRandom = seededRandom(deriveSeed(options.seed, arrivalIndex, WORD_STREAM))
  return {
    fault,
    outputTokens,
    finishReason,
    nextWord: () => WORDS[Math.floor(wordRandom() * WORDS.length)] ?? ' lorem',
  }
}
