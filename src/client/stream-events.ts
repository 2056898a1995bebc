// The SSE body of a 2xx streamed response → token facts and a verdict: the one reader of
// OpenAI-compatible streams (the run's transport and the capability probe share it).
import type { ClientErrorCode } from '../http/error-code.js'
import { clip, eventErrorMessage } from '../http/error-message.js'
import {
  type ChunkFacts,
  type ChunkReader,
  createChunkReader,
  emptyFacts,
  type Template,
} from './read-chunk.js'
import { createSseParser, type SseEvent, type SseParser } from './sse-parser.js'
import type { TokenTally } from './token-tally.js'

/** How a stream ended, once it has: `[DONE]`, or a fault with its stable code. */
export type StreamVerdict = { kind: 'done' } | { kind: 'fault'; code: ClientErrorCode; message: string }

/** Stands for a lane token's text where the tally keeps none (any non-empty string would). */
const LANE_TOKEN = '\u2026'

export class StreamEvents {
  /** Set once the stream has ended; later events are ignored. */
  verdict: StreamVerdict | null = null
  private readonly parser: SseParser
  private readonly reader: ChunkReader = createChunkReader()
  /** The reader template the parser's token lane was made from. */
  private laneTemplate: Template | null = null
  private readonly laneFacts: ChunkFacts = emptyFacts()
  /** When the bytes being parsed arrived: events of one network read share it. */
  private nowMs = 0

  constructor(readonly tally: TokenTally) {
    this.parser = createSseParser((event) => this.onEvent(event))
  }

  /** Parses one network read observed at `nowMs`; returns the verdict once there is one. */
  push(chunk: Buffer, nowMs: number): StreamVerdict | null {
    if (this.verdict === null) {
      this.nowMs = nowMs
      this.parser.push(chunk)
    }
    return this.verdict
  }

  /**
   * The body ended: a last event without a trailing blank line still counts, and with no
   * [DONE] a close after a finish_reason is a clean end (llama.cpp, TGI); else truncated.
   */
  end(nowMs: number): StreamVerdict {
    if (this.verdict === null) {
      this.nowMs = nowMs
      this.parser.end()
    }
    if (this.verdict === null) {
      if (this.tally.finishReason !== null) this.done()
      else this.fault('STREAM_NO_DONE', 'Stream ended without [DONE]')
    }
    return this.verdict as StreamVerdict
  }

  private onEvent(event: SseEvent): void {
    if (this.verdict !== null) return
    const { data } = event
    if (event.event === 'error') {
      this.fault('STREAM_ERROR_EVENT', `Error event in stream: ${eventErrorMessage(data)}`)
      return
    }
    if (data === '[DONE]') {
      this.done()
      return
    }
    // An empty data event is a keep-alive, not a chunk.
    if (data.length === 0 || (data.charCodeAt(0) <= 0x20 && data.trim() === '')) return
    const facts = this.reader.read(data)
    if (facts.invalid) {
      this.fault('STREAM_INVALID_JSON', `Invalid JSON in stream: ${clip(data, 80)}`)
      return
    }
    if (facts.error !== null) {
      this.fault('STREAM_ERROR_PAYLOAD', `Error in stream: ${clip(facts.error)}`)
      return
    }
    this.tally.observe(facts, this.nowMs)
    // Once a plain token chunk has taught the reader this stream's template, the parser can
    // take every chunk of that shape whole (same facts, without decoding each event).
    const template = this.reader.template
    if (template !== this.laneTemplate) {
      this.laneTemplate = template
      if (template !== null) {
        const field = template.field
        this.parser.setTokenLane({
          prefix: template.prefix,
          suffix: template.suffix,
          onToken: (source, start, end) => this.onLaneToken(source, start, end, field),
        })
      }
    }
  }

  /** A token chunk the parser took whole: its facts are the template's with this text. */
  private onLaneToken(source: string, start: number, end: number, field: 'answer' | 'reasoning'): void {
    if (this.verdict !== null) return
    const facts = this.laneFacts
    // The lane's text is never empty. A tally that keeps no text only asks whether it is
    // empty, so it gets a stand-in: no string cut per token.
    const text = this.tally.keepsText ? source.substring(start, end) : LANE_TOKEN
    if (field === 'answer') facts.answerText = text
    else facts.reasoningText = text
    this.tally.observe(facts, this.nowMs)
  }

  /** A proper end is a success only with at least one token. */
  private done(): void {
    if (this.tally.tokenChunks === 0) this.fault('STREAM_NO_TOKENS', 'Stream ended without any token')
    else this.verdict = { kind: 'done' }
  }

  private fault(code: ClientErrorCode, message: string): void {
    this.verdict = { kind: 'fault', code, message }
  }
}
