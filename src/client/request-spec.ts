// What one request is (RequestSpec) and what every request of a run shares (ClientContext),
// and the JSON body sent for a spec.
import type { Dispatcher } from 'undici'
import type { ApiKind, Prompt, RequestRecord, Timeouts } from '../types.js'

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
  // Prompt sources (issue 16); absent for the built-in prompt sets.
  /** The chat messages to send instead of one user message of prompt.text. */
  messages?: { role: string; content: string }[]
  /** Sent as min_tokens (vLLM, SGLang) so the answer is not shorter than asked. */
  minTokens?: number
  /** Return the answer text with the record (AnsweredRecord): a session's next turn needs it. */
  keepAnswer?: boolean
  /** Fields the record carries as they are (requested lengths, session and turn, prefix group). */
  recordFields?: SourceRecordFields
}

/** The prompt-source fields of a RequestRecord, known before the request is sent. */
export type SourceRecordFields = Pick<
  RequestRecord,
  | 'requested_input_tokens'
  | 'requested_output_tokens'
  | 'exact_output'
  | 'session_id'
  | 'turn'
  | 'session_turns'
  | 'prefix_group'
>

/**
 * What the client hands back for a spec with keepAnswer: the record plus the answer's text
 * (content only, no reasoning). The executor takes answerText off before the record is
 * written: the raw file keeps no answers.
 */
export type AnsweredRecord = RequestRecord & { answerText?: string }

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
  /**
   * Counts generated text when the stream carries no usage. null: no text is kept (a run
   * sets it so where the probe saw the server send usage: run-benchmark.ts).
   */
  countTokens: ((text: string) => number) | null
  /** Aborting it ends every in-flight request as outcome 'aborted'. */
  signal: AbortSignal
}

/** The JSON body of a streamed chat or legacy completions request. */
export function buildRequestBody(spec: RequestSpec): string {
  const body: Record<string, unknown> = { model: spec.model }
  const messages = spec.messages
  if (spec.api === 'chat') body.messages = messages ?? [{ role: 'user', content: spec.prompt.text }]
  else body.prompt = messages === undefined ? spec.prompt.text : messages.map((m) => m.content).join('\n')
  body.max_tokens = spec.maxTokens
  body.temperature = spec.temperature
  body.stream = true
  if (spec.includeUsage) body.stream_options = { include_usage: true }
  if (spec.ignoreEos) body.ignore_eos = true
  if (spec.minTokens !== undefined) body.min_tokens = spec.minTokens
  return JSON.stringify(body)
}
