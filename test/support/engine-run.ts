// A benchmark run without real time: the simulator's engine on a virtual clock, fed an open
// loop of seeded Poisson arrivals with seeded answer lengths, turned into RequestRecords as
// the client would build them (sent → first token = TTFT, TPOT over the rest). Two seeds give
// two runs of the same settings that differ only by chance: an A/A pair in milliseconds.

import { deriveSeed, seededRandom } from '../../src/seeded-random.js'
import { createEngine, type EngineClock, type EngineTiming } from '../../src/sim/engine.js'
import type { RequestRecord } from '../../src/types.js'
import { sloRecord } from './slo-record.js'

export interface EngineRunSpec {
  timing: EngineTiming
  ratePerSec: number
  /** Evenly spaced arrivals (Run Bench's default) or a Poisson process. */
  arrival: 'constant' | 'poisson'
  requests: number
  promptTokens: number
  /** Answer lengths are drawn uniformly from this inclusive range. */
  minOutputTokens: number
  maxOutputTokens: number
  seed: number
}

export function engineRun(spec: EngineRunSpec): RequestRecord[] {
  let now = 0
  let timer: { atMs: number; callback: () => void } | null = null
  const clock: EngineClock = {
    nowMs: () => now,
    setTimer(callback, delayMs) {
      timer = { atMs: now + delayMs, callback }
      return timer
    },
    clearTimer() {
      timer = null
    },
  }
  const engine = createEngine(spec.timing, clock)
  // Separate streams for arrivals and answer lengths, each from a well-mixed seed.
  const arrivalRandom = seededRandom(deriveSeed(spec.seed, 1))
  const lengthRandom = seededRandom(deriveSeed(spec.seed, 2))
  const records: RequestRecord[] = []
  let nextArrivalMs = 0
  let arrived = 0
  const send = (index: number) => {
    const sentMs = now
    const outputTokens =
      spec.minOutputTokens + Math.floor(lengthRandom() * (spec.maxOutputTokens - spec.minOutputTokens + 1))
    let firstMs = 0
    engine.submit({
      promptTokens: spec.promptTokens,
      outputTokens,
      onToken(token) {
        if (token === 0) firstMs = now
      },
      onFinish() {
        const e2eMs = now - sentMs
        const ttftMs = firstMs - sentMs
        records.push(
          sloRecord({
            request_id: index,
            timestamp: sentMs / 1000,
            ttft: ttftMs / 1000,
            total_time: e2eMs / 1000,
            output_tokens: outputTokens,
            tokens_per_sec: outputTokens / (e2eMs / 1000),
            scheduled_at_ms: sentMs,
            sent_at_ms: sentMs,
            ended_at_ms: now,
            ttfb_ms: ttftMs,
            ttft_ms: ttftMs,
            ttfo_ms: ttftMs,
            e2e_ms: e2eMs,
            tpot_ms: outputTokens > 1 ? (e2eMs - ttftMs) / (outputTokens - 1) : null,
            latency_from_schedule_ms: e2eMs,
          }),
        )
      },
    })
  }
  for (;;) {
    const pending = timer as { atMs: number; callback: () => void } | null
    const arrivalDue = arrived < spec.requests
    if (!arrivalDue && pending === null) break
    if (arrivalDue && (pending === null || nextArrivalMs <= pending.atMs)) {
      now = nextArrivalMs
      send(arrived)
      arrived += 1
      const gapSec =
        spec.arrival === 'poisson' ? -Math.log(1 - arrivalRandom()) / spec.ratePerSec : 1 / spec.ratePerSec
      nextArrivalMs += gapSec * 1000
    } else if (pending !== null) {
      timer = null
      now = pending.atMs
      pending.callback()
    }
  }
  engine.stop()
  return records.sort((left, right) => left.sent_at_ms - right.sent_at_ms)
}
