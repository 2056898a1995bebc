// What one streamed `data:` payload of an OpenAI-compatible server says, for measuring.
// readChunk is the reference (JSON.parse, every server variation of the reference page §3).
// createChunkReader adds an exact fast path: most chunks of one stream are the previous
// chunk with a different text value, so once a plain text chunk has been parsed, the next
// payload that has the same bytes before and after that value needs no JSON.parse.

import { errorText } from '../http/error-message.js'
export interface ChunkUsage {
  promptTokens: number | null
  completionTokens: number | null
  reasoningTokens: number | null
}

export interface ChunkFacts {
  /** The payload is not valid JSON. */
  invalid: boolean
  /** Error message when the payload is an error object (top-level `error`, or `object: "error"`). */
  error: string | null
  /** Non-empty answer text: `delta.content` (chat) or `text` (completions), over all choices. */
  answerText: string
  /** Non-empty reasoning text: `delta.reasoning_content`, else `delta.reasoning`. */
  reasoningText: string
  /** A choice carried a non-empty `delta.tool_calls`. */
  toolCalls: boolean
  /** Function names and argument pieces of those tool calls (for a tokenizer count). */
  toolText: string
  /** The last non-empty `finish_reason` string; null / "" / absent mean not finished. */
  finishReason: string | null
  /** `usage` when it is a non-null object. */
  usage: ChunkUsage | null
}

export function emptyFacts(): ChunkFacts {
  return {
    invalid: false,
    error: null,
    answerText: '',
    reasoningText: '',
    toolCalls: false,
    toolText: '',
    finishReason: null,
    usage: null,
  }
}

/** True when the chunk carries generated output (a token for TTFT and the chunk count). */
export function isTokenBearing(facts: ChunkFacts): boolean {
  return facts.answerText !== '' || facts.reasoningText !== '' || facts.toolCalls
}

type JsonObject = Record<string, unknown>

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== ''
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

/** Reference reading of one payload via JSON.parse; `into` is overwritten. */
export function readChunk(data: string, into: ChunkFacts = emptyFacts()): ChunkFacts {
  resetFacts(into)
  let parsed: unknown
  try {
    parsed = JSON.parse(data)
  } catch {
    into.invalid = true
    return into
  }
  readParsed(parsed, into)
  return into
}

function resetFacts(facts: ChunkFacts): void {
  facts.invalid = false
  facts.error = null
  facts.answerText = ''
  facts.reasoningText = ''
  facts.toolCalls = false
  facts.toolText = ''
  facts.finishReason = null
  facts.usage = null
}

function readParsed(parsed: unknown, into: ChunkFacts): void {
  // A JSON value that is not an object is no chunk; it carries nothing.
  if (!isObject(parsed)) return
  const error = parsed.error
  if (error !== undefined && error !== null) {
    into.error = errorText(error)
    return
  }
  if (parsed.object === 'error') {
    into.error = errorText(parsed)
    return
  }
  const choices = parsed.choices
  if (Array.isArray(choices)) {
    for (const choice of choices) {
      if (!isObject(choice)) continue
      const delta = choice.delta
      if (isObject(delta)) {
        if (nonEmptyString(delta.content)) into.answerText += delta.content
        // Some vLLM versions send both names with the same text: count it once.
        if (nonEmptyString(delta.reasoning_content)) into.reasoningText += delta.reasoning_content
        else if (nonEmptyString(delta.reasoning)) into.reasoningText += delta.reasoning
        const toolCalls = delta.tool_calls
        if (Array.isArray(toolCalls) && toolCalls.length > 0) {
          into.toolCalls = true
          into.toolText += toolCallText(toolCalls)
        }
      }
      if (nonEmptyString(choice.text)) into.answerText += choice.text
      if (nonEmptyString(choice.finish_reason)) into.finishReason = choice.finish_reason
    }
  }
  const usage = parsed.usage
  if (isObject(usage)) {
    const details = usage.completion_tokens_details
    into.usage = {
      promptTokens: count(usage.prompt_tokens),
      completionTokens: count(usage.completion_tokens),
      reasoningTokens: isObject(details) ? count(details.reasoning_tokens) : null,
    }
  }
}

function toolCallText(toolCalls: unknown[]): string {
  let text = ''
  for (const call of toolCalls) {
    if (!isObject(call) || !isObject(call.function)) continue
    if (typeof call.function.name === 'string') text += call.function.name
    if (typeof call.function.arguments === 'string') text += call.function.arguments
  }
  return text
}

/** Which field of a plain text chunk varies from chunk to chunk. */
export type TextField = 'answer' | 'reasoning'

export interface Template {
  /** Everything up to and including the opening quote of the text value. */
  prefix: string
  /** Everything from the closing quote of the text value. */
  suffix: string
  field: TextField
}

