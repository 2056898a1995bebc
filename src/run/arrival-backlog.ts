// Bounded memory for an open loop offered more than its concurrency cap (issue 12 item 11).
//
// Each arrival that finds every slot busy waits in the slot queue as a pending promise. A
// plan far above what the cap can serve (`--rps 1e9`) once created one such promise per
// arrival and ran out of heap. Now at most MAX_WAITING_ARRIVALS wait as promises; past that
// the executor itself waits for room and leaves later arrivals unpulled in the lazy
// schedule. An arrival that came due while the executor was blocked so was, in truth,
// waiting for a slot: the blocked intervals are remembered (a few, merged) so its record
// counts that time as slot_wait_ms, not as the client's schedule lag. When the run ends
// while the executor is blocked, every arrival already due is written straight through as
// not_sent, one record at a time, with nothing kept per arrival.
import { performance } from 'node:perf_hooks'
import { setImmediate as yieldToIo } from 'node:timers/promises'
import type { RunState } from './run-state.js'
import { unsentRecord } from './unsent-record.js'

/** Arrivals allowed to wait for a slot as promises (~0.5 KB each: ≈ 5 MB at most). */
export const MAX_WAITING_ARRIVALS = 10_000

/** Blocked intervals closer than this are merged; the gap (µs in practice) counts as blocked. */
const MERGE_GAP_MS = 1
/** Intervals kept at most; past it the two oldest merge, so memory stays fixed. */
const MAX_INTERVALS = 256
/** Unsent records written between two yields to I/O while draining (in-flight replies keep flowing). */
const DRAIN_BATCH = 1024

/** Time the executor spent blocked on a full slot queue, queried for each arrival's window. */
export interface BlockedTime {
  add(startMs: number, endMs: number): void
  /** Blocked time inside [fromMs, toMs]. `fromMs` must not decrease between calls. */
  within(fromMs: number, toMs: number): number
}

export function createBlockedTime(): BlockedTime {
  const starts: number[] = []
  const ends: number[] = []
  return {
    add(startMs, endMs) {
      const last = ends.length - 1
      if (last >= 0 && startMs - (ends[last] as number) < MERGE_GAP_MS) {
        ends[last] = endMs
        return
      }
      starts.push(startMs)
      ends.push(endMs)
      if (starts.length > MAX_INTERVALS) {
        starts.splice(1, 1)
        ends.splice(0, 1)
      }
    },
    within(fromMs, toMs) {
      // Intervals that ended before this arrival was due can matter to no later arrival.
      while (ends.length > 0 && (ends[0] as number) <= fromMs) {
        starts.shift()
        ends.shift()
      }
      let totalMs = 0
      for (let i = 0; i < starts.length; i++) {
        const overlapMs = Math.min(toMs, ends[i] as number) - Math.max(fromMs, starts[i] as number)
        if (overlapMs > 0) totalMs += overlapMs
      }
      return totalMs
    },
  }
}

/** How late an arrival was reached, split into slot wait (executor blocked) and the client's own lag. */
export function splitLateness(blocked: BlockedTime, deadlineMs: number, reachedMs: number) {
  const slotWaitMs = blocked.within(deadlineMs, reachedMs)
  return { slotWaitMs, scheduleLagMs: Math.max(0, reachedMs - deadlineMs - slotWaitMs) }
}

/**
 * Writes the arrivals left in the schedule as not_sent (they waited for a slot that did not
 * come before the run ended); returns the next request id. At the end of the duration that
 * is all of them (the schedule stops at the duration; a timer may fire a little early).
 * After an interrupt only those already due: later ones were never part of the load.
 */
export async function recordLeftArrivalsUnsent(
  state: RunState,
  arrivals: Iterator<number>,
  firstRequestId: number,
  blocked: BlockedTime,
): Promise<number> {
  const stopAtMs = performance.now()
  const dueByMs = state.isStopped() ? stopAtMs : Number.POSITIVE_INFINITY
  let requestId = firstRequestId
  for (let next = arrivals.next(); next.done !== true; next = arrivals.next()) {
    const deadlineMs = state.runStartMs + next.value
    if (deadlineMs > dueByMs) break
    const endedAtMs = Math.max(stopAtMs, deadlineMs) - state.runStartMs
    const spec = state.specFor(requestId, next.value)
    // A prompt source may have nothing left to send for this arrival.
    if (spec === null) {
      requestId++
      continue
    }
    state.finish(
      unsentRecord({
        requestId: requestId++,
        model: spec.model,
        prompt: spec.prompt.text,
        scheduledAtMs: next.value,
        endedAtMs,
        runStartEpochMs: state.ctx.runStartEpochMs,
        reason: 'Not sent: no concurrency slot was free before the run ended',
        ...splitLateness(blocked, deadlineMs, stopAtMs),
      }),
    )
    if ((requestId - firstRequestId) % DRAIN_BATCH === 0) await yieldToIo()
  }
  return requestId
}
