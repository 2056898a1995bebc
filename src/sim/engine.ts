// The simulated inference engine: continuous batching in the style of vLLM's scheduler.
//
// One loop of engine steps. At the start of a step, waiting sequences are admitted FIFO
// while the batch has room; each newcomer's prefill (prefillBaseMs + prefillPerTokenMs ×
// promptTokens) is added to that step, so admitting work slows every running sequence, as
// a mixed prefill/decode step does on a GPU. The step then decodes the whole batch
// (decodeBaseMs + decodePerSeqMs × running) and, when it ends, every running sequence
// (newcomers included) receives one token. A request arriving mid-step waits for the next
// step boundary. Capacity is therefore finite: past it the waiting queue grows, TTFT rises
// and throughput flattens, instead of every request seeing a fixed delay.
//
// Steps are timed toward absolute deadlines: step n+1 starts at step n's PLANNED end, not at
// the moment its timer happened to fire, so timer lateness does not accumulate into drift.
// With nothing to do the engine sleeps (no timer) and the next arrival starts a step at now.
//
// With a prefix cache (prefixCacheTokens > 0), a newcomer's prefill is charged only for the
// prompt tokens after its cached leading blocks (looked up when it is admitted); its blocks
// become cached when the step that prefilled it ends, as KV blocks exist only once computed.

import { createPrefixCache, type PrefixCacheStats } from './prefix-cache.js'

export interface EngineTiming {
  maxBatchSize: number
  prefillBaseMs: number
  prefillPerTokenMs: number
  decodeBaseMs: number
  decodePerSeqMs: number
  /** Token budget of the prefix cache; 0 or absent = no prefix caching. */
  prefixCacheTokens?: number
  /** Tokens per cache block (vLLM's default block size is 16). */
  prefixCacheBlockTokens?: number
}

/** Time source and timers, injectable so tests can run the engine on a virtual clock. */
export interface EngineClock {
  nowMs(): number
  setTimer(callback: () => void, delayMs: number): unknown
  clearTimer(handle: unknown): void
}

export const realClock: EngineClock = {
  nowMs: () => performance.now(),
  setTimer: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

export interface SequenceSpec {
  promptTokens: number
  /** The prompt's text, for the prefix cache; absent → never cached. */
  promptText?: string
  /**
   * The answer generated so far, read once when the sequence finishes: prompt + answer
   * blocks are then cached, as vLLM keeps decoded tokens' KV blocks, so a chat's next turn
   * (history + this answer + a new question) hits its whole history.
   */
  answerText?: () => string
  /** Tokens to generate; the sequence leaves the batch after the last one. */
  outputTokens: number
  /** Called once per generated token, index 0 first. The callback may cancel the sequence. */
  onToken(index: number): void
  /** Called after the last token's onToken, unless the sequence was cancelled. */
  onFinish(): void
  /**
   * Called when the sequence leaves the waiting queue for the batch, with how long it
   * waited: from submit to the planned start of the step that admits it, on the engine's
   * clock (vLLM's request_queue_time_seconds). 0 when it found the engine idle.
   */
  onAdmit?(queuedMs: number): void
}

export interface EngineStats {
  running: number
  waiting: number
  /** Sequences that generated all their tokens. */
  completed: number
  maxRunningSeen: number
  steps: number
}

export interface Engine {
  /** Queues a sequence; returns its cancel function (idempotent, safe inside callbacks). */
  submit(spec: SequenceSpec): () => void
  stats(): EngineStats
  /** The prefix cache's counters, or null when the engine has no prefix cache. */
  prefixCacheStats(): PrefixCacheStats | null
  /** Σ over finished steps of (sequences in the batch × step time), on planned step times. */
  sequenceMs(): number
  /** Drops every sequence and the pending timer; the engine accepts nothing afterwards. */
  stop(): void
}

interface Sequence {
  spec: SequenceSpec
  generated: number
  /** clock.nowMs() at submit. */
  submittedMs: number
}

export function createEngine(timing: EngineTiming, clock: EngineClock = realClock): Engine {
  const waiting: Sequence[] = []
  // A Set keeps admission order and tolerates deletion while it is being iterated, which
  // happens when a token callback cancels its own (or another) sequence.
  const running = new Set<Sequence>()
  let timer: unknown = null
  let plannedEndMs: number | null = null
  let stopped = false
  let completed = 0
  let maxRunningSeen = 0
  let steps = 0
  const blockTokens = timing.prefixCacheBlockTokens ?? 16
  const cache =
    (timing.prefixCacheTokens ?? 0) > 0
      ? createPrefixCache({ capacityTokens: timing.prefixCacheTokens ?? 0, blockTokens })
      : null
  // Prompts prefilled in the running step; cached when it ends.
  let prefilled: string[] = []
  let sequenceMs = 0
  let stepStartMs = 0

  function startStep(startMs: number): void {
    let prefillMs = 0
    while (running.size < timing.maxBatchSize && waiting.length > 0) {
      const sequence = waiting.shift() as Sequence
      running.add(sequence)
      // A step whose timer fired late still starts at its planned time: a sequence that
      // arrived in that slack joined a step already due, so it waited 0.
      sequence.spec.onAdmit?.(Math.max(0, startMs - sequence.submittedMs))
      const { promptText, promptTokens } = sequence.spec
      const cachedTokens = cache !== null && promptText ? cache.lookup(promptText, promptTokens) : 0
      if (cache !== null && promptText) prefilled.push(promptText)
      prefillMs += timing.prefillBaseMs + timing.prefillPerTokenMs * (promptTokens - cachedTokens)
    }
    if (running.size === 0) {
      plannedEndMs = null
      return
    }
    maxRunningSeen = Math.max(maxRunningSeen, running.size)
    const endMs = startMs + prefillMs + timing.decodeBaseMs + timing.decodePerSeqMs * running.size
    plannedEndMs = endMs
    stepStartMs = startMs
    timer = clock.setTimer(() => endStep(endMs), Math.max(0, endMs - clock.nowMs()))
  }

  function endStep(endMs: number): void {
    timer = null
    steps += 1
    for (const text of prefilled) cache?.insert(text)
    prefilled = []
    sequenceMs += running.size * (endMs - stepStartMs)
    for (const sequence of running) {
      const index = sequence.generated
      sequence.generated += 1
      sequence.spec.onToken(index)
      if (!running.has(sequence)) continue // cancelled by its own callback
      if (sequence.generated >= sequence.spec.outputTokens) {
        running.delete(sequence)
        completed += 1
        const { promptText, answerText } = sequence.spec
        if (cache !== null && promptText && answerText) cache.insert(promptText + answerText())
        sequence.spec.onFinish()
      }
    }
    if (!stopped) startStep(endMs)
  }

  return {
    submit(spec) {
      if (stopped) throw new Error('Simulator engine is stopped')
      const sequence: Sequence = { spec, generated: 0, submittedMs: clock.nowMs() }
      waiting.push(sequence)
      if (plannedEndMs === null) startStep(clock.nowMs())
      return () => {
        running.delete(sequence)
        const at = waiting.indexOf(sequence)
        if (at >= 0) waiting.splice(at, 1)
      }
    },
    stats: () => ({ running: running.size, waiting: waiting.length, completed, maxRunningSeen, steps }),
    prefixCacheStats: () => cache?.stats() ?? null,
    sequenceMs: () => sequenceMs,
    stop() {
      stopped = true
      if (timer !== null) clock.clearTimer(timer)
      timer = null
      plannedEndMs = null
      running.clear()
      waiting.length = 0
      prefilled = []
    },
  }
}
