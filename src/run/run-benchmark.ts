import { setMaxListeners } from 'node:events'
import { performance } from 'node:perf_hooks'
import { createTargetPool } from '../client/pool.js'
import { sendRequest } from '../client/send-request.js'
import { createSummaryAccumulator } from '../stats/summarize.js'
import type { ClientHealth, RequestRecord, RunPlan, ServerCapabilities } from '../types.js'
import { createClientContext } from './client-context.js'
import { judgeClientHealth } from './client-health.js'
import { runClosedLoop } from './closed-loop.js'
import { startLoopLagSampler } from './lag-histogram.js'
import { type OpenLoopEnd, runOpenLoop } from './open-loop.js'
import { PreciseClock } from './precise-clock.js'
import { prepareRunSource } from './run-source.js'
import { createRunState, type ProgressSnapshot, type SendRequest } from './run-state.js'
import { warmUp } from './warm-up.js'

export { CLIENT_LIMITS, judgeClientHealth } from './client-health.js'
export type { ProgressSnapshot } from './run-state.js'

export interface RunOptions {
  /** Aborting it (Ctrl-C) stops sending; in-flight requests get interruptGraceMs. */
  signal: AbortSignal
  interruptGraceMs: number
  onRecord: (record: RequestRecord) => void
  onProgress?: (snapshot: ProgressSnapshot) => void
  progressIntervalMs?: number
  expected: number | null
  countTokens: ((text: string) => number) | null
  includeUsage: boolean
  ignoreEos: boolean
  /** Warm connections and request path before the clock starts (default on); see warm-up.ts. */
  warmup?: boolean
  /** The request function; tests and the worker pool may swap it. */
  send?: SendRequest
  /** Called after the warm-up, just before the measurement clock starts (hooks' windowStart). */
  onWindowStart?: () => Promise<void>
  /** What the probe found: exact output lengths use ignore_eos / min_tokens only where supported. */
  capabilities?: ServerCapabilities | null
}

export interface RunResult {
  startedAtEpochMs: number
  endedAtEpochMs: number
  sent: number
  completed: number
  /** Why the run stopped before its bounds, or null when it ran to them. */
  interruptedBy: string | null
  clientHealth: ClientHealth
}

/**
 * From this rate of arrivals (per process) up, the open loop sleeps on the precise clock.
 * Below it, libuv's ms timers fire late enough that the old wait rarely yields turn by
 * turn, and the clock's start (60–100 ms of CPU) and wakes (~0.07 ms each) cost more than
 * they save: 0.1–0.4 s more CPU at 100/s for 10 s, 1.2 s less at 1,000/s for 6 s.
 */
const PRECISE_CLOCK_MIN_RPS = 200

/** Arrivals per second this process sends in an open loop (a trace's mean rate); 0 in a closed loop. */
function arrivalsPerSec(plan: RunPlan, traceArrivalsMs: number[] | null): number {
  const shards = plan.shard?.count ?? 1
  if (plan.workload.rps !== undefined) return plan.workload.rps / shards
  if (traceArrivalsMs === null || traceArrivalsMs.length < 2) return 0
  const spanMs = (traceArrivalsMs.at(-1) ?? 0) - (traceArrivalsMs[0] ?? 0)
  return spanMs > 0 ? (traceArrivalsMs.length / shards / spanMs) * 1000 : Number.POSITIVE_INFINITY
}

/**
 * Drives the plan in real time with the executor its workload asks for (open loop with an
 * rps, closed loop without), the duration/count bounds and the end-of-run grace period.
 * Every request ends as exactly one record handed to onRecord; nothing is dropped.
 */
