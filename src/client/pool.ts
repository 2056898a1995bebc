import { type Dispatcher, Pool } from 'undici'
import type { Target, Timeouts } from '../types.js'

// Pools whose target closes its connection after every response (keepalive: false). The
// client sends such requests with `reset: true`: undici writes `connection: close` and
// destroys the socket after the response instead of offering it to the next request.
const closingPools = new WeakSet<Dispatcher>()

/** True when requests on this dispatcher must not reuse a connection. */
export function isClosingPool(dispatcher: Dispatcher): boolean {
  return closingPools.has(dispatcher)
}

/** A timeout in ms as undici wants it: 0 disables (Infinity would overflow Node's timers). */
export function timerMs(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? ms : 0
}

/**
 * One undici Pool per target: `connections` = the workload's concurrency, so a request never
 * waits for a socket that another in-flight request holds; no HTTP pipelining. The connect
 * timeout covers TCP and TLS setup; the header and body timeouts are also set per request.
 */
export function createTargetPool(target: Target, connections: number, timeouts: Timeouts): Pool {
  const pool = new Pool(new URL(target.baseUrl).origin, {
    connections: Math.max(1, Math.floor(connections)),
    pipelining: 1,
    connect: { timeout: timerMs(timeouts.connectMs) },
    headersTimeout: timerMs(timeouts.firstByteMs),
    bodyTimeout: timerMs(timeouts.idleMs),
  })
  if (!target.keepalive) closingPools.add(pool)
  return pool
}
