import type { ApiKind } from '../types.js'

/** The fields of a /v1/chat/completions or /v1/completions body that the simulator obeys. */
export interface CompletionRequest {
  api: ApiKind
  model: string
  stream: boolean
  includeUsage: boolean
  /** max_completion_tokens, else max_tokens (vLLM's order); null when the request set neither. */
  maxTokens: number | null
  minTokens: number
  ignoreEos: boolean
  promptTokens: number
  /** Message contents (or the prompt) joined without separators, for the prefix cache. */
  promptText: string
}

export type ParsedRequest = { ok: true; request: CompletionRequest } | { ok: false; message: string }

/**
 * Prompt length without a tokenizer: ceil(characters / 4) over all message contents (or the
 * completions prompt), the usual rule of thumb for English text with BPE tokenizers.
 * Characters are UTF-16 code units. A completions prompt given as token ids counts one each.
 */
export function estimatePromptTokens(api: ApiKind, body: Record<string, unknown>): number | null {
  if (api === 'chat') {
    if (!Array.isArray(body.messages) || body.messages.length === 0) return null
    let chars = 0
    for (const message of body.messages) chars += contentChars((message as { content?: unknown })?.content)
    return Math.ceil(chars / 4)
  }
  const prompt = body.prompt
  if (typeof prompt === 'string') return Math.ceil(prompt.length / 4)
  if (Array.isArray(prompt) && prompt.length > 0) {
    if (prompt.every((item) => typeof item === 'number')) return prompt.length
    if (prompt.every((item) => typeof item === 'string')) return Math.ceil(prompt.join('').length / 4)
  }
  return null
}

function contentChars(content: unknown): number {
  return contentText(content).length
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  let text = ''
  for (const part of content) {
    const partText = (part as { text?: unknown })?.text
    if (typeof partText === 'string') text += partText
  }
  return text
}

/**
 * The text the prefix cache keys on: the same characters estimatePromptTokens counts, in
 * order. A completions prompt of token ids has no text and is never cached.
 */
export function promptTextOf(api: ApiKind, body: Record<string, unknown>): string {
  if (api === 'chat') {
    if (!Array.isArray(body.messages)) return ''
    return body.messages.map((message) => contentText((message as { content?: unknown })?.content)).join('')
  }
  const prompt = body.prompt
  if (typeof prompt === 'string') return prompt
  if (Array.isArray(prompt) && prompt.every((item) => typeof item === 'string')) return prompt.join('')
  return ''
}

function optionalInteger(value: unknown, min: number): number | null | 'invalid' {
  if (value === undefined || value === null) return null
  return Number.isInteger(value) && (value as number) >= min ? (value as number) : 'invalid'
}

export function parseCompletionRequest(api: ApiKind, body: unknown, defaultModel: string): ParsedRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, message: 'Request body must be a JSON object' }
  }
  const fields = body as Record<string, unknown>
  const problems: string[] = []

  const promptTokens = estimatePromptTokens(api, fields)
  if (promptTokens === null) {
    problems.push(
      api === 'chat'
        ? 'messages must be a non-empty array'
        : 'prompt must be a string, an array of strings or an array of token ids',
    )
  }
  const maxCompletionTokens = optionalInteger(fields.max_completion_tokens, 1)
  const maxTokensField = optionalInteger(fields.max_tokens, 1)
  if (maxCompletionTokens === 'invalid') problems.push('max_completion_tokens must be an integer >= 1')
  if (maxTokensField === 'invalid') problems.push('max_tokens must be an integer >= 1')
  const minTokensField = optionalInteger(fields.min_tokens, 0)
  if (minTokensField === 'invalid') problems.push('min_tokens must be an integer >= 0')
  for (const key of ['stream', 'ignore_eos'] as const) {
    if (fields[key] !== undefined && fields[key] !== null && typeof fields[key] !== 'boolean') {
      problems.push(`${key} must be a boolean`)
    }
  }
  if (fields.model !== undefined && typeof fields.model !== 'string') problems.push('model must be a string')
  if (problems.length > 0 || promptTokens === null) return { ok: false, message: problems.join('; ') }

  const maxTokens =
    typeof maxCompletionTokens === 'number' ? maxCompletionTokens : (maxTokensField as number | null)
  const minTokens = (minTokensField as number | null) ?? 0
  if (maxTokens !== null && minTokens > maxTokens) {
    return { ok: false, message: `min_tokens (${minTokens}) must be <= max_tokens (${maxTokens})` }
  }
  const streamOptions = fields.stream_options as { include_usage?: unknown } | null | undefined
  return {
    ok: true,
    request: {
      api,
      model: typeof fields.model === 'string' ? fields.model : defaultModel,
      stream: fields.stream === true,
      includeUsage: fields.stream === true && streamOptions?.include_usage === true,
      maxTokens,
      minTokens,
      ignoreEos: fields.ignore_eos === true,
      promptTokens,
      promptText: promptTextOf(api, fields),
    },
  }
}
