// The few facts the capability probe needs from an SSE stream. Not the client's parser (that
// one is on the hot path and times every chunk); this one only counts and remembers.

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

/** Minimal SSE reader: `data:` lines joined per event, comments and other fields ignored. */
export class ProbeStreamReader {
  private readonly decoder = new TextDecoder()
  private pending = ''
  private dataLines: string[] = []
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
  }

  push(bytes: Uint8Array | null): void {
    let text =
      this.pending + (bytes === null ? this.decoder.decode() : this.decoder.decode(bytes, { stream: true }))
    // A trailing '\r' may be the first half of a '\r\n' split across network chunks: hold it back.
    const carry = bytes !== null && text.endsWith('\r') ? '\r' : ''
    if (carry !== '') text = text.slice(0, -1)
    const lines = text.split(/\r\n|\r|\n/)
    this.pending = bytes === null ? '' : `${lines.pop() ?? ''}${carry}`
    for (const line of lines) this.line(line)
    if (bytes === null) this.line('')
  }

  private line(line: string): void {
    if (line === '') {
      if (this.dataLines.length > 0) this.event(this.dataLines.join('\n'))
      this.dataLines = []
      return
    }
    if (!line.startsWith('data:')) return
    this.dataLines.push(line.slice(line.startsWith('data: ') ? 6 : 5))
  }

  private event(data: string): void {
    if (data.trim() === '[DONE]') {
      this.stats.sawDone = true
      return
    }
    let payload: Record<string, unknown> | null
    try {
      payload = asRecord(JSON.parse(data))
    } catch {
      return
    }
    if (payload === null) return
    const error = payload.error ?? (payload.object === 'error' ? payload : undefined)
    if (error !== undefined && error !== null) {
      this.errorMessage ??= httpErrorBodyMessage(JSON.stringify({ error }))
      const code = Number(asRecord(error)?.code)
      if (this.errorStatus === null && Number.isInteger(code) && code >= 100 && code <= 599)
        this.errorStatus = code
      return
    }
    const usage = asRecord(payload.usage)
    if (usage !== null && typeof usage.completion_tokens === 'number') {
      // With continuous usage stats every chunk carries a cumulative count: keep the last.
      this.stats.usageCompletionTokens = usage.completion_tokens
    }
    const choices = Array.isArray(payload.choices) ? payload.choices : []
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
      const bearsToken =
        nonEmptyString(delta.content) ||
        nonEmptyString(delta.reasoning) ||
        nonEmptyString(delta.reasoning_content) ||
        nonEmptyString(record.text)
      if (bearsToken) this.stats.tokenChunks += 1
    }
  }
}
