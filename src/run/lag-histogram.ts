// A fixed-memory histogram for the client's own lateness (event-loop lag, schedule lag):
// 0.1 ms buckets up to 10 s. Exact percentiles are for server metrics (kept as samples);
// the client-health flag only needs p99 to the nearest 0.1 ms, at any run length.

const BUCKET_MS = 0.1
const BUCKETS = 100_000

export interface LagHistogram {
  add(lagMs: number): void
  count(): number
  /** Upper edge of the bucket holding the p-th percentile, or null when empty. */
  percentileMs(p: number): number | null
  maxMs(): number | null
}

export function createLagHistogram(): LagHistogram {
  const counts = new Uint32Array(BUCKETS + 1)
  let total = 0
  let max = Number.NEGATIVE_INFINITY
  return {
    add(lagMs) {
      const index = Math.min(BUCKETS, Math.max(0, Math.floor(lagMs / BUCKET_MS)))
      counts[index] = (counts[index] ?? 0) + 1
      total++
      if (lagMs > max) max = lagMs
    },
    count: () => total,
    percentileMs(p) {
      if (total === 0) return null
      const rank = Math.ceil((p / 100) * total)
      let seen = 0
      for (let i = 0; i <= BUCKETS; i++) {
        seen += counts[i] ?? 0
        if (seen >= rank) return i === BUCKETS ? max : (i + 1) * BUCKET_MS
      }
      return max
    },
    maxMs: () => (total === 0 ? null : max),
  }
}

/** Time source and timers, injectable so a test can replay a loop that is idle or blocked. */
export interface LagClock {
  nowMs(): number
  setTimer(callback: () => void, delayMs: number): unknown
  clearTimer(handle: unknown): void
}

const realLagClock: LagClock = {
  nowMs: () => performance.now(),
  setTimer: (callback, delayMs) => setTimeout(callback, delayMs).unref(),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

export interface LoopLagSampler {
  readonly histogram: LagHistogram
  stop(): void
}

/**
 * Event-loop lag as the lateness of a repeating timer beyond its interval: an idle loop reads
 * ~0 ms, a loop blocked for 50 ms reads ~50 ms. (monitorEventLoopDelay({ resolution: 10 })
 * reports the whole interval between samples, so an idle loop read 10.2 ms, p99 up to 21.)
 * Each timer is armed from the moment the previous one fired, so one long block counts once
 * instead of as a burst of missed ticks.
 */
export function startLoopLagSampler(intervalMs = 10, clock: LagClock = realLagClock): LoopLagSampler {
  const histogram = createLagHistogram()
  let stopped = false
  let handle: unknown = null
  const arm = (): void => {
    const dueMs = clock.nowMs() + intervalMs
    handle = clock.setTimer(() => {
      if (stopped) return
      histogram.add(Math.max(0, clock.nowMs() - dueMs))
      arm()
    }, intervalMs)
  }
  arm()
  return {
    histogram,
    stop() {
      stopped = true
      if (handle !== null) clock.clearTimer(handle)
    },
  }
}
