import type { ClientHealth } from '../types.js'

/** Above these the client, not the server, may be what the numbers show. */
export const CLIENT_LIMITS = { eventLoopLagP99Ms: 20, scheduleLagP99Ms: 10 } as const

/** The end-of-run verdict on the client itself: was it busy or late enough to skew the numbers? */
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
