// What a prompt source hands the executor for each request, and what it needs back.
//
// A source is pulled, in order: next() for every arrival of the schedule (a new session's
// first turn, for multi-turn sources), followUp() when a request of a session ends. Every
// choice is drawn from the source's own seeded generator in pull order, so one seed gives
// the same requests on every run (multi-turn histories carry the server's answers, which
// only the server decides).

export type ChatRole = 'system' | 'user' | 'assistant'

export interface ChatMessage {
  role: ChatRole
  content: string
}

export interface SessionTurn {
  /** 0 for the run's first session, in the order sessions were started. */
  sessionId: number
  /** 1 for the first request of the session. */
  turn: number
  /** Turns this session will have if none fails. */
  turns: number
}

export interface RequestSpec {
  /** The chat body's messages (completions APIs join their contents with "\n"). */
  messages: ChatMessage[]
  /** max_tokens for this request; absent → the workload's max_tokens. */
  maxTokens?: number
  /**
   * Ask for exactly maxTokens output tokens: send `ignore_eos: true` and
   * `min_tokens: maxTokens` where the capability probe found them supported.
   */
  exactOutput: boolean
  /** Tokens the source aimed the prompt's contents at (its tokenizer, no chat template). */
  requestedInputTokens?: number
  /** Output tokens asked for (trace, token-length and dataset sources that know it). */
  requestedOutputTokens?: number
  /** Multi-turn sources: which session and turn this request is. */
  session?: SessionTurn
  /** Shared-prefix sources: which system prompt (0-based group) leads the messages. */
  prefixGroup?: number
  /** Trace replay: when the trace wants it sent, ms from the start of the replay. */
  scheduledAtMs?: number
}

/** What the executor tells a multi-turn source about a finished request. */
export type TurnResult = { ok: true; answerText: string } | { ok: false }

export interface FollowUp {
  spec: RequestSpec
  /** Wait this long after the previous answer ended before sending (think time). */
  delayMs: number
}

export interface SourceCounts {
  /** Dataset entries dropped by onBadPrompt: 'skip' (with their file:line in skippedLines). */
  skippedEntries: number
  skippedLines: string[]
  /** Dataset entries outside the length filter. */
  filteredEntries: number
  sessionsStarted: number
  sessionsCompleted: number
  /** Sessions ended early because one of their turns failed (each counted once). */
  sessionsFailed: number
}

export interface PromptSource {
  /** One line for the plan and the report, e.g. "exact lengths 1024 in / 128 out (o200k_base, approximate)". */
  readonly label: string
  /** Requests to send and finish before the measurement window (prefix priming); [] if none. */
  priming(): RequestSpec[]
  /** The next request of the schedule; null when the source is exhausted (trace replay). */
  next(): RequestSpec | null
  /** A session's next turn after `spec` ended with `result`, or null when the session is over. */
  followUp(spec: RequestSpec, result: TurnResult): FollowUp | null
  counts(): SourceCounts
}

export function emptyCounts(): SourceCounts {
  return {
    skippedEntries: 0,
    skippedLines: [],
    filteredEntries: 0,
    sessionsStarted: 0,
    sessionsCompleted: 0,
    sessionsFailed: 0,
  }
}
