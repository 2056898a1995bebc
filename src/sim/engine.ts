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

export interface EngineTiming {
  maxBatchSize: number
  prefillBaseMs: number
  prefillPerTokenMs: number
  decodeBaseMs: number
  decodePerSeqMs: number
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
  /** Tokens to generate; the sequence leaves the batch after the last one. */
  outputTokens: number
  /** Called once per generated token, index 0 first. The callback may cancel the sequence. */
  onToken(index: number): void
  /** Called after the last token's onToken, unless the sequence was cancelled. */
  onFinish(): void
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
  /** Σ over finished steps of (sequences in the batch × step time), on planned step times. */
  sequenceMs(): number
  /** Drops every sequence and the pending timer; the engine accepts nothing afterwards. */
  stop(): void
}

interface Sequence {
  spec: SequenceSpec
  generated: number
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
  let sequenceMs = 0
  let stepStartMs = 0

  function startStep(startMs: number): void {
    let prefillMs = 0
    while (running.size < timing.maxBatchSize && waiting.length > 0) {
      const sequence = waiting.shift() as Sequence
      running.add(sequence)
      prefillMs += timing.prefillBaseMs + timing.prefillPerTokenMs * sequence.spec.promptTokens
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
    sequenceMs += running.size * (endMs - stepStartMs)
    for (const sequence of running) {
      const index = sequence.generated
      sequence.generated += 1
      sequence.spec.onToken(index)
      if (!running.has(sequence)) continue // cancelled by its own callback
      if (sequence.generated >= sequence.spec.outputTokens) {
        running.delete(sequence)
        completed += 1
        sequence.spec.onFinish()
      }
    }
    if (!stopped) startStep(endMs)
  }

  return {
    submit(spec) {
      if (stopped) throw new Error('Simulator engine is stopped')
      const sequence: Sequence = { spec, generated: 0 }
      waiting.push(sequence)
      if (plannedEndMs === null) startStep(clock.nowMs())
      return () => {
        running.delete(sequence)
        const at = waiting.indexOf(sequence)
        if (at >= 0) waiting.splice(at, 1)
      }
    },
    stats: () => ({ running: running.size, waiting: waiting.length, completed, maxRunningSeen, steps }),
    sequenceMs: () => sequenceMs,
    stop() {
      stopped = true
      if (timer !== null) clock.clearTimer(timer)
      timer = null
      plannedEndMs = null
      running.clear()
      waiting.length = 0
    },
  }
}
