// One request as the raw JSONL wire format (snake_case, units in the name): the same
// type describes the in-memory record and the file line.
import type { Outcome, Prompt, TimeoutKind, TokensSource } from '../types.js'

/**
 * One request, as written to results/raw/*.jsonl. The first nine fields are the original
 * tool's documented format (seconds, epoch seconds); the rest carry their unit in the name.
 * Times `*_at_ms` are performance.now() offsets from the run start.
 */
export interface RequestRecord {
  timestamp: number
  model: string
  prompt: string
  ttft: number | null
  total_time: number | null
  input_tokens: number | null
  output_tokens: number
  tokens_per_sec: number | null
  success: boolean

  request_id: number
  outcome: Outcome
  http_status: number | null
  /** Short, secret-free description of what went wrong. */
  error: string | null
  /** Stable code of the cause (ECONNREFUSED, HTTP_429, TIMEOUT_FIRST_BYTE, …); null when ok (http/error-code.ts). */
  error_code: string | null
  timeout_kind: TimeoutKind | null
  scheduled_at_ms: number | null
  sent_at_ms: number
  ended_at_ms: number
  /** sent − scheduled: slot_wait_ms + schedule_lag_ms + dispatch (the total delay after the schedule). */
  queue_ms: number | null
  /**
   * Time the request waited for a concurrency slot (0 when one was free). Absent in files
   * written before the split (issue 12), whose queue_ms stands for it.
   */
  slot_wait_ms?: number | null
  /** The client's own lateness: how late the executor reached the request's scheduled time. */
  schedule_lag_ms?: number | null
  ttfb_ms: number | null
  ttft_ms: number | null
  ttfo_ms: number | null
  e2e_ms: number | null
  tpot_ms: number | null
  /** scheduled → end; the latency a user of an open-loop service saw. */
  latency_from_schedule_ms: number | null
  /** Gaps between token-bearing chunks, divided over the tokens each carried. */
  itl_ms: number[]
  tokens_source: TokensSource
  reasoning_tokens: number | null
  finish_reason: string | null
  /** Retries of a reused connection that closed before the first byte. */
  retries: number
  retry_after_s: number | null
  litellm_model_id: string | null
  litellm_overhead_ms: number | null
  // Prompt-source fields (issue 16), present only on requests of a source that knows them.
  /** Tokens the prompt source aimed the message contents at (no chat template). */
  requested_input_tokens?: number
  /** Output tokens asked for with max_tokens (+ ignore_eos / min_tokens, see exact_output). */
  requested_output_tokens?: number
  /** How exactly requested_output_tokens was asked for: the parameters sent besides max_tokens. */
  exact_output?: 'ignore_eos' | 'min_tokens' | 'ignore_eos+min_tokens' | 'max_tokens_only'
  /** With exact_output: whether the answer had exactly requested_output_tokens (null when the request failed). */
  requested_output_met?: boolean | null
  /** Multi-turn sessions: the session (in start order, from 0) and the turn (from 1). */
  session_id?: number
  turn?: number
  /** Turns the session has when none fails. */
  session_turns?: number
  /** Shared-prefix sources: which system prompt (0-based group) led the messages. */
  prefix_group?: number
}

/** Exact distribution of one metric (numpy linear percentiles). */
