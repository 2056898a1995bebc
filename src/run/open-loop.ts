// The open-loop executor: requests leave at the arrival schedule's absolute deadlines,
// whatever the server's pace; the concurrency cap makes late ones wait (queue_ms).
import { performance } from 'node:perf_hooks'
import { setImmediate as yieldToIo } from 'node:timers/promises'
import type { RequestSpec } from '../client/send-request.js'
import { seededRandom } from '../seeded-random.js'
import { planArrivals } from '../workload/arrivals.js'
import type { NextTurn, RunState } from './run-state.js'
import { unsentRecord } from './unsent-record.js'

/** How the schedule ended: its count bound reached (the run then waits for the last request), or spent. */
export type OpenLoopEnd = 'count_bound' | 'schedule_spent' | 'stopped'

export async function runOpenLoop(state: RunState, ratePerSec: number): Promise<OpenLoopEnd> {
  const { plan, runStartMs, durationMs } = state
  const { workload } = plan
  // A trace's own send times (issue 16) replace the rps schedule.
  const fromTrace = state.sourceArrivalsMs
  const arrivals =
    fromTrace ??
    planArrivals(
      {
        kind: workload.arrival,
        ratePerSec,
        ...(durationMs === null ? {} : { durationMs }),
        ...(workload.requests === undefined ? {} : { maxRequests: workload.requests }),
      },
      seededRandom(plan.seed),
    )
  let requestId = 0
  for (const atMs of arrivals) {
    // Sleep to the absolute deadline (never a relative gap, so lateness does not add
    // up): a timer for all but the last millisecond, then yield to I/O until due.
    const deadline = runStartMs + atMs
    const waitMs = deadline - performance.now()
    if (waitMs > 2) await state.sleepUnlessStopped(waitMs - 1)
    while (!state.isStopped() && performance.now() < deadline) await yieldToIo()
    if (state.isStopped()) return 'stopped'
    state.scheduleLag.add(performance.now() - deadline)
    state.track(arrive(state, requestId++, atMs))
  }
  // A replayed trace is spent like a count bound: the run waits for its last request.
  if (requestId === workload.requests || (fromTrace !== null && requestId === fromTrace.length))
    return 'count_bound'
  if (durationMs !== null) await state.sleepUnlessStopped(runStartMs + durationMs - performance.now())
  return 'schedule_spent'
}

/**
 * One scheduled arrival: wait for a slot, send, record. A multi-turn session's later turn
 * (issue 16) comes back here as `turn`, a think time after the previous answer.
 */
async function arrive(
  state: RunState,
  requestId: number,
  scheduledAtMs: number,
  turn?: RequestSpec,
): Promise<void> {
  const spec = turn ?? state.specFor(requestId, scheduledAtMs)
  if (spec === null) return
  const granted = await state.slots.acquire()
  if (!granted) {
    state.finish(
      unsentRecord({
        requestId: spec.requestId,
        model: spec.model,
        prompt: spec.prompt.text,
        scheduledAtMs: spec.scheduledAtMs,
        endedAtMs: performance.now() - state.runStartMs,
        runStartEpochMs: state.ctx.runStartEpochMs,
        reason: 'Not sent: no concurrency slot was free before the run ended',
        ...(spec.recordFields === undefined ? {} : { sourceFields: spec.recordFields }),
      }),
    )
    return
  }
  let next: NextTurn | null
  try {
    state.counts.sent++
    next = state.settle(spec, await state.send(spec, state.ctx))
  } finally {
    state.slots.release()
  }
  const following = next === null ? null : await state.nextTurn(next, true)
  if (following !== null) await arrive(state, following.requestId, following.scheduledAtMs ?? 0, following)
}
