// Prompts of an exact token count for one tokenizer, as vLLM's random dataset makes them:
// assemble words, measure the text with the same tokenizer, and trim or pad until the count
// is exact. Words are drawn (seeded) from a list of common English words, each kept only if
// the tokenizer encodes it, with and without a leading space, as ONE token: tokenizers split
// text at spaces before merging, so n such words joined by spaces are almost always n
// tokens and the first measurement is exact. The measurement is still the judge; the rare
// cross-word merge is corrected by trimming or padding and measuring again.
import { ConfigError } from '../errors.js'
import type { Random } from '../seeded-random.js'

export type CountTokens = (text: string) => number

const WORDS = (
  'time year people way day man thing woman life child world school state family student group ' +
  'country problem hand part place case week company system program question work government ' +
  'number night point home water room mother area money story fact month lot right study book ' +
  'eye job word business issue side kind head house service friend father power hour game line ' +
  'end member law car city community name president team minute idea kid body information back ' +
  'parent face others level office door health person art war history party result change ' +
  'morning reason research girl guy moment air teacher force education foot boy age policy ' +
  'music market sense nation plan college interest death experience effect class control care ' +
  'field development role effort rate heart drug show leader light voice wife police mind price ' +
  'report decision son view relationship town road arm difference value building action model ' +
  'season society tax director position player record paper space ground form event official ' +
  'matter center couple site project activity star table need court oil situation cost industry'
).split(' ')

/** Adjustment rounds before a length is declared unreachable (each costs one encode). */
const maxRounds = 12

export interface ExactPromptGenerator {
  /** Which tokenizer measured the prompts, e.g. "o200k_base (approximate)". */
  readonly tokenizerLabel: string
  /** Text of exactly `tokens` tokens; throws ConfigError when the tokenizer cannot reach it. */
  generate(tokens: number, random: Random): string
}

/**
 * Builds a generator for one tokenizer. Fails when fewer than 16 of the words are single
 * tokens (a tokenizer so unlike BPE/WordPiece that the word method cannot aim).
 */
export function createExactPromptGenerator(count: CountTokens, tokenizerLabel: string): ExactPromptGenerator {
  const words = WORDS.filter((word) => count(word) === 1 && count(`${word} ${word}`) === 2)
  if (words.length < 16) {
    throw new ConfigError(
      `Cannot generate exact-length prompts with tokenizer ${tokenizerLabel}: only ${words.length} of ${WORDS.length} common English words are single tokens`,
      { hint: 'use the model’s own tokenizer.json (--tokenizer) or drop input_tokens for a dataset source' },
    )
  }
  const pick = (random: Random) => words[Math.floor(random() * words.length)] as string

  return {
    tokenizerLabel,
    generate(tokens, random) {
      if (!Number.isInteger(tokens) || tokens < 1) throw unreachable(tokens, tokenizerLabel, 'the least is 1')
      const chosen: string[] = []
      for (let i = 0; i < tokens; i++) chosen.push(pick(random))
      let measured = count(chosen.join(' '))
      for (let round = 0; round < maxRounds && measured !== tokens; round++) {
        if (measured > tokens) chosen.length = Math.max(1, chosen.length - (measured - tokens))
        else for (let i = measured; i < tokens; i++) chosen.push(pick(random))
        measured = count(chosen.join(' '))
      }
      if (measured !== tokens) {
        throw unreachable(tokens, tokenizerLabel, `the nearest measured length was ${measured} tokens`)
      }
      return chosen.join(' ')
    },
  }
}

function unreachable(tokens: number, label: string, detail: string): ConfigError {
  return new ConfigError(
    `Cannot generate a prompt of exactly ${tokens} tokens with tokenizer ${label}: ${detail}`,
    { hint: 'choose another input_tokens length (or range), or another tokenizer (--tokenizer)' },
  )
}
