// What the prompt-source fields of a run's records add up to (issue 16): how far the server's
// usage.prompt_tokens was from the requested input length, how often the requested output
// length was met, TTFT by turn number (whether the prefix cache carries a chat's history),
// and how sessions ended. Streams like the summary accumulator; keeps no record.
import { FAILURE_OUTCOMES, type RequestRecord, type SourceStats } from '../types.js'
import { distribution } from './distribution.js'
import { FloatColumn } from './float-column.js'

export interface SourceStatsAccumulator {
  add(record: RequestRecord): void
  /** `{ sources }` when any record carried source fields, else {} (old and plain runs unchanged). */
  finish(): { sources?: SourceStats }
}

interface SessionTally {
  completed: boolean
  failed: boolean
}

export function createSourceStats(): SourceStatsAccumulator {
  let seen = false
  const prompt = { count: 0, exact: 0, sumDiff: 0, minDiff: Number.POSITIVE_INFINITY, maxDiff: -Infinity }
  const output = { count: 0, met: 0 }
  const ttftByTurn = new Map<number, FloatColumn>()
  const sessions = new Map<number, SessionTally>()

  function add(record: RequestRecord): void {
    const { requested_input_tokens: requestedInput, session_id: sessionId, turn } = record
    if (requestedInput === undefined && record.requested_output_tokens === undefined && turn === undefined)
      return
    seen = true
    if (sessionId !== undefined) {
      let session = sessions.get(sessionId)
      if (session === undefined) {
        session = { completed: false, failed: false }
        sessions.set(sessionId, session)
      }
      // A failed turn ends its session: it is counted once, whatever came before.
      if (FAILURE_OUTCOMES.includes(record.outcome)) session.failed = true
      else if (record.success && turn !== undefined && turn === record.session_turns) session.completed = true
    }
    if (!record.success) return
    if (requestedInput !== undefined && record.input_tokens !== null) {
      const diff = record.input_tokens - requestedInput
      prompt.count++
      if (diff === 0) prompt.exact++
      prompt.sumDiff += diff
      prompt.minDiff = Math.min(prompt.minDiff, diff)
      prompt.maxDiff = Math.max(prompt.maxDiff, diff)
    }
    // Only requests that asked for an exact length (a dataset's reference length is a cap).
    if (record.requested_output_met !== undefined) {
      output.count++
      if (record.requested_output_met === true) output.met++
    }
    if (turn !== undefined && record.ttft_ms !== null) {
      let column = ttftByTurn.get(turn)
      if (column === undefined) {
        column = new FloatColumn()
        ttftByTurn.set(turn, column)
      }
      column.push(record.ttft_ms)
    }
  }

  function finish(): { sources?: SourceStats } {
    if (!seen) return {}
    let completed = 0
    let failed = 0
    for (const session of sessions.values()) {
      if (session.failed) failed++
      else if (session.completed) completed++
    }
    return {
      sources: {
        promptTokensVsRequested:
          prompt.count === 0
            ? null
            : {
                count: prompt.count,
                exact: prompt.exact,
                meanDiff: prompt.sumDiff / prompt.count,
                minDiff: prompt.minDiff,
                maxDiff: prompt.maxDiff,
              },
        outputTokensVsRequested: output.count === 0 ? null : { ...output },
        ttftByTurn: [...ttftByTurn.entries()]
          .sort(([a], [b]) => a - b)
          .flatMap(([turnNumber, column]) => {
            const ttftMs = distribution(column.view())
            return ttftMs === null ? [] : [{ turn: turnNumber, ttftMs }]
          }),
        sessions:
          sessions.size === 0
            ? null
            : { started: sessions.size, completed, failed, cut: sessions.size - completed - failed },
      },
    }
  }

  return { add, finish }
}
