// Figures a summary carries beside its distributions: a merged run's shards (issue 17)
// and what a prompt source's records add up to (issue 16).
import type { Distribution, Prompt } from '../types.js'

/** What a merged run's meta says of its shards, for the reports. */
export interface RunShards {
  /** Shards in the plan (N). */
  count: number
  /** Indexes of shards the merge found no files for. */
  missing: number[]
  shards: Array<{ index: number; hostname: string; records: number; skewMs: number; complete: boolean }>
  warnings: string[]
}

/** What the prompt-source fields of a run's records add up to (issue 16). */
export interface SourceStats {
  /**
   * Successful requests whose server usage.prompt_tokens can be compared with
   * requested_input_tokens: the difference (server − requested) is the chat template's
   * overhead when the prompts were measured with the model's own tokenizer.
   */
  promptTokensVsRequested: {
    count: number
    exact: number
    meanDiff: number
    minDiff: number
    maxDiff: number
  } | null
  /** Successful requests that asked for an exact output length, and how many got exactly that many. */
  outputTokensVsRequested: { count: number; met: number } | null
  /** TTFT of successful requests by turn number (multi-turn sessions). */
  ttftByTurn: { turn: number; ttftMs: Distribution }[]
  /**
   * Sessions seen in the records: completed (every turn ok), failed (a turn failed, counted
   * once: the failure ends the session) and cut (by the end of the run, an abort or never sent).
   */
  sessions: { started: number; completed: number; failed: number; cut: number } | null
  /** Prompt tokens the server found in its prefix cache over the load, from its /metrics counters. */
  prefixCache?: { url: string; queriedTokens: number; hitTokens: number; hitRate: number | null }
  /** Said after the run, e.g. a "random" prefix run that shows prefix-cache hits. */
  warnings?: string[]
  /** The source, as the plan line names it. */
  label?: string
}
