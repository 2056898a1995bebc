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
