import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { setImmediate as yieldToIo } from 'node:timers/promises'
import { createTargetPool } from '../client/pool.js'
import { type ClientContext, type RequestSpec, sendRequest } from '../client/send-request.js'
import { seededRandom } from '../seeded-random.js'
import type { ClientHealth, RequestRecord, RunPlan } from '../types.js'
import { planArrivals } from '../workload/arrivals.js'
import { createLagHistogram } from './lag-histogram.js'
import { createSlotQueue } from './slot-queue.js'
import { unsentRecord } from './unsent-record.js'

/** Above these the client, not the server, may be what the numbers show. */
export const CLIENT_LIMITS = { eventLoopLagP99Ms: 20, scheduleLagP99Ms: 10 } as const

export interface ProgressSnapshot {
  elapsedMs: number
  durationMs: number | null
  sent: number
  expected: number | null
  completed: number
  ok: number
  inFlight: number
  waiting: number
  /** Median TTFT of the last successful requests (a window, for the live line only). */
  ttftP50Ms: number | null
}

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
  /**
   * One unrecorded request before the clock starts (default on): it opens a connection and
   * compiles the request path, so the first scheduled requests are not sent late.
   */
  warmup?: boolean
  /** The request function; tests and the worker pool may swap it. */
  send?: (spec: RequestSpec, ctx: ClientContext) => Promise<RequestRecord>
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

const RECENT_TTFT_WINDOW = 256

/**
 * Drives the plan in real time: an absolute-deadline open-loop schedule (or closed-loop
 * workers), the concurrency cap, duration/count bounds and the end-of-run grace period.
 * Every request ends as exactly one record handed to onRecord; nothing is dropped.
 */
