// Multi-turn chat sessions, as a chat product sends them: a session's next request carries
// the whole history plus the model's previous answer, sent a think time after that answer
// ended. The arrival schedule counts SESSIONS: each arrival starts a session (turn 1) and
// its later turns follow their own answers, so `rps` is a session start rate and the
// request rate is up to rps × turns. A failed turn ends its session (counted once in
// sessionsFailed); the other sessions go on.
import { type ChatMessage, emptyCounts, type PromptSource, type RequestSpec } from './prompt-source.js'

export interface SessionOptions {
  /** Turns per session (a dataset conversation with fewer user turns has fewer). */
  turns: number
  /** Pause between an answer's end and the next turn's send. */
  thinkTimeMs: number
}

export interface ScriptTurn {
  content: string
  /** Tokens of this turn's new user text (the history is not counted). */
  newInputTokens?: number
  maxTokens?: number
  exactOutput: boolean
}

/** One session's user side, fixed before it starts; the assistant side comes from the server. */
export interface SessionScript {
  system?: ChatMessage
  prefixGroup?: number
  userTurns: ScriptTurn[]
  /** Tokens of the system prompt, counted into turn 1's requestedInputTokens. */
  systemTokens?: number
}

interface OpenSession {
  script: SessionScript
  turns: number
  history: ChatMessage[]
}

export interface SessionSourceParts {
  label: string
  /** The next session's script, or null when no more sessions can start. */
  nextScript(): SessionScript | null
  priming?: () => RequestSpec[]
  /** Counts owned by the script's origin (a dataset's skipped and filtered entries). */
  originCounts?: () => { skippedEntries: number; skippedLines: string[]; filteredEntries: number }
}

export function createSessionSource(options: SessionOptions, parts: SessionSourceParts): PromptSource {
  const open = new Map<number, OpenSession>()
  const counts = emptyCounts()
  let nextSessionId = 0

  function specFor(sessionId: number, session: OpenSession, turn: number): RequestSpec {
    const scripted = session.script.userTurns[turn - 1] as ScriptTurn
    const spec: RequestSpec = {
      messages: [...session.history],
      exactOutput: scripted.exactOutput,
      session: { sessionId, turn, turns: session.turns },
    }
    if (scripted.maxTokens !== undefined) {
      spec.maxTokens = scripted.maxTokens
      spec.requestedOutputTokens = scripted.maxTokens
    }
    // Only turn 1's prompt is all known text; later prompts hold server answers.
    if (turn === 1 && scripted.newInputTokens !== undefined) {
      spec.requestedInputTokens = (session.script.systemTokens ?? 0) + scripted.newInputTokens
    }
    if (session.script.prefixGroup !== undefined) spec.prefixGroup = session.script.prefixGroup
    return spec
  }

  return {
    label: `${parts.label}, sessions of ${options.turns} turns, think time ${options.thinkTimeMs} ms`,
    priming: () => parts.priming?.() ?? [],
    next() {
      const script = parts.nextScript()
      if (script === null || script.userTurns.length === 0) return null
      const sessionId = nextSessionId++
      const first = script.userTurns[0] as ScriptTurn
      const history: ChatMessage[] = script.system === undefined ? [] : [script.system]
      history.push({ role: 'user', content: first.content })
      const session = { script, turns: Math.min(options.turns, script.userTurns.length), history }
      open.set(sessionId, session)
      counts.sessionsStarted += 1
      return specFor(sessionId, session, 1)
    },
    followUp(spec, result) {
      const turn = spec.session
      const session = turn === undefined ? undefined : open.get(turn.sessionId)
      if (turn === undefined || session === undefined) return null
      if (!result.ok) {
        open.delete(turn.sessionId)
        counts.sessionsFailed += 1
        return null
      }
      if (turn.turn >= session.turns) {
        open.delete(turn.sessionId)
        counts.sessionsCompleted += 1
        return null
      }
      const nextTurn = session.script.userTurns[turn.turn] as ScriptTurn
      session.history.push({ role: 'assistant', content: result.answerText })
      session.history.push({ role: 'user', content: nextTurn.content })
      return { spec: specFor(turn.sessionId, session, turn.turn + 1), delayMs: options.thinkTimeMs }
    },
    counts: () => ({ ...counts, ...(parts.originCounts?.() ?? {}) }),
  }
}
