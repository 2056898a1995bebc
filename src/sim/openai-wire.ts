import type { ApiKind } from '../types.js'

// JSON shapes of the OpenAI-compatible wire, as vLLM writes them: chunks carry
// `logprobs: null` and no `usage` key; the usage chunk has `choices: []`.

export interface Usage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
}

/** What every chunk and response of one request repeats. */
export interface ResponseIdentity {
  api: ApiKind
  id: string
  /** Epoch seconds, fixed at arrival. */
  created: number
  /** Echoes the request's model. */
  model: string
}

export function createIdentity(api: ApiKind, arrivalIndex: number, model: string): ResponseIdentity {
  const prefix = api === 'chat' ? 'chatcmpl' : 'cmpl'
  return { api, id: `${prefix}-sim-${arrivalIndex}`, created: Math.floor(Date.now() / 1000), model }
}

export function usageOf(promptTokens: number, completionTokens: number): Usage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  }
}

function chunkHead(identity: ResponseIdentity) {
  return {
    id: identity.id,
    object: identity.api === 'chat' ? 'chat.completion.chunk' : 'text_completion',
    created: identity.created,
    model: identity.model,
  }
}

/** vLLM's first chat chunk: the role, empty content, no token yet. */
export function roleChunk(identity: ResponseIdentity) {
  return {
    ...chunkHead(identity),
    choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
  }
}

/** One token; the last one carries the finish reason. */
export function tokenChunk(identity: ResponseIdentity, text: string, finishReason: string | null) {
  const choice =
    identity.api === 'chat'
      ? { index: 0, delta: { content: text }, logprobs: null, finish_reason: finishReason }
      : { index: 0, text, logprobs: null, finish_reason: finishReason }
  return { ...chunkHead(identity), choices: [choice] }
}

/** The stream_options.include_usage chunk, sent after the last token and before [DONE]. */
export function usageChunk(identity: ResponseIdentity, usage: Usage) {
  return { ...chunkHead(identity), choices: [], usage }
}

/** The whole answer of a non-streaming request. */
export function completeResponse(
  identity: ResponseIdentity,
  text: string,
  finishReason: string,
  usage: Usage,
) {
  const choice =
    identity.api === 'chat'
      ? {
          index: 0,
          message: { role: 'assistant', content: text },
          logprobs: null,
          finish_reason: finishReason,
        }
      : { index: 0, text, logprobs: null, finish_reason: finishReason }
  return {
    id: identity.id,
    object: identity.api === 'chat' ? 'chat.completion' : 'text_completion',
    created: identity.created,
    model: identity.model,
    choices: [choice],
    usage,
  }
}

export function errorBody(message: string, type: string, code: number) {
  return { error: { message, type, param: null, code } }
}

/** The mid-stream failure event (vLLM style), after which the stream ends without [DONE]. */
export const STREAM_ERROR_EVENT = { error: { message: 'simulated failure', type: 'server_error', code: 500 } }

export function sseEvent(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`
}

export const SSE_DONE = 'data: [DONE]\n\n'