export async function runBenchmark(plan: RunPlan, options: RunOptions): Promise<RunResult> {
  const { workload } = plan
  const send = options.send ?? sendRequest
  const pool = createTargetPool(plan.target, workload.concurrency, plan.timeouts)
  const inFlightAbort = new AbortController()
  const loopDelay = monitorEventLoopDelay({ resolution: 10 })
  loopDelay.enable()
  const scheduleLag = createLagHistogram()
  const slots = createSlotQueue(workload.concurrency)
  const promptRandom = seededRandom(plan.seed ^ 0x5bd1e995)

  if (options.warmup !== false && plan.prompts[0] !== undefined && !options.signal.aborted) {
    await warmUp(plan, options, send, pool)
  }

  const runStartEpochMs = Date.now()
  const runStartMs = performance.now()
  const durationMs = workload.durationSec === undefined ? null : workload.durationSec * 1000
  const maxRequests = workload.requests ?? Number.POSITIVE_INFINITY
  const ctx: ClientContext = {
    dispatcher: pool,
    baseUrl: plan.target.baseUrl,
    headers: requestHeaders(plan),
    timeouts: plan.timeouts,
    runStartMs,
    runStartEpochMs,
    countTokens: options.countTokens,
    signal: inFlightAbort.signal,
  }

  let sent = 0
  let completed = 0
  let ok = 0
  let interruptedBy: string | null = null
  const recentTtftMs: number[] = []
  const running = new Set<Promise<void>>()

  // Stopping: the bounds end (duration timer / count) or the user interrupts.
  let stopSending: () => void = () => {}
  const sendingStopped = new Promise<void>((resolve) => {
    stopSending = resolve
  })
  let stopped = false
  // Sleepers of the open loop, woken early by stop(). Not Promise.race with sendingStopped:
  // every race leaves a reaction on that long-lived promise until the run ends, which
  // grew the heap by a few hundred bytes per arrival (seen in the 10-minute soak, issue 7).
  const sleepers = new Set<() => void>()
  const stop = () => {
    if (stopped) return
    stopped = true
    slots.close()
    stopSending()
    for (const wake of [...sleepers]) wake()
  }
  /** Waits ms, or less when the run stops first; leaves no timer or listener behind. */
  const sleepUnlessStopped = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped) {
        resolve()
        return
      }
      const wake = () => {
        clearTimeout(timer)
        sleepers.delete(wake)
        resolve()
      }
      const timer = setTimeout(wake, Math.max(0, ms))
      sleepers.add(wake)
    })
  // A closed loop ends at the duration by a timer. An open loop ends when its schedule
  // (bounded by the duration) is spent: arrivals due before the end are sent even when
  // the client runs late, so a late client shows as schedule lag, never as fewer requests.
  const durationTimer =
    durationMs === null || workload.rps !== undefined ? null : setTimeout(stop, durationMs)
  const onInterrupt = () => {
    interruptedBy = String(options.signal.reason ?? 'interrupted')
    stop()
  }
  if (options.signal.aborted) onInterrupt()
  else options.signal.addEventListener('abort', onInterrupt, { once: true })

  const progressTimer =
    options.onProgress === undefined
      ? null
      : setInterval(() => options.onProgress?.(snapshot()), options.progressIntervalMs ?? 1000)

  function snapshot(): ProgressSnapshot {
    const sorted = [...recentTtftMs].sort((a, b) => a - b)
    return {
      elapsedMs: performance.now() - runStartMs,
      durationMs,
      sent,
      expected: options.expected,
      completed,
      ok,
      inFlight: slots.inUse(),
      waiting: slots.waiting(),
      ttftP50Ms: sorted.length === 0 ? null : (sorted[Math.floor((sorted.length - 1) / 2)] ?? null),
    }
  }

  function finish(record: RequestRecord): void {
    completed++
    if (record.success) {
      ok++
      if (record.ttft_ms !== null) {
        recentTtftMs.push(record.ttft_ms)
        if (recentTtftMs.length > RECENT_TTFT_WINDOW) recentTtftMs.shift()
      }
    }
    options.onRecord(record)
  }

  function specFor(requestId: number, scheduledAtMs: number | null): RequestSpec {
    const prompt = plan.prompts[Math.floor(promptRandom() * plan.prompts.length)] ?? plan.prompts[0]
    if (prompt === undefined) throw new Error('RunPlan has no prompts')
    return {
      requestId,
      model: plan.model.fullName,
      prompt,
      api: workload.api,
      maxTokens: workload.maxTokens,
      temperature: workload.temperature,
      ignoreEos: options.ignoreEos,
      includeUsage: options.includeUsage,
      scheduledAtMs,
    }
  }

  /** One scheduled arrival: wait for a slot, send, record. */
  async function arrive(requestId: number, scheduledAtMs: number): Promise<void> {
    const spec = specFor(requestId, scheduledAtMs)
    const granted = await slots.acquire()
    if (!granted) {
      finish(
        unsentRecord({
          requestId,
          model: spec.model,
          prompt: spec.prompt.text,
          scheduledAtMs,
          endedAtMs: performance.now() - runStartMs,
          runStartEpochMs,
          reason: 'Never sent: no concurrency slot was free before the run ended',
        }),
      )
      return
    }
    try {
      sent++
      finish(await send(spec, ctx))
    } finally {
      slots.release()
    }
  }

  function track(promise: Promise<void>): void {
    running.add(promise)
    void promise.finally(() => running.delete(promise))
  }

  let countBoundReached = false
  async function openLoop(ratePerSec: number): Promise<void> {
    const arrivals = planArrivals(
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
      if (waitMs > 2) await sleepUnlessStopped(waitMs - 1)
      while (!stopped && performance.now() < deadline) await yieldToIo()
      if (stopped) return
      scheduleLag.add(performance.now() - deadline)
      track(arrive(requestId++, atMs))
    }
    // The count bound came first: the run ends when the last request has (see below).
    if (requestId === workload.requests) {
      countBoundReached = true
      return
    }
    if (durationMs !== null) await sleepUnlessStopped(runStartMs + durationMs - performance.now())
  }

  async function closedLoop(): Promise<void> {
    let requestId = 0
    const worker = async () => {
      while (!stopped && requestId < maxRequests) {
        const spec = specFor(requestId++, null)
        sent++
        finish(await send(spec, ctx))
      }
    }
    await Promise.all(Array.from({ length: workload.concurrency }, () => track0(worker())))
  }
  // Closed-loop workers are awaited directly; they still join `running` for the grace logic.
  function track0(promise: Promise<void>): Promise<void> {
    track(promise)
    return promise
  }

  try {
    const sending = workload.rps === undefined ? closedLoop() : openLoop(workload.rps)
    await Promise.race([sending, sendingStopped])
    // An open loop whose count bound ended its schedule stops when the last request has
    // ended; one bounded by duration returned at the duration's end. A closed loop's
    // workers have all returned here.
    if (!stopped && countBoundReached) await Promise.race([Promise.all(running), sendingStopped])
    stop()

    // Grace: in-flight requests may finish; after it, they are aborted (and recorded so).
    const graceMs = interruptedBy === null ? plan.graceMs : options.interruptGraceMs
    if (running.size > 0) {
      await sleepUnless(
        graceMs,
        Promise.all(running).then(() => {}),
      )
      if (running.size > 0) inFlightAbort.abort(interruptedBy === null ? 'grace period ended' : interruptedBy)
      await Promise.all(running)
    }
  } finally {
    // Also on a bug (a throwing onRecord): no timer may keep the process alive.
    stop()
    if (durationTimer !== null) clearTimeout(durationTimer)
    if (progressTimer !== null) clearInterval(progressTimer)
    options.signal.removeEventListener('abort', onInterrupt)
    loopDelay.disable()
    inFlightAbort.abort('run ended')
    await pool.close()
  }
  options.onProgress?.(snapshot())

  return {
    startedAtEpochMs: runStartEpochMs,
    endedAtEpochMs: Date.now(),
    sent,
    completed,
    interruptedBy,
    clientHealth: judgeClientHealth(loopDelay.percentile(99) / 1e6, scheduleLag.percentileMs(99)),
  }
}

