// The open-loop executor: requests leave at the arrival schedule's absolute deadlines,
// whatever the server's pace; the concurrency cap makes late ones wait (slot_wait_ms).
import { performance } from 'node:perf_hooks'
import type { RequestSpec } from '../client/send-request.js'
import { seededRandom } from '../seeded-random.js'
import { planArrivals } from '../workload/arrivals.js'
import { shardClockShiftMs, sliceSchedule } from '../workload/shard.js'
import {
  createBlockedTime,
  MAX_WAITING_ARRIVALS,
  recordLeftArrivalsUnsent,
  splitLateness,
} from './arrival-backlog.js'
import type { NextTurn, RunState } from './run-state.js'
import { unsentRecord } from './unsent-record.js'

const NO_LATENESS = { slotWaitMs: 0, scheduleLagMs: 0 }

/** How the schedule ended: its count bound reached (the run then waits for the last request), or spent. */
export type OpenLoopEnd = 'count_bound' | 'schedule_spent' | 'stopped'

export async function runOpenLoop(state: RunState, ratePerSec: number): Promise<OpenLoopEnd> {
  const { plan, runStartMs, durationMs } = state
  const { workload } = plan
  // A trace's own send times (issue 16) replace the rps schedule.
  const fromTrace = state.sourceArrivalsMs
  const planned: Iterable<number> =
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
  // A shard sends only its slice of the one global schedule (request ids stay global k),
  // at the global deadlines counted from the shared start (issue 17).
  const schedule = sliceSchedule(planned, plan.shard)
  const shiftMs = shardClockShiftMs(plan.shard, state.ctx.runStartEpochMs)
  const slice = schedule.arrivals
  const blocked = createBlockedTime()
  const endMs = durationMs === null ? Number.POSITIVE_INFINITY : runStartMs + durationMs - shiftMs
  for (const { globalIndex: requestId, scheduledAtMs } of slice) {
    const atMs = scheduledAtMs - shiftMs
    // Sleep to the absolute deadline (never a relative gap, so lateness does not add up).
    const deadline = runStartMs + atMs
    await state.sleepUntil(deadline)
    if (state.isStopped()) return 'stopped'
    const reachedAtMs = performance.now()
    const lateness = { ...splitLateness(blocked, deadline, reachedAtMs), reachedAtMs }
    state.scheduleLag.add(lateness.scheduleLagMs)
    state.track(arrive(state, requestId, atMs, lateness))
    // Bounded memory: past this many waiters the executor waits itself (arrival-backlog.ts).
    if (state.slots.waiting() >= MAX_WAITING_ARRIVALS) {
      const blockedAtMs = performance.now()
      const room = await state.waitForRoom(MAX_WAITING_ARRIVALS, endMs)
      blocked.add(blockedAtMs, performance.now())
      if (!room) {
        await recordLeftArrivalsUnsent(state, slice, shiftMs, blocked)
        return state.isStopped() ? 'stopped' : 'schedule_spent'
      }
    }
  }
  // A replayed trace is spent like a count bound: the run waits for its last request.
  const walked = schedule.walked()
  if (walked === workload.requests || (fromTrace !== null && walked === fromTrace.length))
    return 'count_bound'
  if (durationMs !== null)
    await state.sleepUnlessStopped(runStartMs - shiftMs + durationMs - performance.now())
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
  lateness: { slotWaitMs: number; scheduleLagMs: number; reachedAtMs?: number },
  turn?: RequestSpec,
): Promise<void> {
  // The wait for a slot counts from when the executor reached the arrival, so the parts of a
  // record's delay add up to the time it got its slot (building the spec is inside the wait).
  const askedAtMs = lateness.reachedAtMs ?? performance.now()
  const spec = turn ?? state.specFor(requestId, scheduledAtMs)
  if (spec === null) return
  const ticket = state.slots.acquire()
  const granted = typeof ticket === 'boolean' ? ticket : await ticket
  // A slot free at once is no wait at all (0, not the microseconds this code took).
  const slotWaitMs = lateness.slotWaitMs + (typeof ticket === 'boolean' ? 0 : performance.now() - askedAtMs)
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
        slotWaitMs,
        scheduleLagMs: lateness.scheduleLagMs,
        ...(spec.recordFields === undefined ? {} : { sourceFields: spec.recordFields }),
      }),
    )
    return
  }
  let next: NextTurn | null
  try {
    state.counts.sent++
    next = state.settle(
      spec,
      await state.send({ ...spec, slotWaitMs, scheduleLagMs: lateness.scheduleLagMs }, state.ctx),
    )
  } finally {
    state.slots.release()
  }
  const following = next === null ? null : await state.nextTurn(next, true)
  // A later turn is due when its think time ends: no executor lateness to split.
  if (following !== null)
    await arrive(state, following.requestId, following.scheduledAtMs ?? 0, NO_LATENESS, following)
}
