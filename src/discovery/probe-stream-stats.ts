// What the capability probe learns from one SSE stream, read with the client's own SSE parser
// and chunk reader (so the probe and the run agree on what a token, usage or an error is).
// Only the two facts a run never needs are read here: which reasoning field the server uses
// and whether its first chunk carries only the role.
import { type ChunkFacts, emptyFacts, isTokenBearing, readChunk } from '../client/read-chunk.js'
import { createSseParser, type SseParser } from '../client/sse-parser.js'
import { httpErrorBodyMessage } from '../http/error-message.js'
import type { ServerCapabilities } from '../types.js'

export interface StreamStats {
  connectionClose: boolean
  usageCompletionTokens: number | null
  tokenChunks: number
  reasoningField: ServerCapabilities['reasoningField']
  roleOnlyFirstChunk: boolean
  sawDone: boolean
}

export function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null
}

function nonEmptyString(value: unknown): boolean {
  return typeof value === 'string' && value !== ''
}

export class ProbeStreamStats {
  private readonly parser: SseParser
  private readonly facts: ChunkFacts = emptyFacts()
  private firstChoiceSeen = false
  readonly stats: StreamStats
  errorMessage: string | null = null
  errorStatus: number | null = null

  constructor(connectionClose: boolean) {
    this.stats = {
      connectionClose,
      usageCompletionTokens: null,
      tokenChunks: 0,
      reasoningField: null,
      roleOnlyFirstChunk: false,
      sawDone: false,
    }
    this.parser = createSseParser((event) => this.event(event.data))
  }

  /** One network read; null when the body has ended. */
  push(bytes: Buffer | null): void {
    if (bytes === null) this.parser.end()
    else this.parser.push(bytes)
  }

  private event(data: string): void {
    if (data.trim() === '[DONE]') {
      this.stats.sawDone = true
      return
    }
    const facts = readChunk(data, this.facts)
    if (facts.invalid) return
    if (facts.error !== null) {
      this.errorMessage ??= httpErrorBodyMessage(JSON.stringify({ error: facts.error }))
      if (this.errorStatus === null) this.errorStatus = errorStatusOf(data)
      return
    }
    // With continuous usage stats every chunk carries a cumulative count: keep the last.
    if (facts.usage?.completionTokens != null) this.stats.usageCompletionTokens = facts.usage.completionTokens
    if (isTokenBearing(facts)) this.stats.tokenChunks += 1
    if (this.firstChoiceSeen && this.stats.reasoningField !== null) return
    this.readDelta(data)
  }

  /** The role-only first chunk and the reasoning field name: the first chunks only. */
  private readDelta(data: string): void {
    const payload = asRecord(JSON.parse(data))
    const choices = Array.isArray(payload?.choices) ? payload.choices : []
    for (const choice of choices) {
      const record = asRecord(choice)
      if (record === null) continue
      const delta = asRecord(record.delta) ?? {}
      if (!this.firstChoiceSeen) {
        this.firstChoiceSeen = true
        this.stats.roleOnlyFirstChunk =
          typeof delta.role === 'string' &&
          !nonEmptyString(delta.content) &&
          !nonEmptyString(delta.reasoning) &&
          !nonEmptyString(delta.reasoning_content) &&
          !Array.isArray(delta.tool_calls)
      }
      // vLLM snapshots send both names in one delta (reasoning_content mirrors the current `reasoning`).
      if (this.stats.reasoningField === null) {
        if (nonEmptyString(delta.reasoning)) this.stats.reasoningField = 'reasoning'
        else if (nonEmptyString(delta.reasoning_content)) this.stats.reasoningField = 'reasoning_content'
      }
    }
  }
}

/** An error payload's numeric `code` when it is an HTTP status (LiteLLM streams a 429 so). */
function errorStatusOf(data: string): number | null {
  const payload = asRecord(JSON.parse(data))
  const error = asRecord(payload?.error) ?? (payload?.object === 'error' ? payload : null)
  const code = Number(error?.code)
  return Number.isInteger(code) && code >= 100 && code <= 599 ? code : null
}
