// The open-loop executor: requests leave at the arrival schedule's absolute deadlines,
// whatever the server's pace; the concurrency cap makes late ones wait (queue_ms).
import { performance } from 'node:perf_hooks'
import { setImmediate as yieldToIo } from 'node:timers/promises'
import { seededRandom } from '../seeded-random.js'
import { planArrivals } from '../workload/arrivals.js'
import { shardClockShiftMs, sliceSchedule } from '../workload/shard.js'
import type { RunState } from './run-state.js'
import { unsentRecord } from './unsent-record.js'

/** How the schedule ended: its count bound reached (the run then waits for the last request), or spent. */
export type OpenLoopEnd = 'count_bound' | 'schedule_spent' | 'stopped'

export async function runOpenLoop(state: RunState, ratePerSec: number): Promise<OpenLoopEnd> {
  const { plan, runStartMs, durationMs } = state
  const { workload } = plan
  const arrivals = planArrivals(
    {
      kind: workload.arrival,
      ratePerSec,
      ...(durationMs === null ? {} : { durationMs }),
      ...(workload.requests === undefined ? {} : { maxRequests: workload.requests }),
    },
    seededRandom(plan.seed),
  )
  // A shard sends only its slice of the one global schedule (request ids stay global k),
  // at the global deadlines counted from the shared start (issue 17).
  const schedule = sliceSchedule(arrivals, plan.shard)
  const shiftMs = shardClockShiftMs(plan.shard, state.ctx.runStartEpochMs)
  for (const { globalIndex: requestId, scheduledAtMs } of schedule.arrivals) {
    const atMs = scheduledAtMs - shiftMs
    // Sleep to the absolute deadline (never a relative gap, so lateness does not add
    // up): a timer for all but the last millisecond, then yield to I/O until due.
    const deadline = runStartMs + atMs
    const waitMs = deadline - performance.now()
    if (waitMs > 2) await state.sleepUnlessStopped(waitMs - 1)
    while (!state.isStopped() && performance.now() < deadline) await yieldToIo()
    if (state.isStopped()) return 'stopped'
    state.scheduleLag.add(performance.now() - deadline)
    state.track(arrive(state, requestId, atMs))
  }
  if (schedule.walked() === workload.requests) return 'count_bound'
  if (durationMs !== null)
    await state.sleepUnlessStopped(runStartMs - shiftMs + durationMs - performance.now())
  return 'schedule_spent'
}

/** One scheduled arrival: wait for a slot, send, record. */
async function arrive(state: RunState, requestId: number, scheduledAtMs: number): Promise<void> {
  const spec = state.specFor(requestId, scheduledAtMs)
  const granted = await state.slots.acquire()
  if (!granted) {
    state.finish(
      unsentRecord({
        requestId,
        model: spec.model,
        prompt: spec.prompt.text,
        scheduledAtMs,
        endedAtMs: performance.now() - state.runStartMs,
        runStartEpochMs: state.ctx.runStartEpochMs,
        reason: 'Not sent: no concurrency slot was free before the run ended',
      }),
    )
    return
  }
  try {
    state.counts.sent++
    state.finish(await state.send(spec, state.ctx))
  } finally {
    state.slots.release()
  }
}