// A character that a raw JSON string body may not hold as is: the quote ends it, a backslash
// starts an escape, control characters are invalid.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control range is the point
const NEEDS_DECODING = /["\\\u0000-\u001f]/

export interface ChunkReader {
  /** Reads one payload; returns a facts object the reader reuses on the next call. */
  read(data: string): ChunkFacts
  /** How many payloads took the fast path (for tests and the client benchmark). */
  readonly fastReads: number
  /** The learned plain-chunk template (see below), or null while there is none. */
  readonly template: Template | null
}

/**
 * A per-stream reader. Exactness: the template is taken from a payload that JSON.parse read
 * as one choice whose only output is one string value, with no usage, finish_reason, error
 * or tool calls. A later payload equal to the template outside that value, whose value body
 * is a valid JSON string body, is the same JSON document with another string there, so its
 * facts are the template's with that string. Anything else goes through readChunk.
 */
export function createChunkReader(): ChunkReader {
  return new TemplateChunkReader()
}

// A class rather than closures: one object per stream (see SseDecoder in sse-parser.ts).
class TemplateChunkReader implements ChunkReader {
  private readonly facts = emptyFacts()
  #template: Template | null = null
  #fastReads = 0

  get template(): Template | null {
    return this.#template
  }

  get fastReads(): number {
    return this.#fastReads
  }

  read(data: string): ChunkFacts {
    const template = this.#template
    if (template !== null) {
      const { prefix, suffix } = template
      const end = data.length - suffix.length
      // substring + === compares flat strings far faster than startsWith/endsWith in V8.
      if (
        end >= prefix.length &&
        data.substring(end) === suffix &&
        data.substring(0, prefix.length) === prefix
      ) {
        let text: string | null = data.slice(prefix.length, end)
        if (needsDecoding(text)) text = decodeJsonStringBody(text)
        if (text !== null) {
          resetFacts(this.facts)
          if (template.field === 'answer') this.facts.answerText = text
          else this.facts.reasoningText = text
          this.#fastReads++
          return this.facts
        }
      }
    }
    let parsed: unknown
    resetFacts(this.facts)
    try {
      parsed = JSON.parse(data)
    } catch {
      this.facts.invalid = true
      return this.facts
    }
    readParsed(parsed, this.facts)
    const learned = learnTemplate(data, parsed, this.facts)
    if (learned !== null) this.#template = learned
    return this.facts
  }
}

/** NEEDS_DECODING.test without a RegExp call: token texts are a few characters long. */
function needsDecoding(text: string): boolean {
  if (text.length > 64) return NEEDS_DECODING.test(text)
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === 0x22 || code === 0x5c || code < 0x20) return true
  }
  return false
}

/** A copy of `text` in its own flat string, not a slice that keeps a whole payload alive. */
function flat(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8')
}

function decodeJsonStringBody(body: string): string | null {
  try {
    const value: unknown = JSON.parse(`"${body}"`)
    return typeof value === 'string' ? value : null
  } catch {
    return null
  }
}

function learnTemplate(data: string, parsed: unknown, facts: ChunkFacts): Template | null {
  // A null `usage` / `error` is part of the unchanging bytes; a real one means no template.
  if (facts.error !== null || facts.usage !== null || facts.finishReason !== null || facts.toolCalls)
    return null
  if (!isObject(parsed)) return null
  const choices = parsed.choices
  if (!Array.isArray(choices) || choices.length !== 1) return null
  const choice: unknown = choices[0]
  if (!isObject(choice)) return null
  const delta = choice.delta
  // The one string value that carries this chunk's output; every other output field must be
  // absent or empty so that it stays so in a chunk that differs only in that value.
  let key: string
  let field: TextField
  let value: string
  if (isObject(delta)) {
    if (choice.text !== undefined) return null
    const candidates = (['content', 'reasoning_content', 'reasoning'] as const).filter(
      (name) => delta[name] !== undefined && delta[name] !== null,
    )
    if (candidates.length !== 1) return null
    key = candidates[0] as string
    const raw = delta[key]
    if (typeof raw !== 'string') return null
    value = raw
    field = key === 'content' ? 'answer' : 'reasoning'
  } else {
    if (delta !== undefined || typeof choice.text !== 'string') return null
    key = 'text'
    value = choice.text
    field = 'answer'
  }
  const open = uniqueStringValueStart(data, key)
  if (open === -1) return null
  const close = closingQuote(data, open)
  if (close === -1 || decodeJsonStringBody(data.slice(open + 1, close)) !== value) return null
  return { prefix: flat(data.slice(0, open + 1)), suffix: flat(data.slice(close)), field }
}

/**
 * Index of the opening quote of the value of the only string-valued `"key":` in the raw
 * JSON, or -1 when there is not exactly one. In valid JSON every quote inside a string is
 * escaped, so each raw match of `"key":` is a real object key.
 */
function uniqueStringValueStart(data: string, key: string): number {
  const needle = `"${key}":`
  let found = -1
  let from = 0
  for (;;) {
    const at = data.indexOf(needle, from)
    if (at === -1) return found
    let i = at + needle.length
    while (i < data.length && isJsonSpace(data.charCodeAt(i))) i++
    if (data.charCodeAt(i) === 0x22) {
      if (found !== -1) return -1
      found = i
    }
    from = at + needle.length
  }
}

function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d
}

function closingQuote(data: string, open: number): number {
  let i = open + 1
  for (;;) {
    const quote = data.indexOf('"', i)
    if (quote === -1) return -1
    let backslashes = 0
    for (let j = quote - 1; j > open && data.charCodeAt(j) === 0x5c; j--) backslashes++
    if (backslashes % 2 === 0) return quote
    i = quote + 1
  }
}