export async function runBenchmark(plan: RunPlan, options: RunOptions): Promise<RunResult> {
  const { workload } = plan
  const send = options.send ?? sendRequest
  // The workload's prompt source (issue 16), built before the clock starts (and before any
  // pool or timer exists: a bad dataset or trace throws here).
  const source = await prepareRunSource(plan, options.countTokens)
  const pool = createTargetPool(plan.target, workload.concurrency, plan.timeouts)
  const inFlightAbort = new AbortController()
  // Every in-flight request listens to it: thousands at high concurrency, by design.
  setMaxListeners(0, inFlightAbort.signal)
  const loopLag = startLoopLagSampler()
  const openLoop = workload.rps !== undefined || (source?.arrivalsMs ?? null) !== null
  const ratePerSec = arrivalsPerSec(plan, source?.arrivalsMs ?? null)
  // Its thread comes up during the warm-up (it costs 60–100 ms of CPU to start).
  const clock = ratePerSec >= PRECISE_CLOCK_MIN_RPS ? new PreciseClock() : null

  // Output tokens come from usage where the probe saw this server send it, so no request
  // keeps its generated text for a tokenizer. Kept, that text is a string per token alive
  // for the whole stream: at c=64 it was most of what survived each young-generation GC,
  // ~0.05 ms of CPU per 128-token request. A stream that then ends without usage (cut off
  // before its last chunk) counts its chunks, and its record says tokens_source: chunks.
  const countOutput = options.capabilities?.includeUsage === true ? null : options.countTokens

  try {
    if (options.warmup !== false && plan.prompts[0] !== undefined && !options.signal.aborted) {
      // A warm-up record goes where a measured one goes (its JSON line, a summary), into a
      // scratch summary, so that those functions are compiled before the window too.
      const scratch = createSummaryAccumulator()
      await warmUp(plan, {
        ...options,
        countTokens: countOutput,
        send,
        dispatcher: pool,
        pool: options.send === undefined ? pool : null,
        openLoop: openLoop ? { ratePerSec, clock } : null,
        rehearse: (record) => {
          JSON.stringify(record) // the raw line's serialization; the text itself is not kept
          scratch.add(record)
        },
      })
    }
    await options.onWindowStart?.()
  } catch (error) {
    clock?.close() // its thread would otherwise wait out the process
    throw error
  }

  const runStartEpochMs = Date.now()
  const runStartMs = performance.now()
  const ctx = createClientContext(plan, {
    dispatcher: pool,
    countTokens: countOutput,
    signal: inFlightAbort.signal,
    runStartMs,
    runStartEpochMs,
  })
  const state = createRunState({ ...options, plan, ctx, send, runStartMs, source, clock })

  let interruptedBy: string | null = null
  // A closed loop ends at the duration by a timer. An open loop ends when its schedule
  // (bounded by the duration) is spent: arrivals due before the end are sent even when
  // the client runs late, so a late client shows as schedule lag, never as fewer requests.
  const durationTimer =
    state.durationMs === null || openLoop ? null : setTimeout(state.stop, state.durationMs)
  const onInterrupt = () => {
    interruptedBy = String(options.signal.reason ?? 'interrupted')
    state.stop()
  }
  if (options.signal.aborted) onInterrupt()
  else options.signal.addEventListener('abort', onInterrupt, { once: true })

  const progressTimer =
    options.onProgress === undefined
      ? null
      : setInterval(() => options.onProgress?.(state.snapshot()), options.progressIntervalMs ?? 1000)

  try {
    let openLoopEnd: OpenLoopEnd | null = null
    const sending = !openLoop
      ? runClosedLoop(state)
      : runOpenLoop(state, workload.rps ?? 0).then((end) => {
          openLoopEnd = end
        })
    await Promise.race([sending, state.whenStopped])
    // An open loop whose count bound ended its schedule stops when the last request has
    // ended; one bounded by duration returned at the duration's end. A closed loop's
    // workers have all returned here.
    if (!state.isStopped() && openLoopEnd === 'count_bound') {
      await Promise.race([Promise.all(state.running.values()), state.whenStopped])
    }
    state.stop()

    // Grace: in-flight requests may finish; after it, they are aborted (and recorded so).
    const graceMs = interruptedBy === null ? plan.graceMs : options.interruptGraceMs
    if (state.running.size > 0) {
      await sleepUnless(
        graceMs,
        Promise.all(state.running.values()).then(() => {}),
      )
      if (state.running.size > 0) inFlightAbort.abort(interruptedBy ?? 'grace period ended')
      await Promise.all(state.running.values())
    }
  } finally {
    // Also on a bug (a throwing onRecord): no timer may keep the process alive.
    state.stop()
    clock?.close() // an executor still asleep on it wakes, sees the stop and returns
    if (durationTimer !== null) clearTimeout(durationTimer)
    if (progressTimer !== null) clearInterval(progressTimer)
    options.signal.removeEventListener('abort', onInterrupt)
    loopLag.stop()
    inFlightAbort.abort('run ended')
    await pool.close()
  }
  options.onProgress?.(state.snapshot())

  return {
    startedAtEpochMs: runStartEpochMs,
    endedAtEpochMs: Date.now(),
    sent: state.counts.sent,
    completed: state.counts.completed,
    interruptedBy,
    clientHealth: judgeClientHealth(loopLag.histogram.percentileMs(99), state.scheduleLag.percentileMs(99)),
  }
}

/** Waits ms, or less when `until` settles first; never leaves a timer behind. */
async function sleepUnless(ms: number, until: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const slept = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, ms))
  })
  try {
    await Promise.race([slept, until])
  } finally {
    clearTimeout(timer)
  }
}
