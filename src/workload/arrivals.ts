import type { Random } from '../seeded-random.js'
import type { ArrivalKind } from '../types.js'

export interface ArrivalSpec {
  kind: ArrivalKind
  ratePerSec: number
  /** Arrivals stop at this offset (exclusive); absent → bounded by count only. */
  durationMs?: number
  /** At most this many arrivals; absent → bounded by duration only. */
  maxRequests?: number
}

/**
 * Planned send times (ms from run start) of an open-loop load, lazily, so a
 * million-request plan costs no memory. Constant arrivals are i / rate exactly (no
 * accumulated float drift); Poisson arrivals add exponential gaps with mean 1 / rate,
 * drawn from the seeded generator.
 */
export function* planArrivals(spec: ArrivalSpec, random: Random): Generator<number> {
  const gapMs = 1000 / spec.ratePerSec
  const maxRequests = spec.maxRequests ?? Number.POSITIVE_INFINITY
  const durationMs = spec.durationMs ?? Number.POSITIVE_INFINITY
  let atMs = 0
  for (let i = 0; i < maxRequests; i++) {
    if (spec.kind === 'constant') atMs = i * gapMs
    else if (i > 0) atMs += -Math.log(1 - random()) * gapMs
    if (atMs >= durationMs) return
    yield atMs
  }
}

/** How many requests a workload is expected to send (the original's "예상 총 요청"). */
export function expectedRequests(spec: {
  rps?: number
  durationSec?: number
  requests?: number
}): number | null {
  const byRate =
    spec.rps !== undefined && spec.durationSec !== undefined ? Math.ceil(spec.rps * spec.durationSec) : null
  if (byRate === null) return spec.requests ?? null
  return spec.requests === undefined ? byRate : Math.min(byRate, spec.requests)
}
