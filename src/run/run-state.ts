// The state one run's executors share (k6's model: the executor decides when to send, the
// state counts, stops and hands each record on). Times are ms since runStartMs.
import { performance } from 'node:perf_hooks'
import { setImmediate as yieldToIo } from 'node:timers/promises'
import type { AnsweredRecord, ClientContext, RequestSpec } from '../client/send-request.js'
import { SlotSet } from '../client/slot-set.js'
import { seededRandom } from '../seeded-random.js'
import type { RequestRecord, RunPlan, ServerCapabilities } from '../types.js'
import type { FollowUp, RequestSpec as SourceSpec } from '../workload/prompt-source.js'
import { createLagHistogram } from './lag-histogram.js'
import type { PreciseClock } from './precise-clock.js'
import { type RunSource, toClientSpec } from './run-source.js'
import { createSlotQueue } from './slot-queue.js'

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

export type SendRequest = (spec: RequestSpec, ctx: ClientContext) => Promise<RequestRecord>

/** The live line's TTFT median covers this many recent successful requests. */
const RECENT_TTFT_WINDOW = 256

/**
 * Prompts are drawn from their own random stream, so the arrival times (drawn from `seed`)
 * stay the same whatever the prompt set. The salt only has to differ from 0 and mix the
 * bits; it is MurmurHash2's multiplier, a well-spread odd constant.
 */
const PROMPT_STREAM_SALT = 0x5bd1e995
/** Waits at least this long sleep on a timer when there is no precise clock (sleepUntil). */
const TIMER_WAIT_MS = 2
/** Shorter waits are yielded out turn by turn even with the clock: its wake takes 0.05–0.15 ms. */
const SPIN_MS = 0.2

export interface RunStateOptions {
  plan: RunPlan
  ctx: ClientContext
  send: SendRequest
  runStartMs: number
  expected: number | null
  includeUsage: boolean
  ignoreEos: boolean
  onRecord: (record: RequestRecord) => void
  /** The workload's prompt source (issue 16); absent/null: the plan's built-in prompts. */
  source?: RunSource | null
  capabilities?: ServerCapabilities | null
  /** Wakes sleepUntil at sub-ms deadlines without spinning; its maker closes it. */
  clock?: PreciseClock | null
}

/** A session's next turn, due `delayMs` after the previous answer ended at `afterMs`. */
export interface NextTurn {
  followUp: FollowUp
  afterMs: number
}

export type RunState = ReturnType<typeof createRunState>