/** Warm-up is bounded: a hanging server costs at most WARMUP_TIMEOUT_MS before the run. */
const WARMUP_TIMEOUT_MS = 10_000

async function warmUp(
  plan: RunPlan,
  options: RunOptions,
  send: NonNullable<RunOptions['send']>,
  pool: ClientContext['dispatcher'],
): Promise<void> {
  const prompt = plan.prompts[0]
  if (prompt === undefined) return
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(WARMUP_TIMEOUT_MS)])
  // The result is discarded on purpose: it is not part of the measured load.
  await send(
    {
      requestId: -1,
      model: plan.model.fullName,
      prompt,
      api: plan.workload.api,
      maxTokens: Math.min(plan.workload.maxTokens, 4),
      temperature: plan.workload.temperature,
      ignoreEos: false,
      includeUsage: options.includeUsage,
      scheduledAtMs: null,
    },
    {
      dispatcher: pool,
      baseUrl: plan.target.baseUrl,
      headers: requestHeaders(plan),
      timeouts: { ...plan.timeouts, totalMs: Math.min(plan.timeouts.totalMs, WARMUP_TIMEOUT_MS) },
      runStartMs: performance.now(),
      runStartEpochMs: Date.now(),
      countTokens: options.countTokens,
      signal,
    },
  )
}

export function judgeClientHealth(
  eventLoopLagP99Ms: number | null,
  scheduleLagP99Ms: number | null,
): ClientHealth {
  const reasons: string[] = []
  if (eventLoopLagP99Ms !== null && eventLoopLagP99Ms > CLIENT_LIMITS.eventLoopLagP99Ms) {
    reasons.push(
      `event-loop lag p99 ${eventLoopLagP99Ms.toFixed(1)} ms > ${CLIENT_LIMITS.eventLoopLagP99Ms} ms: the client's CPU was busy, so latencies include client delay`,
    )
  }
  if (scheduleLagP99Ms !== null && scheduleLagP99Ms > CLIENT_LIMITS.scheduleLagP99Ms) {
    reasons.push(
      `schedule lag p99 ${scheduleLagP99Ms.toFixed(1)} ms > ${CLIENT_LIMITS.scheduleLagP99Ms} ms: requests left later than planned, so the offered rate was not met`,
    )
  }
  return { eventLoopLagP99Ms, scheduleLagP99Ms, limited: reasons.length > 0, reasons }
}

function requestHeaders(plan: RunPlan): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...plan.target.headers }
  if (plan.target.apiKey !== undefined && plan.target.apiKey !== '') {
    headers.authorization = `Bearer ${plan.target.apiKey}`
  }
  return headers
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
