// Over-saturation inside one step: when the offered rate exceeds what the server serves, the
// queue grows for the whole step, so the wait a request sees (client queue + TTFT) keeps
// rising. Below capacity it is flat. Comparing the median of the last third of the step's
// requests (in send order) with the first third separates the two without a model.
import type { RequestRecord } from '../types.js'
import { percentile } from './percentile.js'

/** Growth below this is jitter, not a queue: a timer tick or a GC pause on a busy host. */
const SATURATION_FLOOR_MS = 20

export interface Saturation {
  firstThirdMs: number
  lastThirdMs: number
  saturated: boolean
}

/**
 * Median of (queue_ms + ttft_ms) over the first and last thirds of the successful requests
 * in send order; saturated when the last exceeds the first by more than max(20 ms, the first).
 * Null with fewer than 6 successful requests (thirds of 2 are noise).
 */
export function detectSaturation(records: Iterable<RequestRecord>): Saturation | null {
  const waits: { sentAtMs: number; waitMs: number }[] = []
  for (const record of records) {
    if (record.outcome !== 'ok' || record.ttft_ms === null) continue
    waits.push({ sentAtMs: record.sent_at_ms, waitMs: (record.queue_ms ?? 0) + record.ttft_ms })
  }
  if (waits.length < 6) return null
  waits.sort((left, right) => left.sentAtMs - right.sentAtMs)
  const third = Math.floor(waits.length / 3)
  const median = (part: typeof waits) =>
    percentile(Float64Array.from(part.map((item) => item.waitMs)).sort(), 50)
  const firstThirdMs = median(waits.slice(0, third))
  const lastThirdMs = median(waits.slice(waits.length - third))
  return {
    firstThirdMs,
    lastThirdMs,
    saturated: lastThirdMs - firstThirdMs > Math.max(SATURATION_FLOOR_MS, firstThirdMs),
  }
}
