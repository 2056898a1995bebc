// The end of an open loop's warm-up (warm-up.ts): a fraction of a second of the run's own
// arrivals, at its own rate, sent by the open-loop executor itself (the schedule, the precise
// clock, the slots, send and settle), so that the code the window runs is compiled before
// the window starts. Nothing is recorded: each record only goes through `rehearse`.
//
// Measured at 5,000/s (5-token answers, the bench `cli` setup, interleaved pairs of fresh
// processes), mean TTFT of the window's first 200 ms; 1.2–1.5 ms later in a run either way:
// - after the warm-up rounds alone: 4.8–6.8 ms (5 runs); with this rehearsal after them:
//   1.9–2.5 ms in 4 runs of 5 (8.9 in one).
// - the warm-up rounds made twice as long instead (0.6 s of arrivals): 3.7–16.7 ms, against
//   3.1–5.8 with the rehearsal (4 pairs). The rehearsal in place of the rounds: no gain.
// It costs its requests' CPU, before the window: 0.3 s of arrivals (warm-up.ts sizes it).
import { performance } from 'node:perf_hooks'
import type { ClientContext } from '../client/send-request.js'
import type { RequestRecord, RunPlan } from '../types.js'
import { runOpenLoop } from './open-loop.js'
import type { PreciseClock } from './precise-clock.js'
import { createRunState, type SendRequest } from './run-state.js'

/**
 * Its last requests get this long to end: a slow server's answers are left to end on their
 * own (discarded), so that a shard's warm-up stays within its head start (docs/shards.md).
 */
const REHEARSAL_TAIL_MAX_MS = 1000

export async function rehearseOpenLoop(
  plan: RunPlan,
  options: {
    /** This process's arrivals per second (its share of a sharded rate, or a trace's mean). */
    ratePerSec: number
    /** How long its schedule runs. */
    durationSec: number
    /** The warm-up's: its signal and its shortened timeouts. */
    ctx: ClientContext
    send: SendRequest
    maxTokens: number
    includeUsage: boolean
    /** The run's clock: the rehearsal sleeps on it too, and leaves it open. */
    clock: PreciseClock | null
    rehearse: (record: RequestRecord) => void
  },
): Promise<void> {
  if (!(options.ratePerSec > 0) || !Number.isFinite(options.ratePerSec)) return
  // Unsharded (a shard's clock shift and slice belong to the real schedule) and bounded by
  // its duration alone; the run's own arrival kind, prompts and concurrency cap.
  const { shard: _shard, ...unsharded } = plan
  const { requests: _requests, ...workload } = plan.workload
  const rehearsal: RunPlan = {
    ...unsharded,
    workload: {
      ...workload,
      rps: options.ratePerSec,
      durationSec: options.durationSec,
      maxTokens: options.maxTokens,
    },
  }
  const runStartMs = performance.now()
  const state = createRunState({
    plan: rehearsal,
    ctx: { ...options.ctx, runStartMs, runStartEpochMs: Date.now() },
    send: options.send,
    runStartMs,
    expected: null,
    includeUsage: options.includeUsage,
    ignoreEos: false,
    onRecord: options.rehearse,
    clock: options.clock,
  })
  // The schedule ends by itself after durationSec.
  await runOpenLoop(state, options.ratePerSec)
  state.stop()
  let timer: NodeJS.Timeout | undefined
  await Promise.race([
    Promise.all(state.running.values()),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, REHEARSAL_TAIL_MAX_MS)
    }),
  ])
  clearTimeout(timer)
}
