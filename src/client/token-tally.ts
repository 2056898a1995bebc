// The token side of one stream: when tokens arrived (TTFT, TTFO, inter-token gaps) and how
// many there were (usage, else a tokenizer count, else token-bearing chunks).
import type { TokensSource } from '../types.js'
import type { Observation } from './build-record.js'
import { type ChunkFacts, type ChunkUsage, isTokenBearing } from './read-chunk.js'

export class TokenTally {
  /** performance.now() of the first token-bearing chunk / first answer (non-reasoning) chunk. */
  firstTokenAt: number | null = null
  firstAnswerAt: number | null = null
  tokenChunks = 0
  /** Gaps between token-bearing chunks, ms; a chunk that carried k tokens adds gap/k k times. */
  readonly itlMs: number[] = []
  /** The last usage object of the stream (with cumulative stats each supersedes the last). */
  usage: ChunkUsage | null = null
  finishReason: string | null = null

  private lastTokenAt = 0
  private previousCompletionTokens: number | null = null
  private usageOnEveryTokenChunk = true
  private text = ''
  /** The answer's content (no reasoning, no tool calls), when kept: a session's history needs it. */
  answer = ''

  /** Whether observe() reads the texts of its chunks, or only whether they are empty. */
  readonly keepsText: boolean

  /** `keepText`: collect the generated text for a tokenizer count; `keepAnswer`: the answer's content. */
  constructor(
    private readonly keepText: boolean,
    private readonly keepAnswer = false,
  ) {
    this.keepsText = keepText || keepAnswer
  }

  /** Accounts one chunk observed at `now`. */
  observe(facts: ChunkFacts, now: number): void {
    const usage = facts.usage
    if (isTokenBearing(facts)) {
      // With usage on every token chunk (vLLM continuous_usage_stats, SGLang) one chunk may
      // carry several tokens: the usage delta says how many. Usage that appears only on
      // some chunks (TGI's last completions chunk) is a total, not a delta.
      let tokens = 1
      if (usage === null) {
        this.usageOnEveryTokenChunk = false
      } else if (this.usageOnEveryTokenChunk && usage.completionTokens !== null) {
        tokens = Math.max(1, usage.completionTokens - (this.previousCompletionTokens ?? 0))
      }
      if (this.firstTokenAt === null) {
        this.firstTokenAt = now
      } else {
        const gapMs = now - this.lastTokenAt
        if (tokens === 1) this.itlMs.push(gapMs)
        else for (let i = 0; i < tokens; i++) this.itlMs.push(gapMs / tokens)
      }
      this.lastTokenAt = now
      if (this.firstAnswerAt === null && (facts.answerText !== '' || facts.toolCalls))
        this.firstAnswerAt = now
      this.tokenChunks++
      if (this.keepText) this.text += facts.answerText + facts.reasoningText + facts.toolText
      if (this.keepAnswer) this.answer += facts.answerText
    }
    if (usage !== null) {
      this.usage = usage
      if (usage.completionTokens !== null) this.previousCompletionTokens = usage.completionTokens
    }
    if (facts.finishReason !== null) this.finishReason = facts.finishReason
  }

  /** output_tokens and where it came from, most exact first. */
  outputTokens(countTokens: ((text: string) => number) | null): { count: number; source: TokensSource } {
    if (this.usage !== null && this.usage.completionTokens !== null) {
      return { count: this.usage.completionTokens, source: 'usage' }
    }
    if (this.keepText && countTokens !== null && this.tokenChunks > 0) {
      const count = safeCount(countTokens, this.text)
      if (count !== null) return { count, source: 'tokenizer' }
    }
    return { count: this.tokenChunks, source: 'chunks' }
  }

  /** The tally's part of a record's observation, its times as offsets from `runStartMs`. */
  observed(
    countTokens: ((text: string) => number) | null,
    runStartMs: number,
  ): Pick<
    Observation,
    | 'firstTokenAtMs'
    | 'firstAnswerAtMs'
    | 'outputTokens'
    | 'tokensSource'
    | 'inputTokens'
    | 'reasoningTokens'
    | 'finishReason'
    | 'itlMs'
  > {
    const tokens = this.outputTokens(countTokens)
    return {
      firstTokenAtMs: this.firstTokenAt === null ? null : this.firstTokenAt - runStartMs,
      firstAnswerAtMs: this.firstAnswerAt === null ? null : this.firstAnswerAt - runStartMs,
      outputTokens: tokens.count,
      tokensSource: tokens.source,
      inputTokens: this.usage?.promptTokens ?? null,
      reasoningTokens: this.usage?.reasoningTokens ?? null,
      finishReason: this.finishReason,
      itlMs: this.itlMs,
    }
  }
}

function safeCount(countTokens: (text: string) => number, text: string): number | null {
  try {
    const count = countTokens(text)
    return Number.isFinite(count) ? count : null
  } catch {
    // A tokenizer that cannot read the text leaves the chunk count as the best estimate.
    return null
  }
}
