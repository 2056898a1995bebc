// What one request is (RequestSpec) and what every request of a run shares (ClientContext),
// and the JSON body sent for a spec.
import type { Dispatcher } from 'undici'
import type { ApiKind, Prompt, Timeouts } from '../types.js'

export interface RequestSpec {
  requestId: number
  model: string
  prompt: Prompt
  api: ApiKind
  maxTokens: number
  temperature: number
  ignoreEos: boolean
  includeUsage: boolean
  /** When the schedule wanted it sent (ms from run start); null in a closed loop. */
  scheduledAtMs: number | null
  /** Open loop: time waited for a concurrency slot, and the executor's own lateness (ms). */
  slotWaitMs?: number
  scheduleLagMs?: number
}

export interface ClientContext {
  dispatcher: Dispatcher
  /** Base URL ending with /v1, e.g. http://127.0.0.1:8000/v1. */
  baseUrl: string
  /** Request headers, authorization included; content-type is added when missing. */
  headers: Record<string, string>
  timeouts: Timeouts
  /** performance.now() at run start; record times are offsets from it. */
  runStartMs: number
  runStartEpochMs: number
  /** Counts generated text when the stream carries no usage. */
  countTokens: ((text: string) => number) | null
  /** Aborting it ends every in-flight request as outcome 'aborted'. */
  signal: AbortSignal
}

/** The JSON body of a streamed chat or legacy completions request. */
export function buildRequestBody(spec: RequestSpec): string {
  const body: Record<string, unknown> = { model: spec.model }
  if (spec.api === 'chat') body.messages = [{ role: 'user', content: spec.prompt.text }]
  else body.prompt = spec.prompt.text
  body.max_tokens = spec.maxTokens
  body.temperature = spec.temperature
  body.stream = true
  if (spec.includeUsage) body.stream_options = { include_usage: true }
  if (spec.ignoreEos) body.ignore_eos = true
  return JSON.stringify(body)
}
