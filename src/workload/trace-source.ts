// Trace replay: the trace's arrival times become the open-loop schedule and its lengths
// become exact-length prompts. A window cuts a part of the trace (in trace time), and
// timeScale stretches or compresses it: a request at trace offset t (inside the window that
// starts at startMs) is scheduled at (t − startMs) × timeScale, so 0.5 replays twice as fast.

import { seededRandom } from '../seeded-random.js'
import type { ExactPromptGenerator } from './exact-token-prompt.js'
import { emptyCounts, type PromptSource, type RequestSpec } from './prompt-source.js'
import type { TraceRow } from './trace-file.js'

export interface TraceWindow {
  /** Multiplies every trace gap; 1 = as recorded, 0.5 = twice as fast. */
  timeScale: number
  /** Trace offset where the replay starts (ms); default 0. */
  startMs?: number
  /** Trace time replayed from startMs (ms); default: to the end. */
  durationMs?: number
}

export interface TraceArrival {
  /** When to send, ms from the start of the replay (already scaled). */
  scheduledAtMs: number
  inputTokens: number
  outputTokens: number
  /** The trace line it came from. */
  line: number
}

export function planTraceReplay(rows: readonly TraceRow[], window: TraceWindow): TraceArrival[] {
  const startMs = window.startMs ?? 0
  const endMs = window.durationMs === undefined ? Number.POSITIVE_INFINITY : startMs + window.durationMs
  return rows
    .filter((row) => row.offsetMs >= startMs && row.offsetMs < endMs)
    .map((row) => ({
      scheduledAtMs: (row.offsetMs - startMs) * window.timeScale,
      inputTokens: row.inputTokens,
      outputTokens: row.outputTokens,
      line: row.line,
    }))
}

/** Yields one exact-length request per arrival, in trace order, then null. */
export function createTraceSource(
  arrivals: readonly TraceArrival[],
  generator: ExactPromptGenerator,
  options: { name: string; seed: number },
): PromptSource {
  const random = seededRandom(options.seed)
  let index = 0
  return {
    label: `trace ${options.name} (${arrivals.length} requests, ${generator.tokenizerLabel})`,
    priming: () => [],
    next() {
      const arrival = arrivals[index]
      if (arrival === undefined) return null
      index += 1
      const spec: RequestSpec = {
        messages: [{ role: 'user', content: generator.generate(arrival.inputTokens, random) }],
        maxTokens: arrival.outputTokens,
        exactOutput: true,
        requestedInputTokens: arrival.inputTokens,
        requestedOutputTokens: arrival.outputTokens,
        scheduledAtMs: arrival.scheduledAtMs,
      }
      return spec
    },
    followUp: () => null,
    counts: emptyCounts,
  }
}
