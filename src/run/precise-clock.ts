import { performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'

// Wakes the event loop at sub-millisecond deadlines without spinning it.
//
// libuv's timers count whole milliseconds, so an arrival due in 0.6 ms cannot sleep on
// one. The open loop used to yield turn by turn (setImmediate) through the last 2 ms of
// every gap: at 1,000 Poisson arrivals/s that kept most of a core busy, a core taken from
// the server under test (whole-process CPU of a 6 s run: 5.6–6.3 s; on this clock 4.6–5.0 s).
// Here a small thread sleeps in the kernel until the earliest deadline (Atomics.wait takes
// fractional ms) and wakes the loop through Atomics.waitAsync; the loop sleeps in epoll
// meanwhile. A wake is about 0.05 ms late when the machine is idle, 0.15 ms under load, and
// costs ~0.07 ms of CPU; starting the thread costs 60–100 ms (run-benchmark.ts weighs both).

/** Int32 slots of the shared buffer; the deadline is a Float64 after them. */
const REQUEST = 0 // bumped by the loop whenever the deadline changes (or to quit)
const FIRED = 1 // bumped by the thread when the deadline it was given is reached
const QUIT = 2
const DEADLINE_BYTE = 16

// The thread: CommonJS by eval, so the bundle needs no second entry. It only ever reads the
// deadline after reading REQUEST, and the loop writes it before bumping REQUEST.
const THREAD_SOURCE = `
const { workerData } = require('node:worker_threads')
const slots = new Int32Array(workerData, 0, 3)
const deadline = new Float64Array(workerData, ${DEADLINE_BYTE}, 1)
const nowMs = () => Number(process.hrtime.bigint()) / 1e6
for (;;) {
  const seen = Atomics.load(slots, ${REQUEST})
  if (Atomics.load(slots, ${QUIT}) !== 0) break
  const dueMs = deadline[0]
  const waitMs = Number.isNaN(dueMs) ? Number.POSITIVE_INFINITY : dueMs - nowMs()
  if (waitMs > 0) {
    Atomics.wait(slots, ${REQUEST}, seen, waitMs)
    continue
  }
  Atomics.add(slots, ${FIRED}, 1)
  Atomics.notify(slots, ${FIRED})
  // Fired once for this deadline: wait for the next one (or the same one re-sent).
  Atomics.wait(slots, ${REQUEST}, seen)
}
`

/** Atomics.waitAsync: in V8 since 8.7 (Node 16), in TypeScript's lib only from es2024. */
const atomics = Atomics as typeof Atomics & {
  waitAsync(
    array: Int32Array,
    index: number,
    value: number,
  ): { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> }
}

interface Sleeper {
  dueMs: number
  resolve: () => void
}

/** Monotonic ms on the clock both threads share (uv_hrtime). */
function hrtimeMs(): number {
  return Number(process.hrtime.bigint()) / 1e6
}

/**
 * Sleeps until `performance.now()` deadlines, a fraction of a ms late, with no CPU while
 * waiting. Any number of sleepers: the thread is always given the earliest deadline.
 * The thread starts with the clock; `close()` ends it.
 */
export class PreciseClock {
  readonly #slots: Int32Array
  readonly #deadline: Float64Array
  #worker: Worker | null
  /** hrtimeMs() − performance.now(), measured once: both come from uv_hrtime. */
  readonly #offsetMs: number
  /** A min-heap on dueMs. */
  readonly #sleepers: Sleeper[] = []
  #armed = false
  #closed = false

  constructor() {
    const shared = new SharedArrayBuffer(DEADLINE_BYTE + 8)
    this.#slots = new Int32Array(shared, 0, 3)
    this.#deadline = new Float64Array(shared, DEADLINE_BYTE, 1)
    this.#deadline[0] = Number.NaN
    this.#offsetMs = hrtimeMs() - performance.now()
    let worker: Worker | null = null
    try {
      worker = new Worker(THREAD_SOURCE, {
        eval: true,
        workerData: shared,
        resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 },
      })
      // A thread that could not start or died leaves its sleepers to libuv's timers.
      worker.on('error', () => this.#fallBack())
      worker.on('exit', () => this.#fallBack())
      worker.unref()
    } catch {
      worker = null
    }
    this.#worker = worker
  }

  /** Resolves when performance.now() ≥ dueMs, or at close(). */
  sleepUntil(dueMs: number): Promise<void> {
    if (this.#closed || dueMs <= performance.now()) return Promise.resolve()
    return new Promise<void>((resolve) => {
      if (this.#worker === null) {
        setTimeout(resolve, Math.ceil(dueMs - performance.now()))
        return
      }
      const sleeper = { dueMs, resolve }
      if (this.#push(sleeper) === 0) this.#post()
    })
  }

  /** Wakes every sleeper now and ends the thread; later sleeps resolve at once. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    Atomics.store(this.#slots, QUIT, 1)
    Atomics.add(this.#slots, REQUEST, 1)
    Atomics.notify(this.#slots, REQUEST)
    this.#worker?.unref()
    for (const sleeper of this.#sleepers.splice(0)) sleeper.resolve()
  }

  /** Gives the thread the earliest deadline (none: it waits for one), and listens for it. */
  #post(): void {
    const first = this.#sleepers[0]
    if (first === undefined) {
      // Nothing to wait for: the thread must not keep the process alive.
      this.#worker?.unref()
    } else {
      // A sleeper is the process's reason to live even when no socket is open. Listen
      // before publishing: a deadline already due fires at once, and a fire counted
      // before the listener read FIRED would never be seen.
      this.#worker?.ref()
      this.#arm()
    }
    this.#deadline[0] = first === undefined ? Number.NaN : first.dueMs + this.#offsetMs
    Atomics.add(this.#slots, REQUEST, 1)
    Atomics.notify(this.#slots, REQUEST)
  }

  #arm(): void {
    if (this.#armed) return
    this.#armed = true
    const waited = atomics.waitAsync(this.#slots, FIRED, Atomics.load(this.#slots, FIRED))
    if (waited.async) void waited.value.then(this.#onFired)
    else queueMicrotask(this.#onFired)
  }

  readonly #onFired = (): void => {
    this.#armed = false
    if (this.#closed) return
    const nowMs = performance.now()
    let first = this.#sleepers[0]
    while (first !== undefined && first.dueMs <= nowMs) {
      this.#pop()
      first.resolve()
      first = this.#sleepers[0]
    }
    // Also after a fire that found nothing due (a deadline replaced meanwhile): re-send.
    this.#post()
  }

  #fallBack(): void {
    if (this.#closed || this.#worker === null) return
    this.#worker = null
    for (const sleeper of this.#sleepers.splice(0)) {
      setTimeout(sleeper.resolve, Math.max(0, Math.ceil(sleeper.dueMs - performance.now())))
    }
  }

  /** Inserts into the heap; returns the index it settled at (0: the new earliest). */
  #push(sleeper: Sleeper): number {
    const heap = this.#sleepers
    let at = heap.push(sleeper) - 1
    while (at > 0) {
      const parent = (at - 1) >> 1
      const above = heap[parent] as Sleeper
      if (above.dueMs <= sleeper.dueMs) break
      heap[at] = above
      at = parent
    }
    heap[at] = sleeper
    return at
  }

  #pop(): void {
    const heap = this.#sleepers
    const last = heap.pop()
    if (last === undefined || heap.length === 0) return
    let at = 0
    for (;;) {
      const left = 2 * at + 1
      if (left >= heap.length) break
      const right = left + 1
      const child =
        right < heap.length && (heap[right] as Sleeper).dueMs < (heap[left] as Sleeper).dueMs ? right : left
      if ((heap[child] as Sleeper).dueMs >= last.dueMs) break
      heap[at] = heap[child] as Sleeper
      at = child
    }
    heap[at] = last
  }
}