export function createRunState(options: RunStateOptions) {
  const { plan, runStartMs } = options
  const { workload } = plan
  const durationMs = workload.durationSec === undefined ? null : workload.durationSec * 1000
  const slots = createSlotQueue(workload.concurrency)
  const promptRandom = seededRandom(plan.seed ^ PROMPT_STREAM_SALT)
  const recentTtftMs: number[] = []
  // Slot sets, not Sets: one member per request at the request rate (client/slot-set.ts).
  const running = new SlotSet<Promise<void>>()
  const counts = { sent: 0, completed: 0, ok: 0 }
  const source = options.source ?? null
  const sourceSpecs = new WeakMap<RequestSpec, SourceSpec>()
  let sessionRequestId = 0
  const specDefaults = {
    model: plan.model.fullName,
    api: workload.api,
    temperature: workload.temperature,
    includeUsage: options.includeUsage,
    maxTokens: workload.maxTokens,
    ignoreEos: options.ignoreEos,
    capabilities: options.capabilities ?? null,
  }
  /** A source's request as the client sends it; sessions number every request in send order. */
  function fromSource(spec: SourceSpec, requestId: number, scheduledAtMs: number | null): RequestSpec {
    const id = source?.sessions === true ? sessionRequestId++ : requestId
    const client = toClientSpec(spec, id, scheduledAtMs, specDefaults)
    if (spec.session !== undefined) sourceSpecs.set(client, spec)
    return client
  }

  let stopped = false
  let resolveStopped: () => void = () => {}
  const whenStopped = new Promise<void>((resolve) => {
    resolveStopped = resolve
  })
  // Sleepers woken early by stop(). Not Promise.race with whenStopped: every race leaves a
  // reaction on that long-lived promise until the run ends, which grew the heap by a few
  // hundred bytes per arrival (seen in the 10-minute soak, issue 7).
  const sleepers = new SlotSet<() => void>()
  const clock = options.clock ?? null

  return {
    plan,
    ctx: options.ctx,
    send: options.send,
    runStartMs,
    durationMs,
    slots,
    scheduleLag: createLagHistogram(),
    running,
    counts,
    /** Settles when sending stops (bounds reached, interrupt, or a bug). */
    whenStopped,
    isStopped: () => stopped,
    stop(): void {
      if (stopped) return
      stopped = true
      slots.close()
      resolveStopped()
      for (const wake of sleepers.values()) wake()
    },
    /** Waits ms, or less when the run stops first; leaves no timer or listener behind. */
    sleepUnlessStopped(ms: number): Promise<void> {
      return new Promise<void>((resolve) => {
        if (stopped) {
          resolve()
          return
        }
        let slot = -1
        const wake = () => {
          clearTimeout(timer)
          sleepers.delete(slot, wake)
          resolve()
        }
        const timer = setTimeout(wake, Math.max(0, ms))
        slot = sleepers.add(wake)
      })
    },
    /**
     * Waits until performance.now() reaches `deadlineMs`, or the run stops.
     *
     * With the precise clock (open loops of 200 arrivals/s and more), the loop sleeps until
     * the deadline and wakes about 0.05 ms after it; only waits under SPIN_MS, shorter than
     * the clock's own wake, are yielded out turn by turn. Without it, a wait of 2 ms or more
     * is a timer of whole milliseconds (libuv's unit), re-armed when it fires early, and a
     * shorter one is yielded out turn by turn: gaps that short batched by a 1 ms timer
     * leave in bursts whose answers queue behind each other (TTFT error at 5,000/s: median
     * 2.4 ms against 1.2 ms, bench `cli`). That turn-by-turn wait is what costs: at 1,000
     * arrivals/s it kept most of a core busy; precise-clock.ts has the figures.
     */
    async sleepUntil(deadlineMs: number): Promise<void> {
      const sleepFromMs = clock === null ? TIMER_WAIT_MS : SPIN_MS
      for (let waitMs = deadlineMs - performance.now(); waitMs > 0 && !stopped; ) {
        if (waitMs < sleepFromMs) await yieldToIo()
        else if (clock !== null) await clock.sleepUntil(deadlineMs)
        else await this.sleepUnlessStopped(Math.ceil(waitMs))
        waitMs = deadlineMs - performance.now()
      }
    },
    /**
     * Waits until fewer than `limit` arrivals wait for a slot (true), or until `untilMs`
     * (performance.now() time) or the run's stop, whichever comes first (false).
     */
    waitForRoom(limit: number, untilMs: number): Promise<boolean> {
      return new Promise<boolean>((resolve) => {
        if (stopped) {
          resolve(false)
          return
        }
        let timer: NodeJS.Timeout | undefined
        let slot = -1
        const done = (room: boolean) => {
          clearTimeout(timer)
          sleepers.delete(slot, wake)
          slots.onWaitingBelow(limit, null)
          resolve(room)
        }
        const wake = () => done(false)
        slot = sleepers.add(wake)
        if (Number.isFinite(untilMs)) timer = setTimeout(wake, Math.max(0, untilMs - performance.now()))
        // close() on stop also calls back: that is no room, the run is over.
        slots.onWaitingBelow(limit, () => done(!stopped))
      })
    },
    /** Counts a finished request and hands its record on; every request ends here once. */
    finish(record: RequestRecord): void {
      counts.completed++
      if (record.success) {
        counts.ok++
        if (record.ttft_ms !== null) {
          recentTtftMs.push(record.ttft_ms)
          if (recentTtftMs.length > RECENT_TTFT_WINDOW) recentTtftMs.shift()
        }
      }
      options.onRecord(record)
    },
    /** Trace replay: the trace's send times replace the rps schedule. */
    sourceArrivalsMs: source?.arrivalsMs ?? null,
    /**
     * Ends a request: its record is handed on (without the answer text a session keeps), and
     * a session's next turn is returned, or null.
     */
    settle(spec: RequestSpec, sent: AnsweredRecord): NextTurn | null {
      const sourceSpec = sourceSpecs.get(spec)
      if (sourceSpec === undefined || source === null) {
        this.finish(sent)
        return null
      }
      const { answerText, ...record } = sent
      this.finish(record)
      const result = record.success
        ? { ok: true as const, answerText: answerText ?? '' }
        : { ok: false as const }
      const followUp = source.source.followUp(sourceSpec, result)
      return followUp === null ? null : { followUp, afterMs: record.ended_at_ms }
    },
    /**
     * Waits out the think time, then builds the next turn (scheduled when the think time
     * ends, in an open loop); null when the run stopped meanwhile: the session is cut.
     */
    async nextTurn(next: NextTurn, scheduled: boolean): Promise<RequestSpec | null> {
      const dueMs = next.afterMs + next.followUp.delayMs
      if (next.followUp.delayMs > 0) {
        await this.sleepUntil(runStartMs + dueMs)
      }
      if (stopped) return null
      return fromSource(next.followUp.spec, -1, scheduled ? dueMs : null)
    },
    /** The next request; null when the source is spent (a trace's last request was sent). */
    specFor(requestId: number, scheduledAtMs: number | null): RequestSpec | null {
      if (source !== null) {
        const spec = source.source.next()
        return spec === null ? null : fromSource(spec, requestId, scheduledAtMs)
      }
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
    },
    /** Joins a request (or a closed-loop worker) to those the end-of-run grace waits for. */
    track(promise: Promise<void>): Promise<void> {
      const slot = running.add(promise)
      void promise.finally(() => running.delete(slot, promise))
      return promise
    },
    snapshot(): ProgressSnapshot {
      const sorted = [...recentTtftMs].sort((a, b) => a - b)
      return {
        elapsedMs: performance.now() - runStartMs,
        durationMs,
        sent: counts.sent,
        expected: options.expected,
        completed: counts.completed,
        ok: counts.ok,
        // A closed loop takes no slots: its workers' requests in flight are those sent, not ended.
        inFlight: workload.rps === undefined ? counts.sent - counts.completed : slots.inUse(),
        waiting: slots.waiting(),
        ttftP50Ms: sorted.length === 0 ? null : (sorted[Math.floor((sorted.length - 1) / 2)] ?? null),
      }
    },
  }
}
